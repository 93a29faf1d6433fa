import Foundation

/// Pure work over many rows spread across the cores, for bulk paths whose own CPU work (sort and search texts,
/// JSON) would otherwise leave one core idle beside the database's.
enum Parallel {
    /// Cores kept for other work while this task's maps run: the database's, while a bulk path encodes its next
    /// part (`BulkRows.inParts`). A map on every core would take turns with the database for one of them.
    @TaskLocal static var reserved = 0

    /// `transform` of each index in `range`, in order, computed a contiguous slice per core.
    static func map<T: Sendable>(_ range: Range<Int>, _ transform: @escaping @Sendable (Range<Int>) throws -> T) async throws -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount - reserved
        guard cores > 1, range.count >= 2 * minimumSlice else { return [try transform(range)] }
        let width = max(minimumSlice, (range.count + cores - 1) / cores)
        let slices = stride(from: range.lowerBound, to: range.upperBound, by: width).map { $0..<min($0 + width, range.upperBound) }
        return try await withThrowingTaskGroup(of: (Int, T).self) { group in
            for (index, slice) in slices.enumerated() { group.addTask { (index, try transform(slice)) } }
            var results = [T?](repeating: nil, count: slices.count)
            for try await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    /// Below this many rows a slice costs more to hand to another core than to compute here.
    static let minimumSlice = 500
}
