public import CRMStore
import Foundation
public import S3Client
public import Testing

/// The file storages the file suite runs on: a folder and the database always, an S3-compatible store when
/// `CLIENTELE_TEST_S3_URL` names one (CI starts moto's server).
public enum TestFileStorage: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case directory, database, s3

    public static var available: [TestFileStorage] {
        ProcessInfo.processInfo.environment["CLIENTELE_TEST_S3_URL"] == nil ? [.directory, .database] : allCases
    }

    public var testDescription: String { rawValue }

    /// The configuration for one test; nil means the engine's default folder or tables. Each S3 test gets its
    /// own key prefix, so tests running at once never see each other's objects.
    public func configuration(retentionDays: Int = 30) async throws -> FileConfiguration {
        var configuration = FileConfiguration(retentionDays: retentionDays)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-tests/files-\(UUID().uuidString)").path
        switch self {
        case .directory:
            configuration.storage = .directory(folder)
        case .database:
            configuration.storage = .database
            configuration.stagingDirectory = folder
        case .s3:
            let client = Self.s3Configuration!
            try await S3Client(client).createBucket()
            configuration.storage = .s3(client, prefix: "test-\(UUID().uuidString)/")
            configuration.stagingDirectory = folder
        }
        return configuration
    }

    public static var s3Configuration: S3Client.Configuration? {
        guard let url = ProcessInfo.processInfo.environment["CLIENTELE_TEST_S3_URL"].flatMap(URL.init(string:)) else { return nil }
        return S3Client.Configuration(endpoint: url, bucket: "clientele-test", region: "us-east-1", accessKey: "testing", secretKey: "testing")
    }
}
