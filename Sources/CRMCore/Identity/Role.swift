/// What a user does in the company; it decides which records the permission layer lets them reach.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin
    case salesManager = "sales_manager"
    case salesRep = "sales_rep"
    case serviceAgent = "service_agent"
}
