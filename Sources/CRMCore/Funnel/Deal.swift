/// A sale in progress: a card that moves stage by stage through a pipeline to won or lost.
public typealias Deal = Record<DealFields>

public enum DealStatus: String, Codable, Sendable, CaseIterable {
    case open, won, lost
}

/// The fields of a deal a user edits. Pipeline and stage are set when a deal is created; afterwards a deal
/// changes stage or outcome only through `FunnelMove`, so that every movement is in the stage log.
public struct DealFields: Codable, Sendable, Equatable {
    public var title: String
    public var companyID: CompanyID?
    public var pipelineID: PipelineID
    public var stageID: StageID
    public var amount: Money
    public var expectedCloseDate: CalendarDate?
    public var source: String
    public var forecastCategory: ForecastCategory?
    public var tags: [String]
    /// Outcome state, kept by the stage log's operations; a plain edit never changes it.
    public var status: DealStatus
    public var lossReasonID: LossReasonID?
    public var lossComment: String
    public var closedAt: Timestamp?
    public var stageEnteredAt: Timestamp
    /// Values of the fields admins added, by key.
    public var custom: CustomValues

    public init(
        title: String,
        companyID: CompanyID? = nil,
        pipelineID: PipelineID,
        stageID: StageID,
        amount: Money,
        expectedCloseDate: CalendarDate? = nil,
        source: String = "",
        forecastCategory: ForecastCategory? = nil,
        tags: [String] = [],
        status: DealStatus = .open,
        lossReasonID: LossReasonID? = nil,
        lossComment: String = "",
        closedAt: Timestamp? = nil,
        stageEnteredAt: Timestamp = .now,
        custom: CustomValues = [:]
    ) {
        self.title = title
        self.companyID = companyID
        self.pipelineID = pipelineID
        self.stageID = stageID
        self.amount = amount
        self.expectedCloseDate = expectedCloseDate
        self.source = source
        self.forecastCategory = forecastCategory
        self.tags = tags
        self.status = status
        self.lossReasonID = lossReasonID
        self.lossComment = lossComment
        self.closedAt = closedAt
        self.stageEnteredAt = stageEnteredAt
        self.custom = custom
    }

    public func validated() throws(ValidationErrors) -> DealFields {
        var copy = self
        var errors: [ValidationError] = []
        copy.title = title.trimmingWhitespace()
        copy.source = source.trimmingWhitespace()
        copy.lossComment = lossComment.trimmingWhitespace()
        if copy.title.isEmpty { errors.append(ValidationError(field: "title", code: "required", message: "a deal needs a title")) }
        errors += FieldRules.maxLength(["title": copy.title, "source": copy.source], 200)
        if amount.minorUnits < 0 { errors.append(ValidationError(field: "amount", code: "negative", message: "an amount cannot be negative")) }
        do { copy.tags = try Tags.normalize(tags) } catch { errors.append(error) }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return copy
    }

    public var auditValues: [String: String] {
        custom.auditValues.merging([
            "title": title, "company_id": companyID?.description ?? "", "amount": amount.decimalString, "currency": amount.currency.code,
            "expected_close_date": expectedCloseDate?.description ?? "", "source": source,
            "forecast_category": forecastCategory?.rawValue ?? "", "tags": tags.joined(separator: ", "),
        ]) { $1 }
    }

    public var searchText: String { TextFolding.fold(([title, source] + tags).joined(separator: " ")) }

    /// Days the deal has spent in its current stage at `now`.
    public func daysInStage(at now: Timestamp) -> Int {
        Int(max(0, now.rawValue - stageEnteredAt.rawValue) / 86_400_000)
    }

    /// Stale means idle in its stage for longer than the stage allows, as Pipedrive marks rotting deals.
    public func isStale(in stage: Stage, at now: Timestamp) -> Bool {
        guard status == .open, let days = stage.rottingDays else { return false }
        return daysInStage(at: now) > days
    }
}

/// A day in the calendar without a time or zone (an expected close date), written `YYYY-MM-DD`.
public struct CalendarDate: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init(year: Int, month: Int, day: Int) throws(ValidationError) {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1900...2999).contains(year), (1...12).contains(month), (1...lengths[month - 1]).contains(day) else {
            throw ValidationError(code: "invalid_date", message: "\(year)-\(month)-\(day) is not a date")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    public init(parsing text: String) throws(ValidationError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else {
            throw ValidationError(code: "invalid_date", message: "'\(text)' is not a date in the form YYYY-MM-DD")
        }
        try self.init(year: year, month: month, day: day)
    }

    public var description: String {
        String(year) + "-" + (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
