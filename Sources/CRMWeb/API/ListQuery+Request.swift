import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension ListQuery {
    static let commonParameters: Set<String> = ["q", "tag", "owner_id", "team_id", "deleted", "sort", "limit", "cursor", "include_total"]

    /// Reads list parameters from a URL, refusing unknown names and bad values with errors that name them.
    /// - Parameter extra: the parameters of this collection beyond the common ones (`priority`, `pipeline_id` …).
    init(parameters: [String: String], extra: Set<String>) throws {
        self.init()
        var errors: [ValidationError] = []
        for name in parameters.keys.sorted() where !Self.commonParameters.contains(name) && !extra.contains(name) {
            errors.append(ValidationError(field: name, code: "unknown_parameter", message: "is not a list parameter"))
        }
        func id(_ name: String) -> Int64? {
            guard let text = parameters[name], !text.isEmpty else { return nil }
            guard let value = Int64(text), value > 0 else {
                errors.append(ValidationError(field: name, code: "invalid_id", message: "must be a positive integer"))
                return nil
            }
            return value
        }
        search = parameters["q"].flatMap { $0.trimmingWhitespace().isEmpty ? nil : String($0.prefix(200)) }
        tag = parameters["tag"].flatMap { $0.isEmpty ? nil : $0 }
        ownerID = id("owner_id").map { UserID($0) }
        teamID = id("team_id").map { TeamID($0) }
        companyID = id("company_id").map { CompanyID($0) }
        pipelineID = id("pipeline_id").map { PipelineID($0) }
        dealID = id("deal_id").map { DealID($0) }
        contactID = id("contact_id").map { ContactID($0) }
        if let text = parameters["kind"], !text.isEmpty {
            if let value = ActivityKind(rawValue: text) { activityKind = value } else {
                errors.append(ValidationError(field: "kind", code: "invalid_choice", message: "must be task, call, meeting or note"))
            }
        }
        if let text = parameters["done"], !text.isEmpty {
            if text == "true" || text == "false" { isDone = text == "true" } else {
                errors.append(ValidationError(field: "done", code: "invalid_choice", message: "must be true or false"))
            }
        }
        stageID = id("stage_id").map { StageID($0) }
        if let text = parameters["status"], !text.isEmpty {
            if let value = DealStatus(rawValue: text) { status = value } else {
                errors.append(ValidationError(field: "status", code: "invalid_choice", message: "must be open, won or lost"))
            }
        }
        if let text = parameters["priority"], !text.isEmpty {
            if let value = Priority(rawValue: text.uppercased()) { priority = value } else {
                errors.append(ValidationError(field: "priority", code: "invalid_choice", message: "must be A, B or C"))
            }
        }
        if let text = parameters["deleted"], !text.isEmpty {
            if let value = Deleted(rawValue: text) { deleted = value } else {
                errors.append(ValidationError(field: "deleted", code: "invalid_choice", message: "must be exclude, only or include"))
            }
        }
        if let text = parameters["sort"], !text.isEmpty {
            do { sort = try Sort(parsing: text) } catch { errors.append(error) }
        }
        if let text = parameters["limit"], !text.isEmpty {
            if let value = Int(text), (1...Self.maxLimit).contains(value) { limit = value } else {
                errors.append(ValidationError(field: "limit", code: "invalid_limit", message: "must be a whole number from 1 to \(Self.maxLimit)"))
            }
        }
        if errors.isEmpty, let token = parameters["cursor"], !token.isEmpty {
            do { cursor = try Cursor(token: token, for: sort) } catch {
                throw APIError.badRequest("invalid_cursor", error.message, field: "cursor")
            }
        }
        guard errors.isEmpty else { throw APIError(.badRequest, code: "invalid_parameters", detail: errors.map { "\($0.field ?? ""): \($0.message)" }.joined(separator: "; "), errors: errors) }
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
