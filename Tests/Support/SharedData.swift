public import Foundation

/// Files written by other programs, in `../shared/data` beside the checkout. Tests that read them skip with a
/// message where the folder is absent; they are never copied into the project.
public enum SharedData {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data")

    /// The folder, or nil when this machine does not have it.
    public static func folder(_ name: String) -> URL? {
        let url = root.appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    public static func files(_ name: String, extension ext: String) -> [URL] {
        guard let folder = folder(name), let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { folder.appendingPathComponent($0) }
    }
}
