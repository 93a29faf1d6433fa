import CRMCore
import Foundation
import Testing

@Suite("Reading files written by other systems")
struct ImportTests {
    @Test("CSV: quotes, separators and line breaks inside fields, a BOM, CRLF and semicolons")
    func csv() throws {
        let table = try CSVTable(text: "\u{FEFF}name;note;amount\r\n\"Łódź; Sp. z o.o.\";\"said \"\"yes\"\"\nthen left\";1 200,50\r\nЁлка;;3\r\n")
        #expect(table.header == ["name", "note", "amount"])
        #expect(table.rows.count == 2)
        #expect(table.rows[0].fields == ["Łódź; Sp. z o.o.", "said \"yes\"\nthen left", "1 200,50"])
        #expect(table.rows[1].line == 4 && table.rows[1].fields == ["Ёлка", "", "3"])
        #expect(try CSVTable(text: "a,b\n1,ООО \"Ромашка\"\n").rows[0].fields == ["1", "ООО \"Ромашка\""])
    }

    @Test("CSV: a cut-off quote, a short row, a stray quote and a bad header are refused with their line")
    func badCSV() {
        let cases: [(String, String)] = [
            ("a,b\n\"x,y\n", "csv_unclosed_quote"),
            ("a,b\n1,2\n3\n", "csv_wrong_width"),
            ("a,a\n1,2\n", "csv_bad_header"),
            ("\n\n", "csv_empty"),
            ("a,b\n1,\u{0}2\n", "csv_binary"),
        ]
        for (text, code) in cases {
            do throws(ValidationError) {
                _ = try CSVTable(text: text)
                Issue.record("\(code) was not detected")
            } catch {
                #expect(error.code == code)
            }
        }
    }

    static let dealMapping = [
        "id": "title", "agent": "owner", "account": "company", "stage": "stage", "engaged": "created", "closed": "closed", "value": "amount",
    ]
    static let dealOptions = ImportOptions(
        stageValues: ["Prospecting": "First contact", "Zakończona": "won"],
        timeZone: "Europe/Warsaw",
        defaultLossReason: "Not given"
    )

    @Test("rows become typed deals: stage values mapped, dates at local midnight, decimal commas, won and lost closed")
    func rows() throws {
        let table = try CSVTable(
            text: """
                id,agent,account,stage,engaged,closed,value
                D1,Anna,Acme,Prospecting,,2017-04-30,
                D2,Anna,,zakonczona,2017-03-01,2017-03-11,"4514,5"
                D3,Józef,Acme,Lost,2017-03-01,,10
                D4,Anna,,Closed Won,,2017-05-02,1 000
                """
        )
        let read = RecordImport.deals(table, mapping: Self.dealMapping, options: Self.dealOptions, currency: try Currency(code: "PLN"))
        #expect(read.errors.isEmpty)
        let rows = read.rows.map(\.fields)
        #expect(rows.map(\.outcome) == [.stage("First contact"), .won, .lost, .won])
        // An open deal's close date is when it should close; it has not closed.
        #expect(
            rows[0].created == nil && rows[0].closed == nil && rows[0].expectedClose?.description == "2017-04-30" && rows[0].amount.minorUnits == 0
        )
        #expect(read.rows[1].company == nil && rows[1].amount.minorUnits == 451_450)
        #expect(rows[1].created?.iso8601.hasPrefix("2017-02-28T23:00") == true)
        #expect(rows[1].closed?.iso8601.hasPrefix("2017-03-10T23:00") == true)
        // A lost row without a close date closes when it was created, with the default reason.
        #expect(rows[2].closed == rows[2].created && rows[2].lossReason == "Not given")
        #expect(rows[3].amount.minorUnits == 100_000 && rows[3].closed != nil)
    }

    @Test("each bad row is reported with its line and column, and the good rows are kept")
    func badRows() throws {
        let table = try CSVTable(
            text: """
                id,agent,account,stage,engaged,closed,value
                ,Anna,Acme,Prospecting,,,
                D2,Anna,,Won,2017-03-12,2017-03-11,abc
                D3,Anna,,Won,2017-13-01,,1
                D4,Anna,,Won,2017-03-01,,1
                """
        )
        let read = RecordImport.deals(table, mapping: Self.dealMapping, options: Self.dealOptions, currency: try Currency(code: "PLN"))
        #expect(read.rows.map(\.line) == [5])
        #expect(Set(read.errors.map(\.line)) == [2, 3, 4])
        let line3 = read.errors.filter { $0.line == 3 }.map(\.message)
        #expect(line3.contains { $0.contains("closed before") } && line3.contains { $0.contains("not a number") && $0.contains("column value") })
        #expect(read.errors.contains { $0.line == 4 && $0.message.contains("2017-13-01") })
        #expect(throws: ValidationErrors.self) { try RecordImport.check(["agent": "owner"], header: table.header, target: .deals) }
    }

    @Test("the Maven and Salesforce headers suggest a deal mapping; stage words mean won and lost in our languages")
    func dealSuggestions() {
        let maven = RecordImport.suggest(
            ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date", "close_value"],
            for: .deals
        )
        #expect(
            maven == [
                "opportunity_id": "key", "sales_agent": "owner", "account": "company", "deal_stage": "stage", "engage_date": "created",
                "close_date": "closed", "close_value": "amount",
            ]
        )
        let salesforce = RecordImport.suggest(
            ["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "LeadSource", "OwnerId", "CreatedDate"],
            for: .deals
        )
        #expect(
            salesforce == [
                "Id": "key", "AccountId": "company", "Name": "title", "StageName": "stage", "Amount": "amount", "CloseDate": "closed",
                "LeadSource": "source",
            ]
        )
        let options = ImportOptions(stageValues: ["Engaging": "Qualified"])
        #expect(options.outcome(of: "Closed Won") == .won && options.outcome(of: "Przegrana") == .lost && options.outcome(of: "ПРОИГРАНА") == .lost)
        #expect(options.outcome(of: "engaging") == .stage("Qualified") && options.outcome(of: "Discovery") == .stage("Discovery"))
        #expect(options.suggestedMeaning(of: "discovery", stages: ["Discovery", "Proposal"]) == "Discovery")
        #expect(options.suggestedMeaning(of: "Nowhere", stages: ["Discovery"]) == nil)
    }

    @Test("dates as other programs write them: ISO, Salesforce's milliseconds and offset, Polish and Hungarian days")
    func importedDates() throws {
        let warsaw = TimeZone(identifier: "Europe/Warsaw")!
        #expect(ImportedDate.time("2024-01-22T16:14:25.000+0000", in: warsaw)?.iso8601.hasPrefix("2024-01-22T16:14:25") == true)
        #expect(ImportedDate.time("2024-01-22T16:14:25+01:00", in: warsaw)?.iso8601.hasPrefix("2024-01-22T15:14:25") == true)
        #expect(ImportedDate.time("2024-01-22T16:14:25Z", in: warsaw)?.iso8601.hasPrefix("2024-01-22T16:14:25") == true)
        // Without a zone, the file's: 09:30 in Warsaw in July is 07:30 UTC.
        #expect(ImportedDate.time("2024-07-01 09:30", in: warsaw)?.iso8601.hasPrefix("2024-07-01T07:30") == true)
        #expect(ImportedDate.day("01.03.2017")?.description == "2017-03-01")
        #expect(ImportedDate.day("2017.03.01.")?.description == "2017-03-01")
        for bad in ["2017-02-30", "1.3", "32.01.2017", "2024-01-22T25:00", "2024-01-22T10:00+99:00", "yesterday"] {
            #expect(ImportedDate.time(bad, in: warsaw) == nil, "\(bad)")
        }
    }

    /// The same lines in each language, encoded by Python's codecs (a program other than ours).
    static let legacy: [(language: String, encoding: String, bytes: [UInt8])] = [
        (
            "ru", "windows-1251",
            [
                0xD4, 0xE0, 0xEC, 0xE8, 0xEB, 0xE8, 0xFF, 0x3B, 0xCA, 0xEE, 0xEC, 0xEF, 0xE0, 0xED, 0xE8, 0xFF, 0x3B, 0xC3, 0xEE, 0xF0, 0xEE, 0xE4,
                0x0A, 0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0x3B, 0xCE, 0xCE, 0xCE, 0x20, 0xAB, 0xD0, 0xEE, 0xEC, 0xE0, 0xF8, 0xEA, 0xE0, 0xBB, 0x3B,
                0xCC, 0xEE, 0xF1, 0xEA, 0xE2, 0xE0, 0x0A, 0xB8, 0xE6, 0xE8, 0xEA, 0xEE, 0xE2, 0x3B, 0xF9, 0xF3, 0xEA, 0xE0, 0x3B, 0xD1, 0xFA, 0xE5,
                0xE7, 0xE4, 0x0A,
            ]
        ),
        (
            "pl", "windows-1250",
            [
                0x4E, 0x61, 0x7A, 0x77, 0x69, 0x73, 0x6B, 0x6F, 0x3B, 0x46, 0x69, 0x72, 0x6D, 0x61, 0x3B, 0x4D, 0x69, 0x61, 0x73, 0x74, 0x6F, 0x0A,
                0x57, 0x69, 0x9C, 0x6E, 0x69, 0x65, 0x77, 0x73, 0x6B, 0x69, 0x3B, 0xA3, 0xF3, 0x64, 0x9F, 0x20, 0x53, 0x70, 0x2E, 0x20, 0x7A, 0x20,
                0x6F, 0x2E, 0x6F, 0x2E, 0x3B, 0x4B, 0x72, 0x61, 0x6B, 0xF3, 0x77, 0x0A, 0xAF, 0xF3, 0xB3, 0xE6, 0x3B, 0x47, 0xEA, 0x9C, 0x6C, 0xB9,
                0x20, 0x6A, 0x61, 0x9F, 0xF1, 0x3B, 0x8C, 0x77, 0x69, 0x6E, 0x6F, 0x75, 0x6A, 0x9C, 0x63, 0x69, 0x65, 0x0A,
            ]
        ),
        (
            "pl", "iso-8859-2",
            [
                0x4E, 0x61, 0x7A, 0x77, 0x69, 0x73, 0x6B, 0x6F, 0x3B, 0x46, 0x69, 0x72, 0x6D, 0x61, 0x3B, 0x4D, 0x69, 0x61, 0x73, 0x74, 0x6F, 0x0A,
                0x57, 0x69, 0xB6, 0x6E, 0x69, 0x65, 0x77, 0x73, 0x6B, 0x69, 0x3B, 0xA3, 0xF3, 0x64, 0xBC, 0x20, 0x53, 0x70, 0x2E, 0x20, 0x7A, 0x20,
                0x6F, 0x2E, 0x6F, 0x2E, 0x3B, 0x4B, 0x72, 0x61, 0x6B, 0xF3, 0x77, 0x0A, 0xAF, 0xF3, 0xB3, 0xE6, 0x3B, 0x47, 0xEA, 0xB6, 0x6C, 0xB1,
                0x20, 0x6A, 0x61, 0xBC, 0xF1, 0x3B, 0xA6, 0x77, 0x69, 0x6E, 0x6F, 0x75, 0x6A, 0xB6, 0x63, 0x69, 0x65, 0x0A,
            ]
        ),
        (
            "hu", "windows-1250",
            [
                0x4E, 0xE9, 0x76, 0x3B, 0x43, 0xE9, 0x67, 0x3B, 0x56, 0xE1, 0x72, 0x6F, 0x73, 0x0A, 0x4B, 0x6F, 0x76, 0xE1, 0x63, 0x73, 0x20, 0x42,
                0xE9, 0x6C, 0x61, 0x3B, 0xC1, 0x72, 0x76, 0xED, 0x7A, 0x74, 0xFB, 0x72, 0xF5, 0x20, 0x74, 0xFC, 0x6B, 0xF6, 0x72, 0x66, 0xFA, 0x72,
                0xF3, 0x67, 0xE9, 0x70, 0x20, 0x4B, 0x66, 0x74, 0x3B, 0x53, 0x7A, 0xE9, 0x6B, 0x65, 0x73, 0x66, 0x65, 0x68, 0xE9, 0x72, 0x76, 0xE1,
                0x72, 0x0A, 0xD5, 0x73, 0x7A, 0x3B, 0xDB, 0x3B, 0x47, 0x79, 0xF5, 0x72, 0x0A,
            ]
        ),
        (
            "hu", "iso-8859-2",
            [
                0x4E, 0xE9, 0x76, 0x3B, 0x43, 0xE9, 0x67, 0x3B, 0x56, 0xE1, 0x72, 0x6F, 0x73, 0x0A, 0x4B, 0x6F, 0x76, 0xE1, 0x63, 0x73, 0x20, 0x42,
                0xE9, 0x6C, 0x61, 0x3B, 0xC1, 0x72, 0x76, 0xED, 0x7A, 0x74, 0xFB, 0x72, 0xF5, 0x20, 0x74, 0xFC, 0x6B, 0xF6, 0x72, 0x66, 0xFA, 0x72,
                0xF3, 0x67, 0xE9, 0x70, 0x20, 0x4B, 0x66, 0x74, 0x3B, 0x53, 0x7A, 0xE9, 0x6B, 0x65, 0x73, 0x66, 0x65, 0x68, 0xE9, 0x72, 0x76, 0xE1,
                0x72, 0x0A, 0xD5, 0x73, 0x7A, 0x3B, 0xDB, 0x3B, 0x47, 0x79, 0xF5, 0x72, 0x0A,
            ]
        ),
        (
            "bg", "windows-1251",
            [
                0xC8, 0xEC, 0xE5, 0x3B, 0xD4, 0xE8, 0xF0, 0xEC, 0xE0, 0x3B, 0xC3, 0xF0, 0xE0, 0xE4, 0x0A, 0xC9, 0xEE, 0xF0, 0xE4, 0xE0, 0xED, 0xEE,
                0xE2, 0x3B, 0xC5, 0xD2, 0x20, 0x84, 0xD9, 0xE0, 0xF1, 0xF2, 0xE8, 0xE5, 0x93, 0x3B, 0xD1, 0xEE, 0xF4, 0xE8, 0xFF, 0x0A, 0xDA, 0xE3,
                0xFA, 0xEB, 0x3B, 0xDE, 0xEB, 0xE8, 0xFF, 0x3B, 0xDF, 0xEC, 0xE1, 0xEE, 0xEB, 0x0A,
            ]
        ),
        (
            "ru", "koi8-r",
            [
                0xE6, 0xC1, 0xCD, 0xC9, 0xCC, 0xC9, 0xD1, 0x3B, 0xEB, 0xCF, 0xCD, 0xD0, 0xC1, 0xCE, 0xC9, 0xD1, 0x3B, 0xE7, 0xCF, 0xD2, 0xCF, 0xC4,
                0x0A, 0xE9, 0xD7, 0xC1, 0xCE, 0xCF, 0xD7, 0x3B, 0xEF, 0xEF, 0xEF, 0x20, 0x22, 0xF2, 0xCF, 0xCD, 0xC1, 0xDB, 0xCB, 0xC1, 0x22, 0x3B,
                0xED, 0xCF, 0xD3, 0xCB, 0xD7, 0xC1, 0x0A, 0xA3, 0xD6, 0xC9, 0xCB, 0xCF, 0xD7, 0x3B, 0xDD, 0xD5, 0xCB, 0xC1, 0x3B, 0xF3, 0xDF, 0xC5,
                0xDA, 0xC4, 0x0A,
            ]
        ),
    ]

    @Test("legacy code pages are recognised and decoded: windows-1251, KOI8-R, windows-1250, ISO-8859-2")
    func codePages() throws {
        for table in TextDecoding.codePages { #expect(table.table.count == 128, "\(table.name)") }
        for sample in Self.legacy {
            let decoded = try TextDecoding.decode(Data(sample.bytes))
            // Hungarian letters sit at the same bytes in windows-1250 and ISO-8859-2; either name is then right.
            let same = TextDecodingTests.same(sample.bytes, sample.encoding, decoded.encoding)
            #expect(decoded.encoding == sample.encoding || same, "\(sample.language) in \(sample.encoding) was read as \(decoded.encoding)")
            let table = try CSVTable(text: decoded.text)
            #expect(table.header.count == 3 && table.rows.count == 2, "\(sample.language)")
        }
        let polish = try TextDecoding.decode(Data(Self.legacy.first { $0.encoding == "iso-8859-2" }!.bytes)).text
        #expect(polish.contains("Łódź Sp. z o.o.") && polish.contains("Gęślą jaźń"))
        let russian = try TextDecoding.decode(Data(Self.legacy.first { $0.encoding == "koi8-r" }!.bytes)).text
        #expect(russian.contains("ёжиков") && russian.contains("Иванов"))
    }

    @Test("UTF-8 with and without a mark and UTF-16 with a mark are read as such; NUL bytes are refused")
    func unicode() throws {
        let text = "Név;Город\nŁódź;Иванов\n"
        #expect(try TextDecoding.decode(Data(text.utf8)) == (text, "utf-8"))
        #expect(try TextDecoding.decode(Data([0xEF, 0xBB, 0xBF] + Array(text.utf8))) == (text, "utf-8"))
        #expect(try TextDecoding.decode(Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!) == (text, "utf-16le"))
        #expect(throws: ValidationError.self) { try TextDecoding.decode(text.data(using: .utf16LittleEndian)!) }
    }
}

enum TextDecodingTests {
    /// Whether two code pages give the same text for these bytes.
    static func same(_ bytes: [UInt8], _ first: String, _ second: String) -> Bool {
        let tables = Dictionary(uniqueKeysWithValues: TextDecoding.codePages.map { ($0.name, $0.table) })
        guard let a = tables[first], let b = tables[second] else { return false }
        return bytes.allSatisfy { $0 < 0x80 || a[Int($0) - 0x80] == b[Int($0) - 0x80] }
    }
}

@Suite("Mapping the columns of an import")
struct RecordImportTests {
    @Test("column headers in our users' languages and Salesforce's suggest the fields they mean, each field once")
    func suggestedMappings() {
        #expect(
            RecordImport.suggest(["Имя", "Фамилия", "Отчество", "Должность", "Телефон", "E-mail", "Компания"], for: .contacts) == [
                "Имя": "first_name", "Фамилия": "last_name", "Отчество": "middle_name", "Должность": "job_title", "Телефон": "phone",
                "E-mail": "email", "Компания": "company",
            ]
        )
        #expect(
            RecordImport.suggest(["Cégnév", "Adószám", "Város", "Ország"], for: .companies) == [
                "Cégnév": "name", "Adószám": "tax_id", "Város": "city", "Ország": "country",
            ]
        )
        #expect(
            RecordImport.suggest(["Id", "Name", "BillingCity", "Phone", "Fax", "Website", "Industry", "NumberOfEmployees"], for: .companies) == [
                "Id": "key", "Name": "name", "BillingCity": "city", "Phone": "phone", "Website": "website", "Industry": "industry",
                "NumberOfEmployees": "size",
            ]
        )
        #expect(
            RecordImport.suggest(["Phone", "Telefon"], for: .contacts) == ["Phone": "phone"],
            "the second column naming a field is left for the user to map"
        )
        #expect(
            RecordImport.size("120") == .medium && RecordImport.size("5000") == .enterprise && RecordImport.size("50-249") == .medium
                && RecordImport.size("many") == nil
        )
    }
}
