/// ABC classification of customers: A are the few that bring most revenue.
public enum Priority: String, Codable, Sendable, CaseIterable {
    case a = "A"
    case b = "B"
    case c = "C"
}

/// Head-count bands, as most CRMs and data vendors report company size.
public enum CompanySize: String, Codable, Sendable, CaseIterable {
    case micro = "1-9"
    case small = "10-49"
    case medium = "50-249"
    case large = "250-999"
    case enterprise = "1000+"
}
