import Foundation
import ZIPFoundation

/// Text out of the XML parts of an Office Open XML or OpenDocument archive: tags dropped, paragraphs and cells
/// kept apart, entities decoded.
enum OfficeText {
    static func read(_ url: URL, parts: (String) -> Bool) -> String? {
        guard let archive = try? Archive(url: url, accessMode: .read) else { return nil }
        var unpacked = 0
        var texts: [String] = []
        // Slides and sheets come in archive order, which is not always slide1, slide2 … : sort by the number.
        let entries = archive.filter { parts($0.path) }.sorted { NaturalPath.less($0.path, $1.path) }
        for entry in entries {
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    unpacked += chunk.count
                    guard unpacked <= DocumentText.maxUnpackedBytes else { throw CocoaError(.fileReadTooLarge) }
                    data.append(chunk)
                }
            } catch {
                return texts.isEmpty ? nil : texts.joined(separator: "\n")
            }
            texts.append(text(ofXML: String(decoding: data, as: UTF8.self)))
        }
        return texts.isEmpty ? nil : texts.joined(separator: "\n")
    }

    static func type(of url: URL) -> String? {
        guard let archive = try? Archive(url: url, accessMode: .read) else { return nil }
        if let entry = archive["mimetype"], entry.uncompressedSize < 200 {
            var data = Data()
            _ = try? archive.extract(entry) { data.append($0) }
            let type = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if type.hasPrefix("application/vnd.oasis.opendocument.") { return type }
        }
        if archive["word/document.xml"] != nil { return "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }
        if archive["xl/workbook.xml"] != nil { return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
        if archive["ppt/presentation.xml"] != nil { return "application/vnd.openxmlformats-officedocument.presentationml.presentation" }
        return nil
    }

    /// The character data of an XML document, with a line break for every paragraph, row or cell end.
    static func text(ofXML xml: String) -> String {
        let breaks: Set<String> = [
            "/w:p", "/text:p", "/text:h", "/a:p", "/si", "/table:table-cell", "w:br/", "text:line-break/", "w:tab/", "text:tab/", "text:s/",
        ]
        var out = ""
        var index = xml.startIndex
        while index < xml.endIndex {
            guard let open = xml[index...].firstIndex(of: "<") else {
                out += xml[index...]
                break
            }
            out += xml[index..<open]
            guard let close = xml[open...].firstIndex(of: ">") else { break }
            var tag = String(xml[xml.index(after: open)..<close])
            if let space = tag.firstIndex(of: " ") { tag = String(tag[..<space]) + (tag.hasSuffix("/") ? "/" : "") }
            if breaks.contains(tag) { out += tag.contains("tab") || tag == "text:s/" ? " " : "\n" }
            index = xml.index(after: close)
        }
        return decodeEntities(out)
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].prefix(12).firstIndex(of: ";") else {
                out += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let name = rest[rest.index(after: amp)..<semi]
            switch name {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number = name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : name.hasPrefix("#") ? UInt32(name.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { out.unicodeScalars.append(scalar) } else { out += "&\(name);" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

/// "slide10.xml" after "slide9.xml".
enum NaturalPath {
    static func less(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: .numeric) == .orderedAscending
    }
}
