public import CRMCore
import Crypto
public import Foundation
public import NIOCore
import _NIOFileSystem

/// Where an upload lands while it arrives: a temporary file in a folder of Clientele's, hashed, measured and
/// checked against the size limit on the way in, so nothing but a complete file ever reaches storage.
///
/// On Linux the file is unnamed (`O_TMPFILE`) until `finish()` links it: a process killed mid-upload leaves no
/// bytes behind at all. What a crash can leave is a finished staged file not yet in storage, which
/// `removeAbandoned` erases.
public struct FileStaging: Sendable {
    public let directory: String
    /// Largest file accepted, in bytes.
    public let maxBytes: Int64

    public init(directory: String, maxBytes: Int64) {
        self.directory = directory
        self.maxBytes = maxBytes
    }

    /// Starts a new staged upload; the caller appends the bytes, then finishes or discards it.
    public func begin() async throws -> StagedUpload {
        try await FileSystem.shared.createDirectory(at: FilePath(directory), withIntermediateDirectories: true)
        let path = "\(directory)/\(UUID().uuidString).part"
        let handle = try await FileSystem.shared.openFile(forWritingAt: FilePath(path), options: .newFile(replaceExisting: false))
        return StagedUpload(path: path, handle: handle, maxBytes: maxBytes)
    }

    /// Stages `data` in one go (tests, small bodies, files made by Clientele itself).
    public func stage(_ data: Data) async throws -> StagedFile {
        let upload = try await begin()
        do {
            try await upload.append(ByteBuffer(bytes: data))
            return try await upload.finish()
        } catch {
            await upload.discard()
            throw error
        }
    }

    /// Removes staged files older than `age` that a crash left behind.
    public func removeAbandoned(olderThan age: TimeInterval) throws -> Int {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return 0 }
        var removed = 0
        for name in names where name.hasSuffix(".part") {
            let path = "\(directory)/\(name)"
            guard let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                modified < Date().addingTimeInterval(-age)
            else { continue }
            try manager.removeItem(atPath: path)
            removed += 1
        }
        return removed
    }
}

/// An upload being received. Not shared between tasks: one request writes it from start to end.
public final class StagedUpload {
    public let path: String
    private let handle: WriteFileHandle
    private let maxBytes: Int64
    private var hasher = SHA256()
    private var size: Int64 = 0
    private var head = Data()
    private var open = true

    init(path: String, handle: WriteFileHandle, maxBytes: Int64) {
        self.path = path
        self.handle = handle
        self.maxBytes = maxBytes
    }

    /// Appends the next bytes; throws `FileTooLarge` (and discards the upload) past the limit.
    public func append(_ buffer: ByteBuffer) async throws {
        guard buffer.readableBytes > 0 else { return }
        size += Int64(buffer.readableBytes)
        guard size <= maxBytes else {
            await discard()
            throw FileTooLarge(limit: maxBytes)
        }
        buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        if head.count < ContentSniffer.headLength {
            head.append(contentsOf: buffer.readableBytesView.prefix(ContentSniffer.headLength - head.count))
        }
        try await handle.write(contentsOf: buffer.readableBytesView, toAbsoluteOffset: size - Int64(buffer.readableBytes))
    }

    /// Makes the bytes durable and describes the complete file.
    public func finish() async throws -> StagedFile {
        try await handle.synchronize()
        try await handle.close()
        open = false
        let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return StagedFile(path: path, hash: hash, size: size, sniffed: ContentSniffer.sniff(head))
    }

    /// Drops what was received (a failed or refused upload).
    public func discard() async {
        if open {
            try? await handle.close(makeChangesVisible: false)
            open = false
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A complete upload waiting in the staging folder: its bytes, their hash and what they are.
public struct StagedFile: Sendable {
    public let path: String
    public let hash: String
    public let size: Int64
    public let sniffed: ContentSniffer.Sniffed

    /// Removes the staged bytes (after storage took them, or when the upload is refused).
    public func discard() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// An upload past the configured limit.
public struct FileTooLarge: Error, CustomStringConvertible {
    public let limit: Int64
    public var description: String { "the file is larger than the \(limit / 1_000_000) MB allowed" }
}
