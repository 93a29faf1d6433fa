/// A typed identifier: `ID<Company>` cannot be passed where an `ID<Contact>` is expected.
///
/// Identifiers are database-assigned 64-bit integers; they encode and decode as plain JSON numbers.
public struct ID<Entity>: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

public typealias UserID = ID<User>
public typealias TeamID = ID<Team>
public typealias CompanyID = ID<Company>
public typealias ContactID = ID<Contact>
public typealias PipelineID = ID<Pipeline>
public typealias StageID = ID<Stage>
public typealias DealID = ID<Deal>
public typealias LeadID = ID<Lead>
public typealias LossReasonID = ID<LossReason>
