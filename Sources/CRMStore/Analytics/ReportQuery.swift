import CRMCore
import Foundation
import SQLKit

/// The SQL shared by every report: which deals a filter and the permission layer let through, the period's
/// bounds, and how rows are grouped. Reports join the stage log (`t`) to deals (`d`) and, for segments,
/// companies (`c`).
struct ReportQuery {
    let filter: ReportFilter
    let context: AccessContext
    let from: Int64
    let to: Int64
    let timeZone: TimeZone

    init(_ context: AccessContext, _ filter: ReportFilter, timeZone: TimeZone) {
        self.filter = filter
        self.context = context
        self.timeZone = timeZone
        let bounds = filter.period.bounds(in: timeZone)
        from = bounds.from.rawValue
        to = bounds.to.rawValue
    }

    /// Joins needed by the deal conditions.
    var joins: SQLQueryString {
        filter.companyPriority != nil || filter.companyTag != nil ? " JOIN companies c ON c.id = d.company_id" : ""
    }

    /// The deals a report may count: not deleted, visible to the reader, and within the filter.
    var dealConditions: [SQLQueryString] {
        var result: [SQLQueryString] = [
            "d.pipeline_id = \(bind: filter.pipelineID.rawValue)", "d.deleted_at IS NULL",
            AccessPredicate.sql(context.visibility, table: "d"),
        ]
        if !filter.ownerIDs.isEmpty { result.append("d.owner_id IN (\(binds: filter.ownerIDs.map(\.rawValue)))") }
        if let team = filter.teamID { result.append("d.team_id = \(bind: team.rawValue)") }
        if let source = filter.source { result.append("d.source = \(bind: source)") }
        return result + companyAndCreatedConditions
    }

    /// The conditions only the deals and their companies can answer: when the deal was created, its company's
    /// segment.
    var companyAndCreatedConditions: [SQLQueryString] {
        var result: [SQLQueryString] = []
        if let created = filter.created {
            let bounds = created.bounds(in: timeZone)
            result.append("d.created_at >= \(bind: bounds.from.rawValue) AND d.created_at < \(bind: bounds.to.rawValue)")
        }
        if let priority = filter.companyPriority { result.append("c.priority = \(bind: priority.rawValue)") }
        if let tag = filter.companyTag {
            // Tags are stored as a JSON array of strings; a quoted match finds one whole tag.
            result.append("c.tags LIKE \(bind: "%" + Self.escapeLike(Self.jsonString(tag)) + "%") ESCAPE '\\'")
        }
        return result
    }

    /// Whether the sums' keys (owner, team, source) can answer the filter; conditions on when a deal was
    /// created or on its company are read from the log and the deals.
    var summable: Bool { companyAndCreatedConditions.isEmpty }

    /// Where the funnel's figures for the period come from: whole UTC weeks, days and hours from the sums, and
    /// from the log only what no whole hour covers between the boundaries (the period's ends and, for a trend,
    /// each bucket's start, at midnight where the reader lives) — nothing, unless the reader's offset from UTC
    /// is not in whole hours.
    func spans(_ grouping: ReportGrouping) -> (buckets: [(level: FunnelRollup.Level, ranges: [Range<Int64>])], log: [Range<Int64>]) {
        guard summable else { return ([], [from..<to]) }
        var boundaries = [from]
        if grouping == .period {
            boundaries += filter.period.split(by: trendUnit).dropFirst().map { $0.from.start(in: timeZone).rawValue }.filter { $0 > from && $0 < to }
        }
        boundaries.append(to)
        return FunnelRollup.cover(zip(boundaries, boundaries.dropFirst()).map { $0..<$1 })
    }

    /// The sums' rows over the buckets, and the log's contributions over the `log` ranges, in the same columns
    /// (the period's time as `at`), for a report to add up as `x`; with `sign` -1, to take away.
    func summedRows(_ buckets: [(level: FunnelRollup.Level, ranges: [Range<Int64>])], log: [Range<Int64>], sign: Int = 1) -> [SQLQueryString] {
        FunnelRollup.rows(
            buckets,
            log: log.isEmpty ? nil : FunnelRollup.contributions(where: logConditions(log), joins: joins),
            pipeline: filter.pipelineID.rawValue,
            keys: FunnelRollup.keys,
            measures: FunnelRollup.measures,
            sign: sign
        )
    }

    /// Conditions on the log rows to read directly, over `t`, `d` and `c`.
    func logConditions(_ ranges: [Range<Int64>]) -> [SQLQueryString] {
        [Self.anyOf(ranges, column: "t.at", pipeline: ("t.pipeline_id", filter.pipelineID.rawValue))] + companyAndCreatedConditions
    }

    /// Conditions on a summed row (`x`): the reader's visibility and the filter's owner, team and source.
    var summedConditions: [SQLQueryString] {
        var result: [SQLQueryString] = [AccessPredicate.sql(context.visibility, table: "x")]
        if !filter.ownerIDs.isEmpty { result.append("x.owner_id IN (\(binds: filter.ownerIDs.map(\.rawValue)))") }
        if let team = filter.teamID { result.append("x.team_id = \(bind: team.rawValue)") }
        if let source = filter.source { result.append("x.source = \(bind: source)") }
        return result
    }

    /// Rows of one pipeline in any of the time ranges. The pipeline is repeated in each range's term, so the
    /// database seeks each range in a (pipeline, time) index instead of scanning the table for the OR.
    static func anyOf(_ ranges: [Range<Int64>], column: String, pipeline: (column: String, id: Int64)) -> SQLQueryString {
        guard !ranges.isEmpty else { return "1 = 0" }
        return "("
            + ranges.map {
                "(\(unsafeRaw: pipeline.column) = \(bind: pipeline.id) AND \(unsafeRaw: column) >= \(bind: $0.lowerBound) AND \(unsafeRaw: column) < \(bind: $0.upperBound))"
                    as SQLQueryString
            }.joined(separator: " OR ") + ")"
    }

    /// The expression a grouping splits summed rows (`x`) by.
    func groupExpression(_ grouping: ReportGrouping) -> SQLQueryString {
        switch grouping {
        case .none: return "0"
        case .owner: return "x.owner_id"
        case .team: return "x.team_id"
        case .source: return "x.source"
        case .period:
            // Buckets by the month, week or quarter a row falls in, numbered from 0.
            let buckets = filter.period.split(by: trendUnit).dropFirst()
            guard !buckets.isEmpty else { return "0" }
            var sql: SQLQueryString = "CASE"
            for (index, bucket) in buckets.enumerated() {
                sql = sql + " WHEN x.at < \(bind: bucket.from.start(in: timeZone).rawValue) THEN \(literal: index)"
            }
            return sql + " ELSE \(literal: buckets.count) END"
        }
    }

    /// Trends cut a period into weeks up to three months, months up to two years, quarters beyond.
    var trendUnit: PeriodUnit {
        let days = filter.period.from.days(until: filter.period.to)
        return days <= 92 ? .week : (days <= 731 ? .month : .quarter)
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

extension ReportGroupKey {
    static func read(_ row: any SQLRow, _ grouping: ReportGrouping, _ query: ReportQuery) throws -> ReportGroupKey {
        switch grouping {
        case .none: return .all
        case .owner: return .owner(UserID(try row.value("grp", as: Int64.self)))
        case .team:
            let id = try row.value("grp", as: Int64.self)
            return .team(id == 0 ? nil : TeamID(id))
        case .source: return .source(try row.value("grp", as: String.self))
        case .period:
            let buckets = query.filter.period.split(by: query.trendUnit)
            let index = try row.value("grp", as: Int.self)
            return .bucket(buckets[min(max(index, 0), buckets.count - 1)])
        }
    }
}
