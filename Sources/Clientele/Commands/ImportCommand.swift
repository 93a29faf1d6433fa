import ArgumentParser
import CRMCore
import CRMStore
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import data written by other systems.",
        subcommands: [Deals.self]
    )

    struct Deals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import deals with their outcome from a CSV file, all or nothing (undo it under Imports).",
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

                Rows whose key (`--column key=…`) an earlier import's live deal has are skipped, so a file can be \
                imported again after it grew.
                """
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LogOptions
        @Option(help: "The CSV file: UTF-8, UTF-16, windows-1250/1251, ISO-8859-2 or KOI8-R; comma, semicolon or tab separated.") var file: String
        @Option(help: "The pipeline's name or id.") var pipeline: String
        @Option(
            name: .customLong("column"),
            help: "field=column: key, title, owner, company, stage, created, closed, expected_close, amount, source, loss_reason."
        )
        var columns: [String] = []
        @Option(name: .customLong("stage-value"), help: "value=stage: what a stage-column value means (a stage name, won or lost).")
        var stageValues: [String] = []
        @Option(help: "IANA time zone of dates without a time.") var timeZone: String = "UTC"
        @Option(help: "Loss reason for lost rows that give none.") var lossReason: String?

        func run() async throws {
            var mapping: [String: String] = [:]
            for pair in columns {
                let (field, column) = try Self.split(pair, "--column")
                guard RecordImport.Target.deals.fields.contains(field) else {
                    throw ValidationError("--column \(pair): '\(field)' is not one of " + RecordImport.Target.deals.fields.joined(separator: ", "))
                }
                mapping[column] = field
            }
            var outcomes: [String: String] = [:]
            for pair in stageValues {
                let (value, meaning) = try Self.split(pair, "--stage-value")
                outcomes[value] = meaning
            }
            guard let data = FileManager.default.contents(atPath: file) else { throw OperatorError("cannot read \(file)") }
            let fileName = URL(fileURLWithPath: file).lastPathComponent
            try await database.withStore(logger: logging.bootstrap()) { store in
                try await requireCurrentSchema(store)
                let target = try await Self.pipeline(pipeline, in: store)
                let options = ImportOptions(pipelineID: target.id.rawValue, stageValues: outcomes, timeZone: timeZone, defaultLossReason: lossReason)
                let system = AccessContext.system(reason: "import of \(fileName)")
                do {
                    // The same import as a person's upload, so the command's imports are in the history and can be undone.
                    let draft = try await store.imports.upload(system, target: .deals, fileName: fileName, data: data)
                    let report = try await store.imports.run(system, draft.id, mapping: mapping, options: options, mode: .all)
                    if report.refused { throw Self.refusal(report.rowErrors) }
                    let skipped = report.skippedDuplicates > 0 ? "; skipped \(report.skippedDuplicates) rows imported before" : ""
                    print(
                        "Imported \(report.created) deals into \(target.name); created \(report.companiesCreated ?? 0) companies\(skipped) (the file was read as \(draft.encoding); import \(draft.id))."
                    )
                } catch StoreError.invalid(let errors) {
                    throw Self.refusal(errors)
                }
            }
        }

        private static func split(_ pair: String, _ option: String) throws -> (String, String) {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex, pair.index(after: equals) != pair.endIndex else {
                throw ValidationError("\(option) \(pair): write it as name=value")
            }
            return (String(pair[..<equals]).trimmingWhitespace(), String(pair[pair.index(after: equals)...]).trimmingWhitespace())
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
