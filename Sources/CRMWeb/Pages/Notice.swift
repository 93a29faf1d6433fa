import Foundation
import HTTPTypes
import Hummingbird

/// What the page after a form post says happened ("Task done · Undo · Schedule the next activity"). It travels in
/// a cookie that lives for one redirect, so it needs no server state and works whichever node serves the next page.
struct Notice: Codable, Equatable {
    /// The catalog key of the sentence: `notice_<key>`.
    var key: String
    /// The record it is about, shown after the sentence.
    var subject: String = ""
    /// Where a POST undoes it, with the fields that post carries (a deal's earlier stage).
    var undo: String?
    var undoFields: [String: String] = [:]
    /// What to do next, offered as a link: the catalog key of its label and where it goes.
    var follow: String?
    var followLabel: String?

    static let cookie = "clientele_notice"

    /// The cookie's value: base64url JSON, which needs no quoting in a header.
    var encoded: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
            of: "=",
            with: ""
        )
    }

    init(
        key: String,
        subject: String = "",
        undo: String? = nil,
        undoFields: [String: String] = [:],
        follow: String? = nil,
        followLabel: String? = nil
    ) {
        self.key = key
        self.subject = String(subject.prefix(120))
        self.undo = undo
        self.undoFields = undoFields
        self.follow = follow
        self.followLabel = followLabel
    }

    /// Reads a cookie back; anything that is not a notice Clientele wrote, or points off the site, is ignored.
    init?(cookie text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard text.count < 3000, let data = Data(base64Encoded: base64), let notice = try? JSONDecoder().decode(Notice.self, from: data),
            notice.key.allSatisfy({ $0.isLetter || $0 == "_" }), [notice.undo, notice.follow].allSatisfy({ $0.map(Self.isLocal) ?? true })
        else { return nil }
        self = notice
    }

    /// A path on this site ("/deals/4"), never another host ("//evil.example", "https://…").
    static func isLocal(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.hasPrefix("//") && !path.contains("\\")
    }

    /// The values the layout shows, in the reader's language.
    func page(_ t: [String: String]) -> [String: Any] {
        [
            "message": t["notice_\(key)"] ?? key, "subject": subject, "undo": undo ?? "",
            "undo_fields": undoFields.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
            "follow": follow ?? "", "follow_label": followLabel.flatMap { t[$0] } ?? "",
        ]
    }

    /// Sets the cookie; `Max-Age` is short because it is read by the very next page.
    var setCookie: String { "\(Self.cookie)=\(encoded); Path=/; Max-Age=120; HttpOnly; SameSite=Lax" }
    static var clearCookie: String { "\(cookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" }
}

/// A `303 See Other` carrying a notice for the page it leads to.
func redirect(_ location: String, notice: Notice) -> Response {
    var response = redirect(location)
    response.headers.append(HTTPField(name: .setCookie, value: notice.setCookie))
    return response
}
