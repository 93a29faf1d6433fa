import CRMCore
import Testing

/// The pure rules of leads: scores and their reasons, who routing picks, what a web-form submission becomes.
@Suite("Lead rules")
struct LeadTests {
    @Test("a score adds the points of every matching rule, case- and accent-insensitively, and says which matched")
    func score() {
        let rules = [
            ScoringRule(attribute: .industry, value: "Łączność", points: 20),
            ScoringRule(attribute: .jobTitle, value: "директор", points: 15),
            ScoringRule(attribute: .companySize, value: "1000+", points: 10),
            ScoringRule(attribute: .behaviour, value: "form_filled", points: 5),
            ScoringRule(attribute: .source, value: "cold call", points: -10),
        ]
        let lead = LeadFields(
            lastName: "Петров",
            jobTitle: "Генеральный ДИРЕКТОР",
            industry: "LACZNOSC",
            companySize: .enterprise,
            source: "web",
            behaviours: [.formFilled]
        )
        let score = LeadScore(lead, rules: rules)
        #expect(score.total == 50)
        #expect(score.reasons == Array(rules.prefix(4)))
        #expect(LeadScore(LeadFields(lastName: "X", source: "Cold Call"), rules: rules).total == -10)
    }

    @Test("turns go round the members in id order; the least loaded wins, ties to the lowest id")
    func routing() {
        let (a, b, c) = (UserID(3), UserID(5), UserID(9))
        #expect(RoutingRule.nextInTurn([c, a, b], after: nil) == a)
        #expect(RoutingRule.nextInTurn([c, a, b], after: a) == b)
        #expect(RoutingRule.nextInTurn([c, a, b], after: c) == a)
        #expect(RoutingRule.nextInTurn([a, c], after: b) == c, "a member who left the team does not stop the rotation")
        #expect(RoutingRule.nextInTurn([], after: a) == nil)
        #expect(RoutingRule.leastLoaded([a: 4, b: 2, c: 2]) == b)
        let territory = RoutingRule(country: "HU", region: "Győr-Moson-Sopron", method: .user, userID: a)
        #expect(territory.matches(LeadFields(lastName: "X", country: "HU", region: "gyor-moson-sopron")))
        #expect(!territory.matches(LeadFields(lastName: "X", country: "HU", region: "Pest")))
        #expect(RoutingRule(method: .leastLoaded, teamID: TeamID(1)).matches(LeadFields(lastName: "anyone")))
        #expect(throws: ValidationErrors.self) { try RoutingRule(country: "Poland", method: .user, userID: a).validated(at: 0) }
    }

    @Test("a submission becomes a lead with the form's source and campaign; bad fields are named")
    func submission() throws {
        let form = LeadForm(name: "Kontakt", source: "www", campaign: "wiosna", ownerID: UserID(1))
        let lead = try form.lead(
            from: ["first_name": " Ива́н ", "email": "Ivan@Example.RU", "phone": "601 234 567", "country": "ru"],
            defaultCountryCode: "48"
        )
        #expect(lead.firstName == "Ива́н" && lead.country == "RU" && lead.source == "www" && lead.campaign == "wiosna")
        #expect(lead.emails.first?.address.value == "ivan@example.ru" && lead.phones.first?.number.e164 == "+48601234567")
        #expect(lead.behaviours == [.formFilled])
        do {
            _ = try form.lead(from: ["last_name": "X", "email": "nope", "phone": "abc", "country": "Russia"], defaultCountryCode: "48")
            Issue.record("a bad submission was accepted")
        } catch {
            #expect(Set(error.errors.compactMap(\.field)) == ["email", "phone", "country"])
        }
        #expect(throws: ValidationErrors.self) { try form.lead(from: ["message": "only a message"], defaultCountryCode: "48") }
    }
}
