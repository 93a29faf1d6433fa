import CRMCore
import Foundation

/// A table people open in a spreadsheet program: headers in their language, numbers as numbers. Written as CSV the
/// way Excel reads it in the reader's locale (UTF-8 with a byte-order mark; `;` between fields and a decimal comma
/// where the language writes one, since Excel then splits on `;`) or as an XLSX workbook, which needs no guessing.
struct Spreadsheet {
    enum Cell: Equatable {
        case text(String)
        case number(Decimal)
    }

    var header: [String]
    var rows: [[Cell]] = []

    /// Languages whose decimal mark is a comma; their spreadsheets separate fields with `;`.
    static func decimalComma(_ language: String) -> Bool { language != "en" }

    func csv(decimalComma: Bool) -> String {
        let separator: Character = decimalComma ? ";" : ","
        var text = "\u{FEFF}" + CSV.line(header, separator: separator)
        for row in rows {
            text += CSV.line(
                row.map { cell in
                    switch cell {
                    case .text(let value): value
                    case .number(let value): decimalComma ? value.plainString.replacingOccurrences(of: ".", with: ",") : value.plainString
                    }
                },
                separator: separator
            )
        }
        return text
    }

    /// An Office Open XML workbook of one sheet: strings inline (no shared-string table to keep in step), numbers as
    /// numbers, the header row frozen and bold.
    func xlsx(sheet: String) -> Data {
        var archive = ZipArchive()
        archive.add(
            "[Content_Types].xml",
            Data(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
                <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
                </Types>
                """.utf8
            )
        )
        archive.add(
            "_rels/.rels",
            Data(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """.utf8
            )
        )
        archive.add(
            "xl/workbook.xml",
            Data(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
                <sheets><sheet name="\(XML.escaped(String(Self.sheetName(sheet))))" sheetId="1" r:id="rId1"/></sheets></workbook>
                """.utf8
            )
        )
        archive.add(
            "xl/_rels/workbook.xml.rels",
            Data(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
                </Relationships>
                """.utf8
            )
        )
        archive.add(
            "xl/styles.xml",
            Data(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
                <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
                <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
                <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
                <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
                <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
                </styleSheet>
                """.utf8
            )
        )
        var sheetXML = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>
            """
        sheetXML += Self.row(1, header.map(Cell.text), style: 1)
        for (index, row) in rows.enumerated() { sheetXML += Self.row(index + 2, row, style: 0) }
        sheetXML += "</sheetData></worksheet>"
        archive.add("xl/worksheets/sheet1.xml", Data(sheetXML.utf8))
        return archive.data
    }

    private static func row(_ number: Int, _ cells: [Cell], style: Int) -> String {
        var xml = "<row r=\"\(number)\">"
        for (index, cell) in cells.enumerated() {
            let reference = column(index) + String(number)
            let styled = style == 0 ? "" : " s=\"\(style)\""
            switch cell {
            case .number(let value): xml += "<c r=\"\(reference)\"\(styled)><v>\(value.plainString)</v></c>"
            case .text(let value) where value.isEmpty: continue
            case .text(let value):
                xml += "<c r=\"\(reference)\" t=\"inlineStr\"\(styled)><is><t xml:space=\"preserve\">\(XML.escaped(value))</t></is></c>"
            }
        }
        return xml + "</row>"
    }

    /// A, B, … Z, AA, AB …
    static func column(_ index: Int) -> String {
        var index = index
        var name = ""
        repeat {
            name = String(UnicodeScalar(UInt8(65 + index % 26))) + name
            index = index / 26 - 1
        } while index >= 0
        return name
    }

    /// Excel refuses sheet names over 31 characters or with any of `[]:*?/\`.
    private static func sheetName(_ name: String) -> Substring {
        name.filter { !"[]:*?/\\".contains($0) }.prefix(31)
    }
}
