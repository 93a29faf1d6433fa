import CRMCore
import Foundation

/// Custom fields on the record pages: the inputs of a form (named `cf.<key>`), reading them back, and the
/// values a card or a list shows.
enum CustomFieldsPage {
    /// One input per field, with the flags the `custom_fields` partial picks its control by.
    /// Labels and options' names are in the reader's `language`; the values submitted are the options as defined.
    static func inputs(_ fields: [FieldDefinition], _ values: CustomValues, users: [User], timeZone: TimeZone, language: String) -> [[String: Any]] {
        fields.map { field in
            let value = values[field.key]
            var input: [String: Any] = [
                "name": "cf.\(field.key)", "label": field.label(in: language), "required": field.isRequired, "is_\(field.kind.rawValue)": true,
                "value": value.map { text(of: $0, field: field, timeZone: timeZone) } ?? "",
            ]
            let chosen: [String] =
                switch value {
                case .choice(let option)?: [option]
                case .choices(let options)?: options
                default: []
                }
            input["options"] = field.options.map { ["value": $0, "label": field.optionName($0, in: language), "selected": chosen.contains($0)] }
            if case .yesNo(let flag)? = value { input["checked"] = flag }
            if field.kind == .user {
                let chosen: UserID? = if case .user(let id)? = value { id } else { nil }
                input["users"] = users.filter { $0.isActive || $0.id == chosen }.map {
                    ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == chosen]
                }
            }
            return input
        }
    }

    /// The submitted values; a field left empty has no value. Errors name the field by its label.
    static func read(_ form: FormInput, _ fields: [FieldDefinition], into values: inout CustomValues, context: FormContext) -> [ValidationError] {
        var errors: [ValidationError] = []
        for field in fields {
            let name = "cf.\(field.key)"
            let raw: String =
                switch field.kind {
                case .choices: form.all(name).joined(separator: ";")
                case .yesNo: form[name] == "on" ? "yes" : "no"
                default: form[name]
                }
            // A value submitted back as the form showed it is kept as stored: a time keeps the seconds a minute input
            // cannot show, and a yes/no never answered stays unanswered while its box is left clear.
            if let current = values[field.key], raw == text(of: current, field: field, timeZone: context.timeZone) { continue }
            if values[field.key] == nil, field.kind == .yesNo, raw == "no" { continue }
            do throws(ValidationError) {
                values[field.key] = try field.value(parsing: raw, defaultCountryCode: context.defaultCountryCode, timeZone: context.timeZone)
            } catch {
                errors.append(ValidationError(field: field.label, code: error.code, message: error.message))
            }
        }
        return errors
    }

    /// The values a card shows, by label, in the fields' order.
    static func shown(
        _ fields: [FieldDefinition],
        _ values: CustomValues,
        users: [UserID: String],
        format: DisplayFormatter,
        _ t: [String: String]
    ) -> [[String: Any]] {
        fields.compactMap { field in
            guard let value = values[field.key] else { return nil }
            return ["label": field.label(in: t["language_code"] ?? "en"), "value": display(value, of: field, users: users, format: format, t)]
        }
    }

    /// A value as the reader writes it: numbers with their decimal comma, dates in their order, yes and the options'
    /// names in their language.
    static func display(
        _ value: CustomValue,
        of field: FieldDefinition,
        users: [UserID: String],
        format: DisplayFormatter,
        _ t: [String: String]
    ) -> String {
        let language = t["language_code"] ?? "en"
        switch value {
        case .choice(let option): return field.optionName(option, in: language)
        case .choices(let options): return options.map { field.optionName($0, in: language) }.joined(separator: "; ")
        default: break
        }
        return switch value {
        case .money(let money): format.money(money)
        case .number(let number): number.formatted(.number.locale(format.locale))
        case .date(let day): format.date(day)
        case .dateTime(let time): format.dateTime(time)
        case .yesNo(let flag): t[flag ? "yes" : "no"] ?? value.text
        case .user(let id): users[id] ?? id.description
        default: value.text
        }
    }

    /// The value as a form's input holds it (`datetime-local` in the user's zone).
    private static func text(of value: CustomValue, field: FieldDefinition, timeZone: TimeZone) -> String {
        switch value {
        case .dateTime(let time): time.localDateTime(in: timeZone)
        case .user(let id): id.description
        default: value.text
        }
    }
}
