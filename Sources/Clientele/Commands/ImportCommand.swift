import ArgumentParser
import CRMCore
import CRMStore
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import data written by other systems.",
        subcommands: [Deals.self]
    )

    struct Deals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import deals with their outcome from a CSV file, all or nothing.",
            discussion: """
                Each row becomes a deal created at its created date in the stage its stage column names (won and lost \
                rows start in the pipeline's first stage and close at their closed date). Owners are found by name or \
                e-mail; companies by name, created when missing. Example for the Maven CRM dataset:

                  clientele import deals --file sales_pipeline.csv --pipeline Sales \\
                    --column title=opportunity_id --column owner=sales_agent \\
                    --column company=account --column stage=deal_stage \\
                    --column created=engage_date --column closed=close_date \\
                    --column amount=close_value --loss-reason "Not given" \\
                    --stage-value Prospecting=Lead --stage-value Engaging=Qualified
                """
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LogOptions
        @Option(help: "The CSV file: UTF-8, UTF-16, windows-1250/1251, ISO-8859-2 or KOI8-R; comma, semicolon or tab separated.") var file: String
        @Option(help: "The pipeline's name or id.") var pipeline: String
        @Option(name: .customLong("column"), help: "field=column: title, owner, company, stage, created, closed, amount, source, loss_reason.")
        var columns: [String] = []
        @Option(name: .customLong("stage-value"), help: "value=stage: what a stage-column value means (a stage name, won or lost).")
        var stageValues: [String] = []
        @Option(help: "IANA time zone of dates without a time.") var timeZone: String = "UTC"
        @Option(help: "Loss reason for lost rows that give none.") var lossReason: String?

        func run() async throws {
            guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("'\(timeZone)' is not an IANA time zone") }
            var fields: [DealImportMapping.Field: String] = [:]
            for pair in columns {
                let (key, value) = try Self.split(pair, "--column")
                guard let field = DealImportMapping.Field(rawValue: key) else {
                    throw ValidationError("--column \(pair): '\(key)' is not one of " + DealImportMapping.Field.allCases.map(\.rawValue).joined(separator: ", "))
                }
                fields[field] = value
            }
            var outcomes: [String: DealImportMapping.Outcome] = [:]
            for pair in stageValues {
                let (key, value) = try Self.split(pair, "--stage-value")
                outcomes[key] = DealImportMapping.outcome(value)
            }
            let (table, encoding) = try Self.read(file)
            try await database.withStore(logger: logging.bootstrap()) { store in
                try await requireCurrentSchema(store)
                let target = try await Self.pipeline(pipeline, in: store)
                let mapping = DealImportMapping(columns: fields, stageValues: outcomes, currency: target.currency, timeZone: zone, defaultLossReason: lossReason)
                let rows: [DealImportRow]
                do throws(ValidationErrors) { rows = try DealImportRow.rows(of: table, mapping) } catch { throw Self.refusal(error) }
                let summary: DealImportSummary
                do {
                    summary = try await store.funnel.importRows(.system(reason: "import of \(URL(fileURLWithPath: file).lastPathComponent)"), rows, into: target.id)
                } catch StoreError.invalid(let errors) {
                    throw Self.refusal(errors)
                }
                print("Imported \(summary.deals) deals into \(target.name); created \(summary.companiesCreated) companies (the file was read as \(encoding)).")
            }
        }

        private static func split(_ pair: String, _ option: String) throws -> (String, String) {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex, pair.index(after: equals) != pair.endIndex else {
                throw ValidationError("\(option) \(pair): write it as name=value")
            }
            return (String(pair[..<equals]).trimmingWhitespace(), String(pair[pair.index(after: equals)...]).trimmingWhitespace())
        }

        /// Reads the file in whatever encoding it was written (UTF-8, UTF-16, or a legacy code page).
        private static func read(_ path: String) throws -> (CSVTable, String) {
            guard let data = FileManager.default.contents(atPath: path) else { throw OperatorError("cannot read \(path)") }
            do throws(CRMCore.ValidationError) {
                let decoded = try TextDecoding.decode(data)
                return (try CSVTable(text: decoded.text), decoded.encoding)
            } catch {
                throw OperatorError("\(path): \(error.message)")
            }
        }

        private static func pipeline(_ name: String, in store: Store) async throws -> Pipeline {
            let pipelines = try await store.pipelines.list()
            if let id = Int64(name), let found = pipelines.first(where: { $0.id.rawValue == id }) { return found }
            guard let found = pipelines.first(where: { TextFolding.fold($0.name) == TextFolding.fold(name) }) else {
                throw OperatorError("no pipeline '\(name)' (there are: \(pipelines.map(\.name).joined(separator: ", ")))")
            }
            return found
        }

        /// Every problem, by line, up to a screenful; nothing was imported.
        private static func refusal(_ errors: ValidationErrors) -> OperatorError {
            let lines = errors.errors.prefix(20).map { ($0.field.map { "\($0): " } ?? "") + $0.message }
            let more = errors.errors.count > 20 ? "\n… and \(errors.errors.count - 20) more" : ""
            return OperatorError("nothing was imported:\n" + lines.joined(separator: "\n") + more)
        }
    }
}
