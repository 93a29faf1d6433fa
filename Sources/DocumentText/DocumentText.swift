public import Foundation

/// The readable text of a document, for search: Word and OpenDocument files, spreadsheets and presentations,
/// PDF (through poppler's `pdftotext` where it is installed) and plain text.
///
/// Knows file formats only. A file it cannot read gives nil, never an error: search simply has less to go on.
public enum DocumentText {
    /// Longest text kept; the rest of a very long document is not searched.
    public static let maxCharacters = 500_000
    /// Most bytes unpacked from one archive, whatever its entries claim (a defence against ZIP bombs).
    static let maxUnpackedBytes = 64 << 20

    /// The text of the file at `url`, whose bytes are of `mediaType` (as sniffed).
    public static func extract(from url: URL, mediaType: String) -> String? {
        let text: String?
        switch mediaType {
        case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
            text = OfficeText.read(url, parts: { $0 == "word/document.xml" || $0.hasPrefix("word/header") || $0.hasPrefix("word/footer") })
        case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
            text = OfficeText.read(url, parts: { $0 == "xl/sharedStrings.xml" })
        case "application/vnd.openxmlformats-officedocument.presentationml.presentation":
            text = OfficeText.read(url, parts: { $0.hasPrefix("ppt/slides/slide") && $0.hasSuffix(".xml") })
        case let type where type.hasPrefix("application/vnd.oasis.opendocument."):
            text = OfficeText.read(url, parts: { $0 == "content.xml" })
        case "application/pdf":
            text = PDFText.read(url)
        case let type where type.hasPrefix("text/plain") || type == "text/vcard" || type == "text/calendar":
            text = plain(url)
        default:
            text = nil
        }
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : String(trimmed.prefix(maxCharacters))
    }

    /// The Office Open XML or OpenDocument type of a ZIP archive, read from its entries (its first bytes do not
    /// always name them), or nil for any other archive.
    public static func officeType(of url: URL) -> String? {
        OfficeText.type(of: url)
    }

    /// UTF-8 (with or without a mark) or UTF-16 with its mark; anything else is read as UTF-8 with replacements.
    static func plain(_ url: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maxCharacters * 4) else { return nil }
        if data.starts(with: [0xFF, 0xFE]) { return String(data: data, encoding: .utf16LittleEndian) }
        if data.starts(with: [0xFE, 0xFF]) { return String(data: data, encoding: .utf16BigEndian) }
        return String(decoding: data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data, as: UTF8.self)
    }
}
