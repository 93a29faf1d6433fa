import CRMCore

/// Names admins give in each language (a stage, a loss reason): one input per language, `name_<code>`, instead of
/// one "pl=…; ru=…" string nobody types right.
enum TranslationInputs {
    /// The inputs for a form, each labelled with its language's own name.
    static func inputs(_ translations: [String: String]) -> [[String: Any]] {
        MessageCatalog.languages.map { code in
            ["name": "name_\(code)", "code": code, "language": MessageCatalog.languageNames[code] ?? code, "value": translations[code] ?? ""]
        }
    }

    /// The names typed; languages left empty show the main name.
    static func read(_ form: FormInput) -> [String: String] {
        var translations: [String: String] = [:]
        for code in MessageCatalog.languages {
            let text = form["name_\(code)"].trimmingWhitespace()
            if !text.isEmpty { translations[code] = text }
        }
        return translations
    }
}
