/// The forecast of a period per rep, rolled up to teams and the company: closed won, commit, best case,
/// pipeline and weighted amounts, by forecast category (not by stage). A manager's override replaces a rep's
/// commit and best case, and the roll-ups use it.
///
/// Categories are cumulative as in Salesforce: commit = won + commit deals; best case = commit + best-case deals.
public struct ForecastReport: Codable, Sendable, Equatable {
    /// One rep's open and won deals in the period, gathered by the store.
    public struct Tally: Codable, Sendable, Equatable {
        public var closedWon = MoneyTotals()
        public var commit = MoneyTotals()
        public var bestCase = MoneyTotals()
        public var pipeline = MoneyTotals()
        /// Open deals in every category but omitted, each amount × its probability.
        public var weighted = MoneyTotals()
        public var deals = 0

        public init() {}

        public mutating func add(_ other: Tally) {
            closedWon.add(other.closedWon)
            commit.add(other.commit)
            bestCase.add(other.bestCase)
            pipeline.add(other.pipeline)
            weighted.add(other.weighted)
            deals += other.deals
        }
    }

    /// A manager's replacement for a rep's commit and best case, with why.
    public struct Override: Codable, Sendable, Equatable {
        public let ownerID: UserID
        public let commit: Money
        public let bestCase: Money
        public let comment: String
        public let byUserID: UserID?
        public let at: Timestamp

        public init(ownerID: UserID, commit: Money, bestCase: Money, comment: String, byUserID: UserID?, at: Timestamp) {
            self.ownerID = ownerID
            self.commit = commit
            self.bestCase = bestCase
            self.comment = comment
            self.byUserID = byUserID
            self.at = at
        }

        public func validated() throws(ValidationErrors) -> Override {
            var errors: [ValidationError] = []
            if commit.minorUnits < 0 {
                errors.append(ValidationError(field: "commit", code: "negative", message: "the commit amount cannot be negative"))
            }
            if bestCase.minorUnits < commit.minorUnits {
                errors.append(
                    ValidationError(field: "best_case", code: "below_commit", message: "best case includes commit, so it cannot be smaller")
                )
            }
            if bestCase.currency != commit.currency {
                errors.append(ValidationError(field: "best_case", code: "currency_mismatch", message: "commit and best case must be in one currency"))
            }
            if comment.trimmingWhitespace().isEmpty {
                errors.append(ValidationError(field: "comment", code: "required", message: "say why the forecast is overridden"))
            }
            guard errors.isEmpty else { throw ValidationErrors(errors) }
            return self
        }
    }

    public struct Line: Codable, Sendable, Equatable {
        public let ownerID: UserID?
        public let teamID: TeamID?
        public let closedWon: MoneyTotals
        /// Won plus commit deals, or the override.
        public let commit: MoneyTotals
        /// Commit plus best-case deals, or the override.
        public let bestCase: MoneyTotals
        public let pipeline: MoneyTotals
        public let weighted: MoneyTotals
        public let deals: Int
        public let override: Override?
    }

    public let reps: [Line]
    public let teams: [Line]
    public let company: Line

    /// - Parameter tallies: per rep and the team of their deals; a rep with deals in two teams appears in both.
    public init(tallies: [(owner: UserID, team: TeamID?, tally: Tally)], overrides: [Override]) {
        let overrideByOwner = Dictionary(
            overrides.map { ($0.ownerID, $0) },
            uniquingKeysWith: { first, second in first.at >= second.at ? first : second }
        )
        var perRep: [UserID: Tally] = [:]
        var perTeam: [TeamID: [UserID: Tally]] = [:]
        for entry in tallies {
            perRep[entry.owner, default: Tally()].add(entry.tally)
            if let team = entry.team { perTeam[team, default: [:]][entry.owner, default: Tally()].add(entry.tally) }
        }
        func line(owner: UserID?, team: TeamID?, parts: [UserID: Tally]) -> Line {
            var sum = Tally()
            var commit = MoneyTotals()
            var bestCase = MoneyTotals()
            for (rep, tally) in parts {
                sum.add(tally)
                // A team's share of an override is the override scaled by the team's part of the rep's own figures.
                if let override = overrideByOwner[rep], let whole = perRep[rep] {
                    commit.add(
                        Self.share(override.commit, part: tally.closedWon.adding(tally.commit), whole: whole.closedWon.adding(whole.commit)),
                        currency: override.commit.currency.code
                    )
                    bestCase.add(
                        Self.share(
                            override.bestCase,
                            part: tally.closedWon.adding(tally.commit).adding(tally.bestCase),
                            whole: whole.closedWon.adding(whole.commit).adding(whole.bestCase)
                        ),
                        currency: override.bestCase.currency.code
                    )
                } else {
                    commit.add(tally.closedWon)
                    commit.add(tally.commit)
                    bestCase.add(tally.closedWon)
                    bestCase.add(tally.commit)
                    bestCase.add(tally.bestCase)
                }
            }
            return Line(
                ownerID: owner,
                teamID: team,
                closedWon: sum.closedWon,
                commit: commit,
                bestCase: bestCase,
                pipeline: sum.pipeline,
                weighted: sum.weighted,
                deals: sum.deals,
                override: owner.flatMap { overrideByOwner[$0] }
            )
        }
        reps = perRep.keys.sorted { $0.rawValue < $1.rawValue }.map { line(owner: $0, team: nil, parts: [$0: perRep[$0]!]) }
        teams = perTeam.keys.sorted { $0.rawValue < $1.rawValue }.map { line(owner: nil, team: $0, parts: perTeam[$0]!) }
        company = line(owner: nil, team: nil, parts: perRep)
    }

    /// `amount` × part ÷ whole in the override's currency; the whole amount when the rep's figures are empty.
    static func share(_ amount: Money, part: MoneyTotals, whole: MoneyTotals) -> Int64 {
        let code = amount.currency.code
        let wholeMinor = whole.minorUnits[code] ?? 0
        guard wholeMinor > 0 else { return part.isEmpty && !whole.isEmpty ? 0 : amount.minorUnits }
        return Int64((Double(amount.minorUnits) * Double(part.minorUnits[code] ?? 0) / Double(wholeMinor)).rounded())
    }
}

extension MoneyTotals {
    func adding(_ other: MoneyTotals) -> MoneyTotals {
        var copy = self
        copy.add(other)
        return copy
    }
}
