import ArgumentParser
import CRMStore
import Foundation
import S3Client

/// Where file contents are kept. Secrets come from the environment only, never the command line, which other
/// users of the machine can read: `CLIENTELE_S3_ACCESS_KEY`, `CLIENTELE_S3_SECRET_KEY`.
struct FileOptions: ParsableArguments {
    @Option(help: "directory, database or s3 (default: the data directory on SQLite, the database on PostgreSQL; env CLIENTELE_FILE_STORAGE).")
    var fileStorage: String?

    @Option(help: "Folder for file contents with --file-storage directory (default DATA_DIR/files; env CLIENTELE_FILES_DIR).")
    var filesDir: String?

    @Option(help: "S3 endpoint, e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000 (env CLIENTELE_S3_ENDPOINT).")
    var s3Endpoint: String?

    @Option(help: "S3 bucket (env CLIENTELE_S3_BUCKET).")
    var s3Bucket: String?

    @Option(help: "S3 region (env CLIENTELE_S3_REGION; default us-east-1).")
    var s3Region: String?

    @Option(help: "Key prefix for file contents in the bucket.")
    var s3Prefix: String = "files/"

    @Flag(help: "Address the bucket as a host name (bucket.endpoint) instead of a path; AWS prefers it.")
    var s3VirtualHosted = false

    @Option(help: "Largest file accepted, in MB (env CLIENTELE_MAX_UPLOAD_MB; default 256).")
    var maxUploadMB: Int?

    @Option(help: "Days a removed file stays restorable before it is erased.")
    var fileRetentionDays: Int = 30

    func configuration() throws -> FileConfiguration {
        let environment = ProcessInfo.processInfo.environment
        var configuration = FileConfiguration(retentionDays: fileRetentionDays)
        let megabytes = maxUploadMB ?? environment["CLIENTELE_MAX_UPLOAD_MB"].flatMap(Int.init) ?? 256
        guard (1...102_400).contains(megabytes) else { throw ValidationError("--max-upload-mb must be from 1 to 102400") }
        configuration.maxUploadBytes = Int64(megabytes) * 1_000_000
        guard fileRetentionDays >= 0 else { throw ValidationError("--file-retention-days cannot be negative") }
        switch fileStorage ?? environment["CLIENTELE_FILE_STORAGE"] {
        case nil, "":
            if let folder = filesDir ?? environment["CLIENTELE_FILES_DIR"] { configuration.storage = .directory(Self.absolute(folder)) }
        case "directory":
            if let folder = filesDir ?? environment["CLIENTELE_FILES_DIR"] { configuration.storage = .directory(Self.absolute(folder)) }
        case "database":
            configuration.storage = .database
        case "s3":
            guard let endpoint = (s3Endpoint ?? environment["CLIENTELE_S3_ENDPOINT"]).flatMap(URL.init(string:)), endpoint.host != nil else {
                throw ValidationError("--file-storage s3 needs --s3-endpoint (a URL such as http://127.0.0.1:9000)")
            }
            guard let bucket = s3Bucket ?? environment["CLIENTELE_S3_BUCKET"], !bucket.isEmpty else {
                throw ValidationError("--file-storage s3 needs --s3-bucket")
            }
            guard let access = environment["CLIENTELE_S3_ACCESS_KEY"], let secret = environment["CLIENTELE_S3_SECRET_KEY"] else {
                throw ValidationError("--file-storage s3 needs CLIENTELE_S3_ACCESS_KEY and CLIENTELE_S3_SECRET_KEY in the environment")
            }
            let client = S3Client.Configuration(
                endpoint: endpoint,
                bucket: bucket,
                region: s3Region ?? environment["CLIENTELE_S3_REGION"] ?? "us-east-1",
                accessKey: access,
                secretKey: secret,
                virtualHosted: s3VirtualHosted
            )
            configuration.storage = .s3(client, prefix: s3Prefix)
        case let other?:
            throw ValidationError("--file-storage must be directory, database or s3, not \(other)")
        }
        return configuration
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
