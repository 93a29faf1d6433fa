import Foundation

/// What a CSV file of companies, contacts, leads or deals becomes: each column mapped to a field (or left out), each row
/// read into the record's fields or into the errors that say which line and column are wrong. Pure, so a dry
/// run and the import read a file identically.
public enum RecordImport {
    public enum Target: String, Sendable, CaseIterable, Codable {
        case companies, contacts, leads, deals

        public var recordType: RecordType {
            switch self {
            case .companies: .company
            case .contacts: .contact
            case .leads: .lead
            case .deals: .deal
            }
        }

        /// The fields a column can fill. `key` is the row's identity in the system it came from (a Salesforce
        /// Id), kept so a later file can point at the record (a contact's company); `owner` is a user's e-mail
        /// or name; a contact's `company` is a company's key from an earlier import, its id, or its name.
        public var fields: [String] {
            switch self {
            case .companies:
                [
                    "key", "name", "legal_name", "tax_id", "industry", "size", "website", "priority", "phone", "email",
                    "street", "city", "region", "postal_code", "country", "tags", "owner",
                ]
            case .contacts:
                [
                    "key", "first_name", "middle_name", "last_name", "job_title", "company", "phone", "mobile", "email",
                    "street", "city", "region", "postal_code", "country", "tags", "owner",
                ]
            case .leads:
                [
                    "key", "first_name", "last_name", "company", "job_title", "phone", "mobile", "email", "industry", "size",
                    "region", "country", "source", "campaign", "status", "notes", "tags", "owner",
                ]
            case .deals:
                ["key", "title", "owner", "company", "stage", "created", "closed", "expected_close", "amount", "source", "loss_reason"]
            }
        }
    }

    /// Why a row of the file cannot be imported.
    public struct RowError: Sendable, Equatable, Codable {
        public let line: Int
        public let message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// One read row: the fields, and the references the store resolves (owner, company), with the line. A lead's
    /// company is its company's name, or the key of an imported company whose name it then takes.
    public struct Row<Fields: Sendable & Equatable>: Sendable, Equatable {
        public let line: Int
        public var fields: Fields
        public let key: String?
        public let owner: String?
        public let company: String?
    }

    /// Column headers as other systems write them (Salesforce, spreadsheets in our users' languages), folded,
    /// and the field each means.
    static let synonyms: [String: String] = [
        "id": "key", "external id": "key", "key": "key",
        "name": "name", "account name": "name", "company": "name", "company name": "name", "nazwa": "name", "nazwa firmy": "name",
        "firma": "name", "название": "name", "компания": "name", "cegnev": "name", "nev": "name", "име": "name", "фирма": "name",
        "legal name": "legal_name", "legalname": "legal_name",
        "tax id": "tax_id", "taxid": "tax_id", "vat": "tax_id", "vat number": "tax_id", "nip": "tax_id", "инн": "tax_id", "adoszam": "tax_id",
        "еик": "tax_id",
        "industry": "industry", "branza": "industry", "отрасль": "industry", "iparag": "industry",
        "website": "website", "web": "website", "www": "website", "strona": "website", "сайт": "website",
        "priority": "priority", "rating": "priority", "priorytet": "priority", "приоритет": "priority", "prioritas": "priority", "klasa": "priority",
        "phone": "phone", "telephone": "phone", "telefon": "phone", "телефон": "phone",
        "mobile": "mobile", "mobilephone": "mobile", "mobile phone": "mobile", "komorka": "mobile", "мобильный": "mobile",
        "email": "email", "e-mail": "email", "mail": "email", "почта": "email", "емайл": "email",
        "street": "street", "billingstreet": "street", "mailingstreet": "street", "ulica": "street", "улица": "street", "utca": "street",
        "city": "city", "billingcity": "city", "mailingcity": "city", "miasto": "city", "город": "city", "varos": "city", "град": "city",
        "state": "region", "region": "region", "billingstate": "region", "mailingstate": "region", "wojewodztwo": "region",
        "postal code": "postal_code", "postalcode": "postal_code", "zip": "postal_code", "billingpostalcode": "postal_code",
        "mailingpostalcode": "postal_code", "kod pocztowy": "postal_code", "индекс": "postal_code", "iranyitoszam": "postal_code",
        "country": "country", "billingcountry": "country", "mailingcountry": "country", "kraj": "country", "страна": "country", "orszag": "country",
        "tags": "tags", "tagi": "tags", "теги": "tags",
        "owner": "owner", "owner email": "owner", "opiekun": "owner", "ответственный": "owner",
        "first name": "first_name", "firstname": "first_name", "given name": "first_name", "imie": "first_name", "имя": "first_name",
        "keresztnev": "first_name",
        "middle name": "middle_name", "middlename": "middle_name", "отчество": "middle_name", "презиме": "middle_name",
        "last name": "last_name", "lastname": "last_name", "surname": "last_name", "family name": "last_name", "nazwisko": "last_name",
        "фамилия": "last_name", "vezeteknev": "last_name",
        "title": "job_title", "job title": "job_title", "position": "job_title", "stanowisko": "job_title", "должность": "job_title",
        "beosztas": "job_title",
        "accountid": "company", "account": "company", "company id": "company",
        "numberofemployees": "size", "employees": "size", "size": "size",
        "leadsource": "source", "lead source": "source", "source": "source", "zrodlo": "source", "источник": "source", "forras": "source",
        "източник": "source",
        "campaign": "campaign", "kampania": "campaign", "кампания": "campaign", "kampany": "campaign",
        "status": "status", "lead status": "status", "статус": "status", "allapot": "status",
        "description": "notes", "notes": "notes", "notatki": "notes", "заметки": "notes", "megjegyzes": "notes", "бележки": "notes",
    ]

    /// Deal columns as other systems write them (Salesforce's opportunities, the Maven CRM dataset, spreadsheets in
    /// our users' languages), folded; a deal's "name" is its title and its "account" its company.
    static let dealSynonyms: [String: String] = [
        "id": "key", "opportunity id": "key", "external id": "key", "key": "key",
        "name": "title", "title": "title", "opportunity": "title", "opportunity name": "title", "deal": "title", "deal name": "title",
        "tytul": "title", "nazwa": "title", "szansa": "title", "название": "title", "сделка": "title", "megnevezes": "title",
        "owner": "owner", "owner email": "owner", "sales agent": "owner", "salesperson": "owner", "handlowiec": "owner", "opiekun": "owner",
        "ответственный": "owner", "менеджер": "owner", "ertekesito": "owner", "търговец": "owner",
        "account": "company", "accountid": "company", "account name": "company", "company": "company", "firma": "company", "klient": "company",
        "компания": "company", "клиент": "company", "ugyfel": "company", "ceg": "company", "фирма": "company",
        "stage": "stage", "stagename": "stage", "deal stage": "stage", "etap": "stage", "этап": "stage", "стадия": "stage", "szakasz": "stage",
        "етап": "stage",
        "engage date": "created", "created": "created", "created date": "created", "start date": "created", "data utworzenia": "created",
        "дата создания": "created", "letrehozva": "created",
        "close date": "closed", "closedate": "closed", "closed": "closed", "closed date": "closed", "data zamkniecia": "closed",
        "дата закрытия": "closed", "lezarva": "closed", "дата на затваряне": "closed",
        "expected close": "expected_close", "expected close date": "expected_close",
        "amount": "amount", "value": "amount", "close value": "amount", "kwota": "amount", "wartosc": "amount", "сумма": "amount",
        "osszeg": "amount", "сума": "amount",
        "source": "source", "leadsource": "source", "lead source": "source", "zrodlo": "source", "источник": "source", "forras": "source",
        "източник": "source",
        "loss reason": "loss_reason", "lost reason": "loss_reason", "reason": "loss_reason", "powod": "loss_reason", "причина": "loss_reason",
    ]

    /// The mapping a header suggests: each column whose name is known, each field used once (the first column
    /// naming it wins). Contacts read a "company" column as their company, companies as their name.
    public static func suggest(_ header: [String], for target: Target, custom: [FieldDefinition] = []) -> [String: String] {
        var mapping: [String: String] = [:]
        var used = Set<String>()
        for column in header {
            let folded = TextFolding.fold(column.trimmingWhitespace()).replacingOccurrences(of: "_", with: " ")
            // A custom field is known by its key or its label.
            if let field = custom.first(where: { TextFolding.fold($0.label) == folded || $0.key.replacingOccurrences(of: "_", with: " ") == folded }),
                used.insert("custom.\(field.key)").inserted
            {
                mapping[column] = "custom.\(field.key)"
                continue
            }
            guard
                var field = (target == .deals ? dealSynonyms[folded] : synonyms[folded])
                    ?? (target.fields.contains(folded.replacingOccurrences(of: " ", with: "_"))
                        ? folded.replacingOccurrences(of: " ", with: "_") : nil)
            else { continue }
            if target != .companies, target != .deals, field == "name" { field = folded == "name" ? "" : "company" }
            guard target.fields.contains(field), used.insert(field).inserted else { continue }
            mapping[column] = field
        }
        return mapping
    }

    /// Checks a mapping against the file: every mapped column exists, every field is known and used once.
    public static func check(_ mapping: [String: String], header: [String], target: Target, custom: [FieldDefinition] = []) throws(ValidationErrors) {
        var errors: [ValidationError] = []
        var used: [String: String] = [:]
        let known = target.fields + custom.map { "custom.\($0.key)" }
        for (column, field) in mapping.sorted(by: { $0.key < $1.key }) where !field.isEmpty {
            if !header.contains(column) {
                errors.append(ValidationError(field: "mapping.\(column)", code: "unknown_column", message: "the file has no column '\(column)'"))
            }
            if !known.contains(field) {
                errors.append(
                    ValidationError(
                        field: "mapping.\(column)",
                        code: "unknown_field",
                        message: "'\(field)' is not a field of \(target.rawValue) (\(known.joined(separator: ", ")))"
                    )
                )
            } else if let other = used[field] {
                errors.append(
                    ValidationError(field: "mapping.\(column)", code: "mapped_twice", message: "'\(field)' is already filled from column '\(other)'")
                )
            }
            used[field] = column
        }
        switch target {
        case .companies where !used.keys.contains("name"):
            errors.append(ValidationError(field: "mapping", code: "required", message: "say which column holds the name"))
        case .contacts where !used.keys.contains("last_name"):
            errors.append(ValidationError(field: "mapping", code: "required", message: "say which column holds the last name"))
        case .leads where Set(used.keys).isDisjoint(with: ["last_name", "company", "email", "phone"]):
            errors.append(
                ValidationError(
                    field: "mapping",
                    code: "required",
                    message: "say which column holds the last name, the company, the e-mail or the phone"
                )
            )
        case .deals where !used.keys.contains("stage"):
            errors.append(ValidationError(field: "mapping", code: "required", message: "say which column holds the stage (or won and lost)"))
        case .deals where Set(used.keys).isDisjoint(with: ["title", "key"]):
            errors.append(
                ValidationError(field: "mapping", code: "required", message: "say which column holds the title (or the key, to title deals by it)")
            )
        default: break
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
    }

    public static func companies(
        _ table: CSVTable,
        mapping: [String: String],
        defaultCountryCode: String,
        custom: [FieldDefinition] = []
    ) -> (rows: [Row<CompanyFields>], errors: [RowError]) {
        read(table, mapping, custom: custom, defaultCountryCode: defaultCountryCode) { values, problems in
            var fields = CompanyFields(name: values["name"] ?? "")
            fields.legalName = values["legal_name"] ?? ""
            fields.taxID = values["tax_id"] ?? ""
            fields.industry = values["industry"] ?? ""
            fields.website = values["website"] ?? ""
            if let text = values["priority"] {
                if let priority = Priority(rawValue: text.uppercased()) {
                    fields.priority = priority
                } else {
                    problems.append(("priority", "'\(text)' is not a priority (A, B or C)"))
                }
            }
            if let text = values["size"] {
                fields.size =
                    size(text)
                    ?? {
                        problems.append(("size", "'\(text)' is not a head count or band"))
                        return nil
                    }()
            }
            fields.addresses = address(values, label: "office")
            fields.phones = phones(values, defaultCountryCode, &problems)
            fields.emails = emails(values, &problems)
            fields.tags = tags(values)
            return fields
        }
    }

    public static func contacts(
        _ table: CSVTable,
        mapping: [String: String],
        defaultCountryCode: String,
        custom: [FieldDefinition] = []
    ) -> (rows: [Row<ContactFields>], errors: [RowError]) {
        read(table, mapping, custom: custom, defaultCountryCode: defaultCountryCode) { values, problems in
            var fields = ContactFields(
                firstName: values["first_name"] ?? "",
                middleName: values["middle_name"] ?? "",
                lastName: values["last_name"] ?? ""
            )
            fields.jobTitle = values["job_title"] ?? ""
            fields.phones = phones(values, defaultCountryCode, &problems)
            fields.emails = emails(values, &problems)
            fields.tags = tags(values)
            return fields
        }
    }

    public static func leads(
        _ table: CSVTable,
        mapping: [String: String],
        defaultCountryCode: String,
        custom: [FieldDefinition] = []
    ) -> (rows: [Row<LeadFields>], errors: [RowError]) {
        read(table, mapping, custom: custom, defaultCountryCode: defaultCountryCode) { values, problems in
            var fields = LeadFields(
                firstName: values["first_name"] ?? "",
                lastName: values["last_name"] ?? "",
                companyName: values["company"] ?? "",
                jobTitle: values["job_title"] ?? "",
                industry: values["industry"] ?? "",
                country: values["country"] ?? "",
                region: values["region"] ?? "",
                source: values["source"] ?? "",
                campaign: values["campaign"] ?? "",
                notes: values["notes"] ?? ""
            )
            if let text = values["size"] {
                fields.companySize =
                    size(text)
                    ?? {
                        problems.append(("size", "'\(text)' is not a head count or band"))
                        return nil
                    }()
            }
            if let text = values["status"] {
                if let status = leadStatus(text) {
                    fields.status = status
                } else {
                    problems.append(("status", "'\(text)' is not a lead status (new, working, qualified, disqualified)"))
                }
            }
            fields.phones = phones(values, defaultCountryCode, &problems)
            fields.emails = emails(values, &problems)
            fields.tags = tags(values)
            return fields
        }
    }

    /// A lead status as we and Salesforce write them ("Open - Not Contacted", "Closed - Not Converted"). A lead
    /// converted elsewhere comes in qualified: its conversion happened in the other system.
    public static func leadStatus(_ text: String) -> LeadStatus? {
        let folded = TextFolding.fold(text)
        if let status = LeadStatus(rawValue: folded) { return status == .converted ? .qualified : status }
        if let status = statusWords[folded] { return status }
        if folded.contains("not converted") || folded.contains("unqualified") || folded.contains("disqualified") || folded.contains("junk") {
            return .disqualified
        }
        if folded.contains("converted") || folded.contains("qualified") { return .qualified }
        if folded.contains("working") || folded.contains("contacted") { return .working }
        if folded.contains("open") || folded.contains("new") { return .new }
        return nil
    }

    /// Lead statuses in our users' languages, folded.
    static let statusWords: [String: LeadStatus] = [
        "nowy": .new, "новый": .new, "uj": .new, "нов": .new,
        "w toku": .working, "в работе": .working, "folyamatban": .working, "в работа": .working,
        "zakwalifikowany": .qualified, "квалифицирован": .qualified, "minositett": .qualified, "квалифициран": .qualified,
        "odrzucony": .disqualified, "отклонен": .disqualified, "elutasitott": .disqualified, "отхвърлен": .disqualified,
    ]

    /// Reads every row with `make`; a row with any problem is left out and each problem reported with its line
    /// and the column it came from.
    static func read<Fields: Validatable>(
        _ table: CSVTable,
        _ mapping: [String: String],
        custom: [FieldDefinition],
        defaultCountryCode: String,
        _ make: (_ values: [String: String], _ problems: inout [(field: String, message: String)]) -> Fields
    ) -> (rows: [Row<Fields>], errors: [RowError]) {
        let columns: [(index: Int, field: String)] = table.header.enumerated().compactMap { index, column in
            guard let field = mapping[column], !field.isEmpty else { return nil }
            return (index, field)
        }
        let columnOf = Dictionary(mapping.filter { !$0.value.isEmpty }.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        var rows: [Row<Fields>] = []
        var errors: [RowError] = []
        for row in table.rows {
            var values: [String: String] = [:]
            for (index, field) in columns where index < row.fields.count {
                let value = row.fields[index].trimmingWhitespace()
                if !value.isEmpty { values[field] = value }
            }
            // A line with nothing in any mapped column (a spreadsheet's trailing rows) is not a record.
            guard !values.isEmpty else { continue }
            var problems: [(field: String, message: String)] = []
            var fields = make(values, &problems)
            for field in custom {
                guard let text = values["custom.\(field.key)"] else { continue }
                do throws(ValidationError) {
                    fields.custom[field.key] = try field.value(
                        parsing: text,
                        defaultCountryCode: defaultCountryCode,
                        timeZone: TimeZone(identifier: "UTC")!
                    )
                } catch {
                    problems.append(("custom.\(field.key)", error.message))
                }
            }
            // Required custom fields are asked of each row here, so "valid rows only" can leave out just the rows missing one.
            if !custom.isEmpty, problems.isEmpty {
                problems += FieldCatalog.check(fields.custom, against: custom).map { ($0.field ?? "custom", $0.message) }
            }
            var checked: Fields?
            do throws(ValidationErrors) { checked = try fields.validated() } catch {
                problems += error.errors.map { (Self.field(of: $0.field), $0.message) }
            }
            if let checked, problems.isEmpty {
                rows.append(Row(line: row.line, fields: checked, key: values["key"], owner: values["owner"], company: values["company"]))
            } else {
                errors += problems.map { problem in
                    let column = columnOf[problem.field].map { " (column \($0))" } ?? ""
                    return RowError(line: row.line, message: "\(problem.field.replacingOccurrences(of: "_", with: " "))\(column): \(problem.message)")
                }
            }
        }
        return (rows, errors)
    }

    /// The import field a record's validation error is about (`emails[0].address` → email).
    static func field(of path: String?) -> String {
        let head = String((path ?? "").prefix { $0 != "[" && $0 != "." })
        return switch head {
        case "emails": "email"
        case "phones": "phone"
        case "addresses": "city"
        default: head
        }
    }

    static func phones(_ values: [String: String], _ country: String, _ problems: inout [(field: String, message: String)]) -> [LabeledPhone] {
        var phones: [LabeledPhone] = []
        for (field, label) in [("phone", "work"), ("mobile", "mobile")] {
            guard let text = values[field] else { continue }
            do throws(ValidationError) { phones.append(LabeledPhone(label: label, number: try PhoneNumber(text, defaultCountryCode: country))) } catch
            {
                problems.append((field, "'\(text)' is not a phone number"))
            }
        }
        return phones
    }

    static func emails(_ values: [String: String], _ problems: inout [(field: String, message: String)]) -> [LabeledEmail] {
        guard let text = values["email"] else { return [] }
        do throws(ValidationError) { return [LabeledEmail(address: try EmailAddress(text))] } catch {
            problems.append(("email", "'\(text)' is not an e-mail address"))
            return []
        }
    }

    static func address(_ values: [String: String], label: String) -> [PostalAddress] {
        let address = PostalAddress(
            label: label,
            street: values["street"] ?? "",
            city: values["city"] ?? "",
            region: values["region"] ?? "",
            postalCode: values["postal_code"] ?? "",
            country: values["country"] ?? ""
        )
        return address == PostalAddress(label: label) ? [] : [address]
    }

    static func tags(_ values: [String: String]) -> [String] {
        (values["tags"] ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "|" }).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// A head count ("120") or a band as we write it ("50-249").
    public static func size(_ text: String) -> CompanySize? {
        if let band = CompanySize(rawValue: text) { return band }
        guard let count = Int(text.filter(\.isNumber)), !text.isEmpty else { return nil }
        return CompanySize.allCases.first { band in
            let bounds = band.rawValue.split(whereSeparator: { $0 == "-" || $0 == "+" }).compactMap { Int($0) }
            return bounds.count == 2 ? (bounds[0]...bounds[1]).contains(count) : bounds.first.map { count >= $0 } ?? false
        }
    }
}

/// Fields that check themselves, as every record's do, and take custom values.
public protocol Validatable: Sendable, Equatable {
    func validated() throws(ValidationErrors) -> Self
    var custom: CustomValues { get set }
}

extension CompanyFields: Validatable {}
extension ContactFields: Validatable {}
extension LeadFields: Validatable {}
