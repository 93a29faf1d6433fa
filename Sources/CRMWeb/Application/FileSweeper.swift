import CRMStore
import Logging
import ServiceLifecycle

/// Erases files whose time in the bin ran out, contents nothing refers to and uploads a crash abandoned, on every
/// node: the store's sweep is safe to run on several at once.
struct FileSweeper: Service {
    let store: Store
    let logger: Logger
    var interval: Duration = .seconds(600)

    func run() async throws {
        // Its long sleep must not hold up a graceful shutdown: the shutdown cancels it.
        try? await cancelWhenGracefulShutdown { await loop() }
    }

    private func loop() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let swept = try await store.files.sweep()
                if swept != FileSweep() {
                    logger.info(
                        "files swept",
                        metadata: [
                            "erased_files": .stringConvertible(swept.erasedFiles), "removed_blobs": .stringConvertible(swept.removedBlobs),
                            "abandoned_uploads": .stringConvertible(swept.abandonedUploads),
                        ]
                    )
                }
            } catch {
                logger.error("sweeping files failed", metadata: ["error": .string(String(describing: error))])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
