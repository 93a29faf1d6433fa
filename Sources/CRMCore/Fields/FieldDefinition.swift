public import Foundation

/// The kinds of value a field holds, standard or custom.
public enum FieldKind: String, Codable, Sendable, CaseIterable {
    case text
    case longText = "long_text"
    case number, money, date
    case dateTime = "date_time"
    case yesNo = "yes_no"
    case choice, choices, url, email, phone, user
}

/// One field of a record type, as forms, lists, filters, imports, exports and the API see it. Standard fields
/// (`isStandard`) are the record type's own, described by the code; custom fields are defined by admins at run
/// time and their values live in the record's `custom` values.
public struct FieldDefinition: Codable, Sendable, Equatable {
    public var id: Int64
    public var recordType: RecordType
    /// How the API, CSV files and URLs name it: lower-case letters, digits and underscores.
    public var key: String
    public var label: String
    public var kind: FieldKind
    /// The options of a choice field, in their order.
    public var options: [String]
    public var isRequired: Bool
    /// Shown as a column of the record type's list.
    public var inList: Bool
    public var isStandard: Bool
    public var isActive: Bool
    /// The label and the options' names in other languages. Records keep the options as defined; only what a
    /// reader sees is translated.
    public var translations: FieldTranslations

    public init(
        id: Int64 = 0,
        recordType: RecordType,
        key: String,
        label: String,
        kind: FieldKind,
        options: [String] = [],
        isRequired: Bool = false,
        inList: Bool = false,
        isStandard: Bool = false,
        isActive: Bool = true,
        translations: FieldTranslations = FieldTranslations()
    ) {
        self.id = id
        self.recordType = recordType
        self.key = key
        self.label = label
        self.kind = kind
        self.options = options
        self.isRequired = isRequired
        self.inList = inList
        self.isStandard = isStandard
        self.isActive = isActive
        self.translations = translations
    }

    /// The label in a reader's language, the label as defined where it has none.
    public func label(in language: String) -> String { translations.labels[language] ?? label }

    /// An option's name in a reader's language.
    public func optionName(_ option: String, in language: String) -> String { translations.options[language]?[option] ?? option }

    /// The record types admins may add fields to.
    public static let customizable: [RecordType] = [.company, .contact, .lead, .deal]

    public func validated() throws(ValidationErrors) -> FieldDefinition {
        var copy = self
        copy.key = key.trimmingWhitespace()
        copy.label = label.trimmingWhitespace()
        copy.options = options.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        copy.translations = translations.cleaned(options: copy.options)
        var errors: [ValidationError] = []
        if !Self.customizable.contains(recordType) {
            errors.append(
                ValidationError(
                    field: "record_type",
                    code: "invalid_record_type",
                    message: "fields are added to companies, contacts, leads and deals"
                )
            )
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        if copy.key.isEmpty || copy.key.count > 40 || !copy.key.allSatisfy(allowed.contains) || !(copy.key.first?.isLetter ?? false) {
            errors.append(
                ValidationError(
                    field: "key",
                    code: "invalid_key",
                    message: "1 to 40 lower-case letters, digits or underscores, starting with a letter"
                )
            )
        }
        if copy.label.isEmpty || copy.label.count > 200 {
            errors.append(ValidationError(field: "label", code: "required", message: "a field needs a label of at most 200 characters"))
        }
        let hasOptions = kind == .choice || kind == .choices
        if hasOptions && copy.options.isEmpty {
            errors.append(ValidationError(field: "options", code: "required", message: "a choice field needs its options"))
        }
        if !hasOptions { copy.options = [] }
        if Set(copy.options.map(TextFolding.fold)).count != copy.options.count || copy.options.count > 200
            || copy.options.contains(where: { $0.count > 200 })
        {
            errors.append(
                ValidationError(field: "options", code: "invalid_options", message: "at most 200 different options of at most 200 characters")
            )
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return copy
    }

    /// The value typed into a form, a CSV cell or a URL filter; empty text is no value.
    public func value(parsing raw: String, defaultCountryCode: String, timeZone: TimeZone) throws(ValidationError) -> CustomValue? {
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        let wrong = { (what: String) in ValidationError(field: "custom.\(key)", code: "invalid_value", message: "'\(text)' is not \(what)") }
        switch kind {
        case .text, .longText:
            guard text.count <= (kind == .text ? 500 : 10_000) else {
                throw ValidationError(field: "custom.\(key)", code: "too_long", message: "is too long")
            }
            return .text(raw.trimmingWhitespace())
        case .number:
            let typed = Money.typedDecimal(text)
            guard let number = Decimal(string: typed, locale: Locale(identifier: "en_US_POSIX")),
                typed.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" })
            else { throw wrong("a number") }
            return .number(number)
        case .money:
            // "1 200,50 PLN" or "PLN 1200.50"; a money field always says its currency.
            let parts = text.split(separator: " ")
            guard let code = parts.first(where: { $0.count == 3 && $0.allSatisfy(\.isLetter) }), let currency = try? Currency(code: String(code))
            else {
                throw wrong("an amount with its currency, such as 1200.50 PLN")
            }
            let amount = parts.filter { $0 != code }.joined(separator: " ")
            do { return .money(try Money(typed: amount, currency: currency)) } catch {
                throw wrong("an amount with its currency, such as 1200.50 PLN")
            }
        case .date:
            do { return .date(try CalendarDate(parsing: text)) } catch { throw wrong("a date in the form YYYY-MM-DD") }
        case .dateTime:
            if let date = try? Date(text, strategy: .iso8601) { return .dateTime(Timestamp(date)) }
            do { return .dateTime(try Timestamp(localDateTime: text, timeZone: timeZone)) } catch { throw wrong("a date and time") }
        case .yesNo:
            switch TextFolding.fold(text) {
            case "true", "yes", "1", "on", "tak", "да", "igen": return .yesNo(true)
            case "false", "no", "0", "off", "nie", "нет", "не", "nem": return .yesNo(false)
            default: throw wrong("yes or no")
            }
        case .choice:
            guard let option = option(text) else { throw wrong("one of \(options.joined(separator: ", "))") }
            return .choice(option)
        case .choices:
            var chosen: [String] = []
            for part in text.split(whereSeparator: { $0 == ";" || $0 == "|" || $0 == "\n" }) {
                guard let option = option(part.trimmingWhitespace()) else { throw wrong("one of \(options.joined(separator: ", "))") }
                if !chosen.contains(option) { chosen.append(option) }
            }
            return .choices(chosen)
        case .url:
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), !(url.host ?? "").isEmpty,
                text.count <= 2000
            else { throw wrong("a web address (https://…)") }
            return .text(text)
        case .email:
            do { return .text(try EmailAddress(text).value) } catch { throw wrong("an e-mail address") }
        case .phone:
            do { return .text(try PhoneNumber(text, defaultCountryCode: defaultCountryCode).e164) } catch { throw wrong("a phone number") }
        case .user:
            guard let id = Int64(text), id > 0 else { throw wrong("a user's id") }
            return .user(UserID(id))
        }
    }

    /// The field with the option `from` called `to` instead, in the same place. `to` may respell `from` ("gold" →
    /// "Gold") but not take another option's name: two options would become one, which is a merge, not a rename.
    public func renamingOption(_ from: String, to: String) throws(ValidationErrors) -> FieldDefinition {
        let to = to.trimmingWhitespace()
        guard kind == .choice || kind == .choices else {
            throw ValidationErrors([ValidationError(field: "from", code: "not_a_choice", message: "only a choice field's options can be renamed")])
        }
        guard let index = options.firstIndex(of: from) else {
            throw ValidationErrors([
                ValidationError(
                    field: "from",
                    code: "unknown_option",
                    message: "'\(from)' is not an option of this field (\(options.joined(separator: ", ")))"
                )
            ])
        }
        if let other = option(to), other != from {
            throw ValidationErrors([
                ValidationError(field: "to", code: "option_exists", message: "'\(other)' is already an option; remove one of the two instead")
            ])
        }
        guard !to.isEmpty, to.count <= 200 else {
            throw ValidationErrors([ValidationError(field: "to", code: "invalid_option", message: "an option has 1 to 200 characters")])
        }
        var renamed = self
        renamed.options[index] = to
        // Its names in other languages follow it.
        renamed.translations = translations.renamingOption(from, to: to)
        return renamed
    }

    /// The option `text` names, however it is cased or accented.
    public func option(_ text: String) -> String? {
        let folded = TextFolding.fold(text)
        return options.first { TextFolding.fold($0) == folded }
    }

    /// Checks a value already typed (from JSON, or stored): its kind fits the field, a choice is an option.
    public func check(_ value: CustomValue) -> ValidationError? {
        let fits: Bool =
            switch (kind, value) {
            case (.text, .text(let text)), (.url, .text(let text)), (.email, .text(let text)), (.phone, .text(let text)): text.count <= 2000
            case (.longText, .text(let text)): text.count <= 10_000
            case (.number, .number), (.money, .money), (.date, .date), (.dateTime, .dateTime), (.yesNo, .yesNo), (.user, .user): true
            case (.choice, .choice(let option)): options.contains(option)
            case (.choices, .choices(let chosen)): chosen.allSatisfy(options.contains)
            default: false
            }
        return fits
            ? nil
            : ValidationError(
                field: "custom.\(key)",
                code: "invalid_value",
                message: "is not a valid \(kind.rawValue.replacingOccurrences(of: "_", with: " ")) value"
                    + (options.isEmpty ? "" : " (\(options.joined(separator: ", ")))")
            )
    }
}
