import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension ListQuery {
    static let commonParameters: Set<String> = ["q", "tag", "owner_id", "team_id", "deleted", "sort", "limit", "cursor", "include_total"]

    /// Reads list parameters from a URL, refusing unknown names and bad values with errors that name them.
    /// - Parameter type: whose list it is; its collection's own parameters (`priority`, `pipeline_id` …) are known,
    ///   and `status` is read as that type's status (a deal's or a lead's).
    /// - Parameter fields: the record type's custom fields: `cf.<key>=value` filters by one (`cf.<key>.min`,
    ///   `cf.<key>.max` bound numbers, amounts and dates) and `sort=cf.<key>` sorts by it.
    init(parameters: [String: String], for type: RecordType, fields: [FieldDefinition] = [], defaultCountryCode: String) throws {
        self.init()
        let customNames = fields.flatMap { ["cf.\($0.key)", "cf.\($0.key).min", "cf.\($0.key).max"] }
        var query = QueryParameters(parameters, allowed: Self.commonParameters.union(type.listParameters).union(customNames))
        search = query.values["q"].flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0 }
        if let search, search.count > 200 {
            query.fail(ValidationError(field: "q", code: "too_long", message: "may be at most 200 characters"))
        }
        tag = query.text("tag")
        ownerID = query.id("owner_id").map { UserID($0) }
        teamID = query.id("team_id").map { TeamID($0) }
        companyID = query.id("company_id").map { CompanyID($0) }
        pipelineID = query.id("pipeline_id").map { PipelineID($0) }
        stageID = query.id("stage_id").map { StageID($0) }
        dealID = query.id("deal_id").map { DealID($0) }
        contactID = query.id("contact_id").map { ContactID($0) }
        leadID = query.id("lead_id").map { LeadID($0) }
        activityKind = query.choice("kind", ActivityKind.self)
        isDone = query.bool("done")
        // Deals and leads both have a status, each its own kind.
        if type == .lead {
            leadStatus = query.choice("status", LeadStatus.self)
            minimumScore = query.integer("min_score", in: -100_000...100_000)
        } else {
            status = query.choice("status", DealStatus.self)
        }
        priority = query.choice("priority", Priority.self) { $0.uppercased() }
        deleted = query.choice("deleted", Deleted.self) ?? .exclude
        if let text = query.text("sort") {
            let key = text.drop { $0 == "-" }
            if key.hasPrefix("cf."), let field = fields.first(where: { "cf.\($0.key)" == key }) {
                sort = Sort(custom: field.key, numeric: [.number, .money, .dateTime, .user].contains(field.kind), descending: text.hasPrefix("-"))
            } else {
                do { sort = try Sort(parsing: text) } catch { query.fail(error) }
                if sort.field == .score, type != .lead {
                    query.fail(ValidationError(field: "sort", code: "invalid_sort", message: "only leads have a score to sort by"))
                }
            }
        }
        custom = Self.customFilters(&query, fields, defaultCountryCode: defaultCountryCode)
        limit = query.integer("limit", in: 1...Self.maxLimit) ?? limit
        try query.finish()
        if let token = query.text("cursor") {
            do { cursor = try Cursor(token: token, for: sort) } catch {
                throw APIError.badRequest("invalid_cursor", error.message, field: "cursor")
            }
        }
    }
}

extension ListQuery {
    /// The `cf.` parameters as filters, each value read as its field reads a form's.
    private static func customFilters(_ query: inout QueryParameters, _ fields: [FieldDefinition], defaultCountryCode: String) -> [CustomFilter] {
        var filters: [CustomFilter] = []
        let utc = TimeZone(identifier: "UTC")!
        for field in fields {
            for (suffix, match) in [("", CustomFilter.Match.equals), (".min", CustomFilter.Match.atLeast), (".max", CustomFilter.Match.atMost)] {
                let name = "cf.\(field.key)\(suffix)"
                guard let text = query.text(name) else { continue }
                do throws(ValidationError) {
                    guard let value = try field.value(parsing: text, defaultCountryCode: defaultCountryCode, timeZone: utc) else { continue }
                    if !suffix.isEmpty, value.indexed.number == nil {
                        query.fail(ValidationError(field: name, code: "invalid_filter", message: "only numbers, amounts and dates have bounds"))
                    } else {
                        filters.append(CustomFilter(key: field.key, match: match(value)))
                    }
                } catch {
                    query.fail(error.at(name))
                }
            }
        }
        return filters
    }
}

extension ListQuery {
    /// A segment's filters as the list of `type` reads them; each mistake is named under `field`
    /// (`segment.stage_id`), since the filters arrive as submitted content, not as a URL.
    init(filters: [String: String], of type: RecordType, fields: [FieldDefinition], field: String, defaultCountryCode: String) throws {
        let unknown = filters.keys.filter { !Segment.keeps($0) }.sorted()
        guard unknown.isEmpty else {
            throw APIError.invalid(
                unknown.map { ValidationError(field: "\(field).\($0)", code: "unknown_field", message: "is not a filter of a segment") }
            )
        }
        do {
            try self.init(parameters: filters, for: type, fields: fields, defaultCountryCode: defaultCountryCode)
        } catch let error as APIError {
            throw APIError.invalid(error.errors.map { ValidationError(field: "\(field).\($0.field ?? "")", code: $0.code, message: $0.message) })
        }
    }
}

extension Request {
    /// Query parameters as a dictionary; a repeated name keeps its last value. Decoded as HTML forms encode
    /// them (`+` is a space), so a search typed into a GET form arrives as typed.
    var queryDictionary: [String: String] {
        var result: [String: String] = [:]
        for pair in (uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text) }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
