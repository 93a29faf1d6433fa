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
    }

    @Test("CSV: a cut-off quote, a short row, a stray quote and a bad header are refused with their line")
    func badCSV() {
        let cases: [(String, String)] = [
            ("a,b\n\"x,y\n", "csv_unclosed_quote"),
            ("a,b\n1,2\n3\n", "csv_wrong_width"),
            ("a,b\n1,x\"y\n", "csv_stray_quote"),
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

    func mapping() throws -> DealImportMapping {
        DealImportMapping(
            columns: [.title: "id", .owner: "agent", .company: "account", .stage: "stage", .created: "engaged", .closed: "closed", .amount: "value"],
            stageValues: ["Prospecting": .stage("First contact"), "Zakończona": .won],
            currency: try Currency(code: "PLN"), timeZone: TimeZone(identifier: "Europe/Warsaw")!, defaultLossReason: "Not given"
        )
    }

    @Test("rows become typed deals: stage values mapped, dates at local midnight, decimal commas, won and lost closed")
    func rows() throws {
        let table = try CSVTable(text: """
            id,agent,account,stage,engaged,closed,value
            D1,Anna,Acme,Prospecting,,,
            D2,Anna,,zakonczona,2017-03-01,2017-03-11,"4514,5"
            D3,Józef,Acme,Lost,2017-03-01,,10
            """)
        let rows = try DealImportRow.rows(of: table, try mapping())
        #expect(rows.map(\.outcome) == [.stage("First contact"), .won, .lost])
        #expect(rows[0].created == nil && rows[0].closed == nil && rows[0].amount.minorUnits == 0)
        #expect(rows[1].company == nil && rows[1].amount.minorUnits == 451_450)
        #expect(rows[1].created?.iso8601.hasPrefix("2017-02-28T23:00") == true)
        #expect(rows[1].closed?.iso8601.hasPrefix("2017-03-10T23:00") == true)
        // A lost row without a close date closes when it was created, with the default reason.
        #expect(rows[2].closed == rows[2].created && rows[2].lossReason == "Not given")
    }

    @Test("every bad row is reported with its line and no row is returned")
    func badRows() throws {
        let table = try CSVTable(text: """
            id,agent,account,stage,engaged,closed,value
            ,Anna,Acme,Prospecting,,,
            D2,Anna,,Won,2017-03-12,2017-03-11,abc
            D3,Anna,,Won,2017-13-01,,1
            """)
        let mapping = try mapping()
        do throws(ValidationErrors) {
            _ = try DealImportRow.rows(of: table, mapping)
            Issue.record("bad rows were accepted")
        } catch {
            #expect(error.errors.map(\.field) == ["line 2", "line 3", "line 4"])
            #expect(error.errors[1].message.contains("closed before") && error.errors[1].message.contains("not a number"))
            #expect(error.errors[2].message.contains("2017-13-01"))
        }
        var unmapped = mapping
        unmapped.columns[.owner] = "salesperson"
        unmapped.columns[.title] = nil
        #expect(throws: ValidationErrors.self) { try DealImportRow.rows(of: table, unmapped) }
    }
}
