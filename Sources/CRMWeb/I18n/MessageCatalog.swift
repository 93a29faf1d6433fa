import CRMCore
import Foundation
import HTTPTypes
import Logging

/// UI text in every language we ship, read from `Resources/Locales/<language>.json`.
///
/// English is complete by definition and is the fallback string by string, so a half-translated language still
/// shows every label.
struct MessageCatalog: Sendable {
    static let languages = ["en", "ru", "pl", "hu", "bg"]
    static let languageNames = ["en": "English", "ru": "Русский", "pl": "Polski", "hu": "Magyar", "bg": "Български"]

    private let merged: [String: [String: String]]

    init(catalogs: [String: [String: String]]) {
        let english = catalogs["en"] ?? [:]
        var merged: [String: [String: String]] = [:]
        for language in Self.languages {
            merged[language] = english.merging(catalogs[language] ?? [:]) { $1 }
        }
        self.merged = merged
    }

    static func load(from directory: URL) throws -> MessageCatalog {
        var catalogs: [String: [String: String]] = [:]
        for language in languages {
            let file = directory.appendingPathComponent("\(language).json")
            catalogs[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: file))
        }
        return MessageCatalog(catalogs: catalogs)
    }

    /// Every string for a language tag such as `pl-PL`; unknown languages get English.
    func strings(for locale: String) -> [String: String] {
        merged[Self.language(of: locale)] ?? merged["en"]!
    }

    func keys(of language: String) -> Set<String> { Set((merged[language] ?? [:]).keys) }

    static func language(of locale: String) -> String {
        let language = String(locale.lowercased().prefix { $0 != "-" && $0 != "_" })
        return languages.contains(language) ? language : "en"
    }

    /// The best shipped language for an `Accept-Language` header, honouring q-values.
    static func negotiate(_ header: String?) -> String {
        guard let header else { return "en" }
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag, quality)
        }
        for (tag, _) in ranked.sorted(by: { $0.1 > $1.1 }) {
            let language = String(tag.lowercased().prefix { $0 != "-" })
            if languages.contains(language) { return language }
        }
        return "en"
    }
}
