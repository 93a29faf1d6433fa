import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Everything the caller may see, in one ZIP of CSV files: companies, contacts, leads, deals with their whole
/// stage log, and activities. The permission layer picks the rows, as for every list.
struct ExportController {
    let store: Store

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("export", use: export)
    }

    @Sendable func export(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.export)
        let query = QueryParameters(request.queryDictionary, allowed: [])
        try query.finish()
        let access = identity.access
        let everything = ListQuery(limit: ListQuery.maxLimit)
        var archive = ZipArchive()
        archive.add("companies.csv", Data(try await RecordController.csv(store.companies, access, everything).utf8))
        archive.add("contacts.csv", Data(try await RecordController.csv(store.contacts, access, everything).utf8))
        archive.add("leads.csv", Data(try await RecordController.csv(store.leads, access, everything).utf8))
        archive.add("deals.csv", Data(try await RecordController.csv(store.deals, access, everything).utf8))
        archive.add("deal_stage_log.csv", Data(try await stageLog(access).utf8))
        archive.add("activities.csv", Data(try await RecordController.csv(store.activities, access, everything).utf8))
        let day = CalendarDate(.now, in: TimeZone(identifier: identity.user.timeZone) ?? TimeZone(identifier: "UTC")!)
        var headers = HTTPFields()
        headers[.contentType] = "application/zip"
        headers[.contentDisposition] = "attachment; filename=\"clientele-export-\(day).zip\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: archive.data)))
    }

    /// Every stage movement of the deals the caller may see, oldest first.
    private func stageLog(_ access: AccessContext) async throws -> String {
        var csv =
            "\u{FEFF}"
            + CSV.line([
                "id", "deal_id", "pipeline_id", "kind", "from_stage_id", "to_stage_id", "status", "at", "actor_id", "amount", "currency",
                "probability", "expected_close_date", "loss_reason_id", "comment",
            ])
        var after: Int64 = 0
        while true {
            let page = try await store.funnel.transitions(access, after: after, limit: 5_000)
            for entry in page {
                csv += CSV.line([
                    String(entry.id), entry.dealID.description, entry.pipelineID.description, entry.kind.rawValue,
                    entry.fromStageID?.description ?? "", entry.toStageID.description, entry.status.rawValue, entry.at.iso8601,
                    entry.actorID?.description ?? "", entry.amount.decimalString, entry.amount.currency.code, String(entry.probability),
                    entry.expectedCloseDate?.description ?? "", entry.lossReasonID?.description ?? "", entry.comment,
                ])
            }
            guard page.count == 5_000, let last = page.last else { return csv }
            after = last.id
        }
    }
}
