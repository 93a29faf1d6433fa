/// Counted words by each language's plural rules (CLDR's cardinal rules for whole numbers): "1 dzień, 2 dni,
/// 5 dni", "1 день, 2 дня, 5 дней, 21 день", "1 ден, 5 дни". A catalog holds a word as `<key>_one`, `_few`, `_many`
/// and `_other`; a language without a form falls back to `_other`.
enum Plural: String {
    case one, few, many, other

    static func of(_ count: Int, language: String) -> Plural {
        let n = abs(count)
        let last = n % 10
        let lastTwo = n % 100
        switch language {
        case "pl":
            if n == 1 { return .one }
            return (2...4).contains(last) && !(12...14).contains(lastTwo) ? .few : .many
        case "ru":
            if last == 1 && lastTwo != 11 { return .one }
            return (2...4).contains(last) && !(12...14).contains(lastTwo) ? .few : .many
        default:
            return n == 1 ? .one : .other
        }
    }

    /// "5 dni": the count as the reader writes numbers, then the word in the form the count takes.
    static func counted(_ count: Int, _ key: String, _ t: [String: String], format: (Int) -> String = { String($0) }) -> String {
        "\(format(count)) \(word(count, key, t))"
    }

    /// The word alone, for a page that sets the number apart ("24" over "контакта").
    static func word(_ count: Int, _ key: String, _ t: [String: String]) -> String {
        let form = of(count, language: t["language_code"] ?? "en")
        return t["\(key)_\(form.rawValue)"] ?? t["\(key)_other"] ?? key
    }
}
