/// How long a deal spent open in each stage, read from its stage log: the time between an entry and the next
/// one belongs to the stage the entry left the deal in, while the deal was open. Time after the last entry
/// counts up to `now` if the deal is still open.
public enum StageDurations {
    public static func milliseconds(_ log: [StageTransition], now: Timestamp) -> [StageID: Int64] {
        var result: [StageID: Int64] = [:]
        let ordered = log.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        for (index, entry) in ordered.enumerated() where entry.status == .open {
            let end = index + 1 < ordered.count ? ordered[index + 1].at : now
            result[entry.toStageID, default: 0] += max(0, end.rawValue - entry.at.rawValue)
        }
        return result
    }
}
