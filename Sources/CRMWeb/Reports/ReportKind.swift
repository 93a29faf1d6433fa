/// The reports of the reports area, in the order the menu lists them.
enum ReportKind: String, CaseIterable, Sendable {
    case snapshot, funnel, losses, plan, reps, required, velocity, forecast
}
