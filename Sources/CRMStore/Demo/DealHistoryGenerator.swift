public import CRMCore
import Foundation

/// Makes deals with believable pasts for demos and benchmarks: created at random over the last year, then
/// mostly moving forward a stage every few weeks, sometimes skipping one or stepping back, and ending lost
/// (with a reason), won, or still open (some of those stale).
public struct DealHistoryGenerator: Sendable {
    /// Pipelines to draw from; list one several times to make it more common.
    public let pipelines: [Pipeline]
    public let reasons: [LossReasonID]
    public let now: Timestamp

    public init(pipelines: [Pipeline], reasons: [LossReasonID], now: Timestamp) {
        self.pipelines = pipelines
        self.reasons = reasons
        self.now = now
    }

    /// - Parameter language: the deal's title is written in the language the company is worked in.
    public func deal(company: CompanyID?, owner: UserID, team: TeamID?, language: String = "en", random: inout SeededRandom) throws -> ImportedDeal {
        let day: Int64 = 86_400
        let pipeline = pipelines[random.next(pipelines.count)]
        let words = DemoPhrases.of(language)
        let products = words.products
        let created = now.adding(seconds: -Int64(random.next(365)) * day - Int64(random.next(86_400)))
        var fields = DealFields(
            title: "\(products[random.next(products.count)]) \(2026 - random.next(2))",
            companyID: company,
            pipelineID: pipeline.id,
            stageID: pipeline.stages[0].id,
            amount: Money(minorUnits: Int64(1_000 + random.next(199_000)) * 100, currency: pipeline.currency),
            source: words.sources[random.next(words.sources.count)]
        )
        fields.expectedCloseDate = try? CalendarDate(parsing: String(created.adding(seconds: Int64(30 + random.next(120)) * day).iso8601.prefix(10)))
        var events: [(at: Timestamp, move: FunnelMove)] = []
        var position = 0
        var at = created
        while true {
            at = at.adding(seconds: Int64(1 + random.next(20)) * day + Int64(random.next(36_000)))
            guard at < now else { break }
            let roll = random.next(100)
            if roll < 12 {
                events.append((at, .lose(reason: reasons[random.next(reasons.count)], comment: "")))
                break
            } else if position == pipeline.stages.count - 1 {
                events.append((at, roll < 80 ? .win : .lose(reason: reasons[random.next(reasons.count)], comment: "")))
                break
            } else if roll < 17, position > 0 {
                position -= 1
            } else if roll < 27, position + 2 < pipeline.stages.count {
                position += 2
            } else {
                position += 1
            }
            events.append((at, .move(to: pipeline.stages[position].id)))
        }
        return ImportedDeal(fields: fields, owner: owner, team: team, createdAt: created, events: events)
    }
}
