import Foundation

/// Who a comment mentions: a colleague or a whole team.
public enum Mention: Hashable, Sendable {
    case user(UserID)
    case team(TeamID)
}

/// Mentions in a comment's text: written by people as `@Full Name` (what the autocomplete inserts) or by API
/// clients as `@[user:5]` / `@[team:2]`, and kept as those tokens.
public enum MentionText {
    public enum Segment: Sendable, Equatable {
        case text(String)
        case mention(Mention)
    }

    /// `text` with every `@Name` of a known user or team (longest name first, any case) and every token turned into
    /// a token, and the set of those mentioned. An `@` inside a word (an e-mail address) mentions no one.
    public static func resolve(_ text: String, users: [(UserID, String)], teams: [(TeamID, String)]) -> (body: String, mentions: Set<Mention>) {
        let names: [(name: String, mention: Mention)] =
            (users.map { ($0.1, Mention.user($0.0)) } + teams.map { ($0.1, Mention.team($0.0)) })
            .filter { !$0.0.isEmpty }
            .sorted { $0.0.count > $1.0.count }
        var body = ""
        var mentions = Set<Mention>()
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let startsWord = index == text.startIndex || !(text[text.index(before: index)].isLetter || text[text.index(before: index)].isNumber)
            guard character == "@", startsWord else {
                body.append(character)
                index = text.index(after: index)
                continue
            }
            let rest = text[text.index(after: index)...]
            if let (mention, length) = token(rest) {
                body += tokenText(mention)
                mentions.insert(mention)
                index = text.index(index, offsetBy: 1 + length)
                continue
            }
            if let match = names.first(where: { matches(rest, $0.name) }) {
                body += tokenText(match.mention)
                mentions.insert(match.mention)
                index = text.index(index, offsetBy: 1 + match.name.count)
                continue
            }
            body.append(character)
            index = text.index(after: index)
        }
        return (body, mentions)
    }

    /// A stored body cut into plain text and mentions, for showing it.
    public static func segments(_ body: String) -> [Segment] {
        var segments: [Segment] = []
        var plain = ""
        var index = body.startIndex
        while index < body.endIndex {
            if body[index] == "@", let (mention, length) = token(body[body.index(after: index)...]) {
                if !plain.isEmpty { segments.append(.text(plain)) }
                plain = ""
                segments.append(.mention(mention))
                index = body.index(index, offsetBy: 1 + length)
            } else {
                plain.append(body[index])
                index = body.index(after: index)
            }
        }
        if !plain.isEmpty { segments.append(.text(plain)) }
        return segments
    }

    /// The body as plain text, each mention written as `@Name` by `name`.
    public static func plain(_ body: String, name: (Mention) -> String) -> String {
        segments(body).map {
            switch $0 {
            case .text(let text): text
            case .mention(let mention): "@" + name(mention)
            }
        }.joined()
    }

    static func tokenText(_ mention: Mention) -> String {
        switch mention {
        case .user(let id): "@[user:\(id.rawValue)]"
        case .team(let id): "@[team:\(id.rawValue)]"
        }
    }

    /// `[user:5]` or `[team:2]` at the start of `text`, with its length in characters.
    static func token(_ text: Substring) -> (Mention, Int)? {
        guard text.hasPrefix("["), let close = text.prefix(32).firstIndex(of: "]") else { return nil }
        let inner = text[text.index(after: text.startIndex)..<close]
        let parts = inner.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let id = Int64(parts[1]), id > 0 else { return nil }
        let length = text.distance(from: text.startIndex, to: close) + 1
        switch parts[0] {
        case "user": return (.user(UserID(id)), length)
        case "team": return (.team(TeamID(id)), length)
        default: return nil
        }
    }

    /// `name` at the start of `text`, in any case, not running on into a longer word.
    static func matches(_ text: Substring, _ name: String) -> Bool {
        guard text.count >= name.count else { return false }
        let candidate = text.prefix(name.count)
        guard candidate.compare(name, options: [.caseInsensitive]) == .orderedSame else { return false }
        guard let next = text.dropFirst(name.count).first else { return true }
        return !(next.isLetter || next.isNumber)
    }
}
