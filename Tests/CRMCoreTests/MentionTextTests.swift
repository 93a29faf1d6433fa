import CRMCore
import Testing

@Suite("Mentions in comments")
struct MentionTextTests {
    let users = [(UserID(1), "Anna Kowalska"), (UserID(2), "Anna"), (UserID(3), "Łukasz Wiśniewski"), (UserID(4), "Елена Смирнова")]
    let teams = [(TeamID(7), "Łódź")]

    @Test("names become tokens, longest first and in any case; addresses and unknown names stay text")
    func resolves() {
        let (body, mentions) = MentionText.resolve(
            "@anna kowalska i @Anna, @ŁUKASZ WIŚNIEWSKI, @Елена Смирнова; zespół @Łódź. mail: biuro@anna.pl, @Annabel, @[user:9]",
            users: users,
            teams: teams
        )
        #expect(body == "@[user:1] i @[user:2], @[user:3], @[user:4]; zespół @[team:7]. mail: biuro@anna.pl, @Annabel, @[user:9]")
        #expect(mentions == [.user(UserID(1)), .user(UserID(2)), .user(UserID(3)), .user(UserID(4)), .team(TeamID(7)), .user(UserID(9))])
    }

    @Test("a stored body reads back as text and mentions, and as plain text with today's names")
    func segments() {
        let body = "Hi @[user:3]!\n@[team:7] see @[nope:1]"
        #expect(
            MentionText.segments(body) == [
                .text("Hi "), .mention(.user(UserID(3))), .text("!\n"), .mention(.team(TeamID(7))), .text(" see @[nope:1]"),
            ]
        )
        let plain = MentionText.plain(body) {
            switch $0 {
            case .user: "Łukasz"
            case .team: "Łódź"
            }
        }
        #expect(plain == "Hi @Łukasz!\n@Łódź see @[nope:1]")
    }
}
