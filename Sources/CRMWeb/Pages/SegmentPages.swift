import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Saving a list's filters as a segment, from the list itself.
struct SegmentPages {
    let store: Store
    let pages: PageRenderer
    let defaultCountryCode: String

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.post("segments", use: create)
    }

    /// The form carries the list's filters as `filter_<name>`; the segment opens as that list.
    @Sendable func create(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let type = RecordType(rawValue: form["record_type"]).flatMap { Segment.recordTypes.contains($0) ? $0 : nil } ?? .company
        var filters: [String: String] = [:]
        for (key, values) in form.values where key.hasPrefix("filter_") {
            let name = String(key.dropFirst("filter_".count))
            if Segment.keeps(name), let value = values.first, !value.isEmpty { filters[name] = value }
        }
        _ = try ListQuery(
            filters: filters,
            of: type,
            fields: try await store.fields.custom(type),
            field: "filters",
            defaultCountryCode: defaultCountryCode
        )
        let segment = try await store.segments.create(identity.access, name: form["name"], recordType: type, filters: filters)
        return redirect(segment.listPath)
    }
}

extension Segment {
    /// The list page showing the segment.
    var listPath: String {
        "/\(recordType.collection ?? "companies")?"
            + filters.sorted { $0.key < $1.key }.map { "\($0.key)=\(percentEncoded($0.value))" }.joined(separator: "&")
    }
}
