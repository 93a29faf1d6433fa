import CRMCore
import Testing

@Suite("Custom field definitions")
struct FieldTests {
    @Test("an option is renamed in place; respelling it is allowed, taking another's name or an unknown option is not")
    func renamingOptions() throws {
        let tier = FieldDefinition(recordType: .company, key: "tier", label: "Tier", kind: .choices, options: ["Złoty", "Srebrny", "Brązowy"])
        #expect(try tier.renamingOption("Srebrny", to: "  Platynowy ").options == ["Złoty", "Platynowy", "Brązowy"])
        #expect(try tier.renamingOption("Złoty", to: "złoty").options == ["złoty", "Srebrny", "Brązowy"])
        func refusal(_ from: String, _ to: String, of field: FieldDefinition = tier) -> String? {
            do {
                _ = try field.renamingOption(from, to: to)
                return nil
            } catch { return error.errors.map { "\($0.field ?? ""): \($0.code)" }.joined() }
        }
        #expect(refusal("Srebrny", "ZLOTY") == "to: option_exists")
        #expect(refusal("Gold", "Platinum") == "from: unknown_option")
        #expect(refusal("Złoty", " ") == "to: invalid_option")
        #expect(refusal("a", "b", of: FieldDefinition(recordType: .company, key: "note", label: "Note", kind: .text)) == "from: not_a_choice")
    }

    @Test("a value holding the option gets the new name, others are left alone")
    func renamingValues() {
        #expect(CustomValue.choice("Złoty").renamingOption("Złoty", to: "Gold") == .choice("Gold"))
        #expect(CustomValue.choice("Srebrny").renamingOption("Złoty", to: "Gold") == nil)
        #expect(CustomValue.choices(["Srebrny", "Złoty"]).renamingOption("Złoty", to: "Gold") == .choices(["Srebrny", "Gold"]))
        #expect(CustomValue.text("Złoty").renamingOption("Złoty", to: "Gold") == nil)
    }
}
