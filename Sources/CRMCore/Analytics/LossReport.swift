/// Lost deals of a period by the stage they were lost at and by reason, with the stages where the company
/// loses most highlighted.
public struct LossReport: Codable, Sendable, Equatable {
    /// One cell gathered by the store: deals lost at a stage for a reason by an owner.
    public struct Cell: Codable, Sendable, Equatable {
        public let stageID: StageID
        public let reasonID: LossReasonID?
        public let ownerID: UserID
        public let deals: Int
        public let amount: MoneyTotals

        public init(stageID: StageID, reasonID: LossReasonID?, ownerID: UserID, deals: Int, amount: MoneyTotals) {
            self.stageID = stageID
            self.reasonID = reasonID
            self.ownerID = ownerID
            self.deals = deals
            self.amount = amount
        }
    }

    public struct Line<Key: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        public let key: Key
        public var deals: Int
        public var amount: MoneyTotals
        /// Share of all lost deals in the report.
        public var share: Double
        /// Lost here as a share of the deals that entered the stage in the period (stage lines only).
        public var lossRate: Double?
        /// Among the stages where most deals are lost (stage lines only).
        public var isHotspot: Bool
    }

    public let byStage: [Line<StageID>]
    public let byReason: [Line<LossReasonID?>]
    public let byOwner: [Line<UserID>]
    public let cells: [Cell]
    public let total: Int
    public let totalAmount: MoneyTotals

    /// - Parameters:
    ///   - entered: deals that entered each stage in the period, for each stage's loss rate.
    ///   - hotspots: how many stages to highlight; stages with no losses never are.
    public init(cells: [Cell], stages: [Stage], entered: [StageID: Int], hotspots: Int = 2) {
        self.cells = cells
        total = cells.reduce(0) { $0 + $1.deals }
        var amount = MoneyTotals()
        for cell in cells { amount.add(cell.amount) }
        totalAmount = amount
        let total = total
        func lines<Key: Hashable & Codable & Sendable>(_ key: (Cell) -> Key, order: [Key]) -> [Line<Key>] {
            var byKey: [Key: Line<Key>] = [:]
            for cell in cells {
                byKey[key(cell), default: Line(key: key(cell), deals: 0, amount: MoneyTotals(), share: 0, lossRate: nil, isHotspot: false)].deals +=
                    cell.deals
                byKey[key(cell)]!.amount.add(cell.amount)
            }
            let known = order.compactMap { byKey[$0] }
            let rest = byKey.values.filter { !order.contains($0.key) }.sorted { ($1.deals, "\($0.key)") < ($0.deals, "\($1.key)") }
            return (known + rest).map { line in
                var line = line
                line.share = FunnelReport.share(line.deals, of: total) ?? 0
                return line
            }
        }
        let ordered = stages.sorted { $0.position < $1.position }
        var stageLines = lines({ $0.stageID }, order: ordered.map(\.id))
        for index in stageLines.indices {
            stageLines[index].lossRate = FunnelReport.share(stageLines[index].deals, of: entered[stageLines[index].key] ?? 0)
        }
        let worst = Set(
            stageLines.filter { $0.deals > 0 }.sorted { ($0.deals, $1.key.rawValue) > ($1.deals, $0.key.rawValue) }.prefix(hotspots).map(\.key)
        )
        for index in stageLines.indices { stageLines[index].isHotspot = worst.contains(stageLines[index].key) }
        byStage = stageLines
        // Most losses first; ties in id order, so the same data always reads the same.
        byReason = lines({ $0.reasonID }, order: []).sorted { ($1.deals, $0.key?.rawValue ?? 0) < ($0.deals, $1.key?.rawValue ?? 0) }
        byOwner = lines({ $0.ownerID }, order: []).sorted { ($1.deals, $0.key.rawValue) < ($0.deals, $1.key.rawValue) }
    }
}
