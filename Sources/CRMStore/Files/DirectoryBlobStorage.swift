import Foundation
public import NIOCore
import _NIOFileSystem

/// Contents as files in a folder of the data directory, `ab/cd/abcd…` by hash, beside the SQLite database and
/// included in `clientele backup`. The staging folder lives inside it, so putting a file is a rename.
public struct DirectoryBlobStorage: BlobStorage {
    public let root: String
    public var kind: String { "directory" }

    public init(root: String) { self.root = root }

    /// Where uploads wait; on the same file system as the contents, so `put` moves rather than copies.
    public var stagingDirectory: String { "\(root)/.staging" }

    func path(_ hash: String) -> String {
        "\(root)/\(hash.prefix(2))/\(hash.dropFirst(2).prefix(2))/\(hash)"
    }

    public func put(_ staged: StagedFile) async throws {
        let target = path(staged.hash)
        if try await FileSystem.shared.info(forFileAt: FilePath(target)) != nil { return }
        let folder = (target as NSString).deletingLastPathComponent
        try await FileSystem.shared.createDirectory(at: FilePath(folder), withIntermediateDirectories: true)
        do {
            try await FileSystem.shared.moveItem(at: FilePath(staged.path), to: FilePath(target))
        } catch let error as FileSystemError where error.code == .fileAlreadyExists {
            // Another upload of the same bytes got there first.
            return
        }
        // The rename is durable only once the folder that holds the new name is.
        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(folder), options: .init()) { try await $0.synchronize() }
    }

    public func read(_ hash: String, _ consume: (ByteBuffer) async throws -> Void) async throws {
        let target = path(hash)
        guard try await FileSystem.shared.info(forFileAt: FilePath(target)) != nil else { throw MissingBlob(hash: hash) }
        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(target)) { handle in
            for try await chunk in handle.readChunks(chunkLength: .mebibytes(1)) { try await consume(chunk) }
        }
    }

    public func delete(_ hash: String) async throws {
        try await FileSystem.shared.removeItem(at: FilePath(path(hash)), strategy: .platformDefault, recursively: false)
    }

    public func size(of hash: String) async throws -> Int64? {
        try await FileSystem.shared.info(forFileAt: FilePath(path(hash))).map { Int64($0.size) }
    }
}
