import CRMCore
import CRMStore

/// Options for the selects of record forms.
enum FormChoices {
    /// Companies the user may link to, by name. Forms show the first 200; the API takes any id.
    /// A linked company the reader may not see stays the choice, under `hidden` for a name, so saving the form
    /// keeps the link rather than dropping it.
    static func companies(_ store: Store, _ identity: Identity, chosen: CompanyID?, hidden: String) async throws -> [[String: any Sendable]] {
        var companies = try await store.companies.list(identity.access, ListQuery(limit: ListQuery.maxLimit)).items
        var unseen: CompanyID?
        if let chosen, !companies.contains(where: { $0.id == chosen }) {
            if let current = try? await store.companies.get(identity.access, chosen.rawValue) {
                companies.insert(current, at: 0)
            } else {
                unseen = chosen
            }
        }
        let choices = companies.map { ["id": $0.meta.id, "name": $0.fields.name, "selected": $0.id == chosen] as [String: any Sendable] }
        return unseen.map { [["id": $0.rawValue, "name": hidden, "selected": true] as [String: any Sendable]] + choices } ?? choices
    }

    /// Forecast categories by the names the reader's language gives them.
    static func forecastCategories(chosen: ForecastCategory?, _ t: [String: String]) -> [[String: any Sendable]] {
        ForecastCategory.allCases.map {
            ["value": $0.rawValue, "label": t["forecast_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == chosen] as [String: any Sendable]
        }
    }

    /// Every stage of every active pipeline, grouped by pipeline, for choosing where a new deal starts.
    static func stages(_ store: Store, chosen: StageID, language: String) async throws -> [[String: any Sendable]] {
        try await store.pipelines.list().filter(\.isActive).map { pipeline in
            [
                "pipeline": pipeline.name,
                "stages": pipeline.stages.map {
                    ["value": "\(pipeline.id):\($0.id)", "name": $0.name(in: language), "selected": $0.id == chosen] as [String: any Sendable]
                },
            ]
        }
    }
}
