/// What a role may do beyond seeing records: the one list every check asks, in the store (which refuses) and in
/// the pages (which hide what cannot be done).
///
/// Which records someone reaches is `Visibility`; capabilities are the rest. Roles are sets of them
/// (`Role.capabilities`), so a role an admin defines later is a name and a set, and nothing else changes.
public enum Capability: String, Codable, Sendable, CaseIterable {
    /// Add, change and disable users; form teams; see and end others' tokens.
    case manageUsers = "manage_users"
    /// Company-wide settings: name, country calling code, sign-in rules.
    case manageSettings = "manage_settings"
    /// Pipelines, their stages and loss reasons.
    case manageFunnel = "manage_funnel"
    /// Custom fields of every record type.
    case manageFields = "manage_fields"
    /// Lead scoring and routing rules, and web forms.
    case manageLeadRules = "manage_lead_rules"
    /// Deploy processes, set what starts them, retry incidents, and do any process task.
    case manageProcesses = "manage_processes"
    /// Start a process for a segment of records and follow its board.
    case runCampaigns = "run_campaigns"
    /// Plans and forecast overrides for the whole company and anyone in it.
    case planCompany = "plan_company"
    /// Plans and forecast overrides for the teams one heads and their members.
    case planTeams = "plan_teams"
    /// The funnel, forecast and other reports, over the records one may see.
    case seeReports = "see_reports"
    /// Deals: the board, the funnel in the bar, new deals.
    case sell
    /// Lists, the full export and vCards as files.
    case export
    /// See and undo imports others uploaded.
    case superviseImports = "supervise_imports"
    /// Delete segments others saved.
    case superviseSegments = "supervise_segments"

    /// The refusal a user reads when their role lacks it.
    public var refusal: String {
        switch self {
        case .manageUsers: "only administrators manage users, teams and others' tokens"
        case .manageSettings: "only administrators change the company's settings"
        case .manageFunnel: "only administrators change pipelines, stages and loss reasons"
        case .manageFields: "only administrators define fields"
        case .manageLeadRules: "only administrators change lead rules and forms"
        case .manageProcesses: "only administrators deploy processes, set their triggers and retry incidents"
        case .runCampaigns: "only administrators and managers run campaigns"
        case .planCompany: "only administrators set company plans"
        case .planTeams: "only administrators and managers set plans and forecasts"
        case .seeReports: "your role does not see reports"
        case .sell: "your role does not work deals"
        case .export: "your role may not export"
        case .superviseImports: "only administrators see others' imports"
        case .superviseSegments: "only administrators delete others' segments"
        }
    }
}

extension Role {
    /// What each built-in role may do.
    public var capabilities: Set<Capability> {
        switch self {
        case .admin: Set(Capability.allCases)
        case .salesManager: [.runCampaigns, .planTeams, .seeReports, .sell, .export]
        case .salesRep: [.seeReports, .sell, .export]
        case .serviceAgent: [.export]
        }
    }
}

extension AccessContext {
    /// Whether this context may do what `capability` allows. Work no user asked for (jobs, the command line) may
    /// do everything.
    public func may(_ capability: Capability) -> Bool {
        guard let role else { return true }
        return role.capabilities.contains(capability)
    }
}
