public import Foundation

/// What a file is, read from its first bytes rather than its name, which anyone can choose.
///
/// Downloads are served with the type found here, and `isActive` decides whether a browser may show the file in
/// its own window: HTML, SVG and XML can carry scripts, so they always download.
public enum ContentSniffer {
    /// How many leading bytes `mediaType(of:)` needs to decide.
    public static let headLength = 4096

    public struct Sniffed: Sendable, Equatable {
        public let mediaType: String
        /// The browser would run scripts in it if shown inline.
        public let isActive: Bool
        /// A program for some operating system; refused on upload.
        public let isExecutable: Bool
    }

    /// The media type of a file starting with `head` (at least `headLength` bytes when the file is that long).
    public static func sniff(_ head: Data) -> Sniffed {
        let bytes = [UInt8](head.prefix(headLength))
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        func plain(_ type: String) -> Sniffed { Sniffed(mediaType: type, isActive: false, isExecutable: false) }
        func active(_ type: String) -> Sniffed { Sniffed(mediaType: type, isActive: true, isExecutable: false) }
        func program(_ type: String) -> Sniffed { Sniffed(mediaType: type, isActive: false, isExecutable: true) }

        if starts(Array("%PDF-".utf8)) { return plain("application/pdf") }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return plain("image/png") }
        if starts([0xFF, 0xD8, 0xFF]) { return plain("image/jpeg") }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return plain("image/gif") }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return plain("image/webp") }
        if starts(Array("BM".utf8)) && bytes.count > 14 { return plain("image/bmp") }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return plain("image/tiff") }
        if starts(Array("ftyp".utf8), at: 4) {
            let brand = String(decoding: bytes.dropFirst(8).prefix(4), as: UTF8.self)
            if ["heic", "heix", "mif1"].contains(brand) { return plain("image/heic") }
            if brand.hasPrefix("qt") { return plain("video/quicktime") }
            return plain(brand.hasPrefix("M4A") ? "audio/mp4" : "video/mp4")
        }
        if starts(Array("ID3".utf8)) || starts([0xFF, 0xFB]) { return plain("audio/mpeg") }
        if starts(Array("OggS".utf8)) { return plain("audio/ogg") }
        if starts(Array("RIFF".utf8)) && starts(Array("WAVE".utf8), at: 8) { return plain("audio/wav") }
        if starts([0x1F, 0x8B]) { return plain("application/gzip") }
        if starts(Array("7z".utf8) + [0xBC, 0xAF, 0x27, 0x1C]) { return plain("application/x-7z-compressed") }
        if starts(Array("Rar!".utf8)) { return plain("application/vnd.rar") }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return plain("application/x-ole-storage") }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return plain(zipType(bytes)) }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return program("application/x-executable") }
        if starts(Array("MZ".utf8)) { return program("application/vnd.microsoft.portable-executable") }
        if starts([0xCF, 0xFA, 0xED, 0xFE]) || starts([0xCE, 0xFA, 0xED, 0xFE]) || starts([0xCA, 0xFE, 0xBA, 0xBE]) {
            return program("application/x-mach-binary")
        }
        if starts(Array("#!".utf8)) { return program("text/x-shellscript") }
        return textType(bytes) ?? plain("application/octet-stream")
    }

    /// Office documents are ZIP archives; their first entries say which kind. OpenDocument stores an uncompressed
    /// `mimetype` entry first (its name at byte 30, its content at 38); Office Open XML names its parts.
    private static func zipType(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("PK\u{3}\u{4}"), bytes.count > 38, String(decoding: bytes[30..<38], as: UTF8.self) == "mimetype" {
            let type = String(decoding: bytes[38...].prefix { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "P") }, as: UTF8.self)
            if type.hasPrefix("application/vnd.oasis.opendocument.") { return type }
        }
        if text.contains("word/") { return "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }
        if text.contains("xl/") { return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
        if text.contains("ppt/") { return "application/vnd.openxmlformats-officedocument.presentationml.presentation" }
        return "application/zip"
    }

    /// Text when the bytes decode as UTF-8 (or UTF-16 with its mark) without NULs; HTML, SVG and XML by their first tag.
    private static func textType(_ bytes: [UInt8]) -> Sniffed? {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return Sniffed(mediaType: "text/plain; charset=utf-16", isActive: false, isExecutable: false)
        }
        guard !body.contains(0) else { return nil }
        // A multi-byte character cut at the end of the head is not a reason to call the file binary.
        var valid = Array(body)
        for _ in 0..<3 where String(validating: valid, as: UTF8.self) == nil && !valid.isEmpty { valid.removeLast() }
        guard let text = String(validating: valid, as: UTF8.self) else {
            // Legacy single-byte code pages (windows-1250/1251, KOI8-R) are text too: no control bytes but tab and line ends.
            let controls = body.filter { $0 < 0x20 && ![0x09, 0x0A, 0x0D, 0x0C].contains($0) }
            return controls.isEmpty && !body.isEmpty ? Sniffed(mediaType: "text/plain", isActive: false, isExecutable: false) : nil
        }
        let start = text.drop { $0.isWhitespace }.prefix(512).lowercased()
        let markup = [
            "<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<style", "<title", "<div", "<a ", "<img", "<table", "<p>", "<!--",
        ]
        if markup.contains(where: { start.hasPrefix($0) }) { return Sniffed(mediaType: "text/html", isActive: true, isExecutable: false) }
        if start.hasPrefix("<svg") || (start.hasPrefix("<?xml") && start.contains("<svg")) {
            return Sniffed(mediaType: "image/svg+xml", isActive: true, isExecutable: false)
        }
        if start.hasPrefix("<?xml") { return Sniffed(mediaType: "application/xml", isActive: true, isExecutable: false) }
        if start.hasPrefix("{\\rtf") { return Sniffed(mediaType: "application/rtf", isActive: false, isExecutable: false) }
        if start.hasPrefix("begin:vcard") { return Sniffed(mediaType: "text/vcard", isActive: false, isExecutable: false) }
        if start.hasPrefix("begin:vcalendar") { return Sniffed(mediaType: "text/calendar", isActive: false, isExecutable: false) }
        return Sniffed(mediaType: "text/plain", isActive: false, isExecutable: false)
    }
}
