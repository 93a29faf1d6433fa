import ArgumentParser
import CRMCore
import CRMStore
import Foundation

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("clientele \(Clientele.version)")
    }
}
