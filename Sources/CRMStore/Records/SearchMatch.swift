import CRMCore
import Foundation
import SQLKit

/// What the search box typed means as SQL over a folded `search_text` column: every word appears, in any order
/// ("lodz zolc" finds "Zakłady Żółć Łódź"); text that is mostly a phone number matches on its digits alone,
/// however they were grouped, since its separate groups ("123", "45") would match almost anything.
struct SearchMatch {
    let words: [String]
    let digits: String?

    init?(_ text: String) {
        let folded = TextFolding.fold(text)
        words = folded.split(whereSeparator: \.isWhitespace).prefix(8).map(String.init)
        guard !words.isEmpty else { return nil }
        let numerals = folded.filter(\.isNumber)
        let isNumber = numerals.count >= 5 && numerals.count * 2 >= folded.filter({ !$0.isWhitespace }).count
        // Stored numbers are E.164 (+48221234567). Typed ones may carry an international prefix (00), a
        // national trunk prefix (0, or Russia's 8) or no country code at all; their last nine significant digits
        // are the subscriber's number in every one of those forms.
        let significant = String(numerals.drop { $0 == "0" })
        digits = isNumber ? (significant.count > 9 ? String(significant.suffix(9)) : significant.count >= 4 ? significant : numerals) : nil
    }

    /// The exact condition.
    func sql(column: String) -> SQLQueryString {
        if let digits { return "\(ident: column) LIKE \(bind: "%" + digits + "%")" }
        let all: SQLQueryString = words.map { "\(ident: column) LIKE \(bind: "%" + Self.likeEscaped($0) + "%") ESCAPE '\\'" }.joined(
            separator: " AND "
        )
        return "(\(all))"
    }

    /// A looser condition a trigram index can answer, or nil when none can narrow the search: words shorter
    /// than a trigram are left out, as are LIKE's wildcards, so it finds every row `sql` finds and maybe more.
    func indexable(column: String) -> SQLQueryString? {
        if let digits { return "\(ident: column) LIKE \(bind: "%" + digits + "%")" }
        // Pieces between LIKE's wildcards: each is a plain substring of every match ("o_brien" → "brien").
        let usable = words.flatMap { $0.split { "%_\\".contains($0) } }.map(String.init).filter { $0.count >= 3 }
        guard !usable.isEmpty else { return nil }
        let all: SQLQueryString = usable.map { "\(ident: column) LIKE \(bind: "%" + $0 + "%")" }.joined(separator: " AND ")
        return "(\(all))"
    }

    /// `text` with LIKE's wildcards and escape character taken literally (with `ESCAPE '\'`).
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
