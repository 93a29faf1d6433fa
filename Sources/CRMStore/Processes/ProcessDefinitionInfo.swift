public import CRMCore

/// A deployed process: one version of one executable process of an uploaded BPMN file.
public struct ProcessDefinitionInfo: Sendable, Equatable, Codable {
    public let id: Int64
    public let key: String
    public let name: String
    public let version: Int
    public let createdAt: Timestamp
}
