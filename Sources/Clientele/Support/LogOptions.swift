import ArgumentParser
import CRMCore
import CRMStore
import Foundation
import Logging

/// How logs are written. `json` gives one JSON object per line for log shippers.
struct LogOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument { case text, json }

    @Option(help: "Log format: text or json (env CLIENTELE_LOG_FORMAT).")
    var logFormat: Format?

    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error (env CLIENTELE_LOG_LEVEL).")
    var logLevel: String?

    func bootstrap() -> Logger {
        let environment = ProcessInfo.processInfo.environment
        let format = logFormat ?? environment["CLIENTELE_LOG_FORMAT"].flatMap(Format.init(rawValue:)) ?? .text
        let level = (logLevel ?? environment["CLIENTELE_LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "clientele")
    }
}

/// One JSON object per line on standard error: time, level, message, label and metadata.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [
            "time": Date().formatted(.iso8601), "level": event.level.rawValue, "message": event.message.description, "label": label,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[key] = value.description }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}
