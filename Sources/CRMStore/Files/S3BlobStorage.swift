import Foundation
public import NIOCore
public import S3Client
import _NIOFileSystem

/// Contents as objects in an S3-compatible store (AWS S3, MinIO, Ceph, Garage), keyed `prefix` + hash, for
/// several nodes that share no disk.
public struct S3BlobStorage: BlobStorage {
    let client: S3Client
    let prefix: String
    public var kind: String { "s3" }

    public init(client: S3Client, prefix: String = "files/") {
        self.client = client
        self.prefix = prefix
    }

    func key(_ hash: String) -> String { prefix + hash }

    public func put(_ staged: StagedFile) async throws {
        if try await size(of: staged.hash) == staged.size { return }
        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(staged.path)) { handle in
            try await client.put(key(staged.hash), length: staged.size, sha256: staged.hash, body: handle.readChunks(chunkLength: .mebibytes(1)))
        }
    }

    public func read(_ hash: String, _ consume: (ByteBuffer) async throws -> Void) async throws {
        do {
            try await client.get(key(hash), consume)
        } catch let error as S3Error where error.status == 404 {
            throw MissingBlob(hash: hash)
        }
    }

    public func delete(_ hash: String) async throws {
        try await client.delete(key(hash))
    }

    public func size(of hash: String) async throws -> Int64? {
        try await client.head(key(hash))
    }
}
