import Foundation

/// A file's name as people see it: any script, but never a path, control characters or something a file system
/// or a download header would choke on.
public enum FileName {
    /// Longest name kept, in UTF-8 bytes (what most file systems allow).
    public static let maxBytes = 255

    /// `name` made safe, or a validation error when nothing usable is left.
    public static func cleaned(_ name: String) throws -> String {
        // Browsers on Windows send "C:\fakepath\x.pdf"; some clients send full paths.
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(String.UnicodeScalarView(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
            .precomposedStringWithCanonicalMapping
            .trimmingCharacters(in: .whitespaces)
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        while cleaned.utf8.count > maxBytes {
            // Keep the extension: shorten the stem.
            let dot = cleaned.lastIndex(of: ".").flatMap { cleaned.distance(from: $0, to: cleaned.endIndex) <= 10 ? $0 : nil }
            if let dot, dot > cleaned.startIndex {
                cleaned.remove(at: cleaned.index(before: dot))
            } else {
                cleaned.removeLast()
            }
        }
        guard !cleaned.isEmpty else {
            throw ValidationError(field: "name", code: "required", message: "the file needs a name")
        }
        return cleaned
    }
}
