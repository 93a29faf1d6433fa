import Foundation
import Testing

@testable import ICalendar

@Suite("iCalendar documents")
struct ICalendarDocumentTests {
    @Test("events and to-dos are written with UTC times, escaped text and CRLF line ends")
    func document() throws {
        let start = try #require(ISO8601DateFormatter().date(from: "2027-01-12T13:30:00Z"))
        var document = ICalendarDocument(productID: "-//Test//EN", name: "Łukasz; test")
        var event = ICalendarDocument.Event(
            uid: "a-1@x",
            sequence: 3,
            stamp: start,
            start: start,
            end: start.addingTimeInterval(3600),
            summary: "Spotkanie, Łódź; piętro 2"
        )
        event.description = "Linia 1\nLinia 2 \\ koniec"
        event.cancelled = true
        document.events.append(event)
        var todo = ICalendarDocument.Todo(uid: "a-2@x", sequence: 1, stamp: start, due: start, summary: "Zadzwonić")
        todo.completed = start
        todo.priority = 1
        document.todos.append(todo)
        let text = document.text
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.contains("X-WR-CALNAME:Łukasz\\; test\r\n"))
        #expect(text.contains("DTSTART:20270112T133000Z\r\nDTEND:20270112T143000Z\r\n"))
        #expect(text.contains("SUMMARY:Spotkanie\\, Łódź\\; piętro 2\r\n"))
        #expect(text.contains("DESCRIPTION:Linia 1\\nLinia 2 \\\\ koniec\r\n"))
        #expect(text.contains("STATUS:CANCELLED\r\n") && text.contains("SEQUENCE:3\r\n"))
        #expect(text.contains("DUE:20270112T133000Z\r\n") && text.contains("STATUS:COMPLETED\r\nCOMPLETED:20270112T133000Z\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test("long lines fold at 75 octets between characters, never inside one")
    func folding() {
        let line = "SUMMARY:" + String(repeating: "Żółć ", count: 40)
        let folded = ICalendarDocument.fold(line)
        let parts = folded.components(separatedBy: "\r\n")
        #expect(parts.count > 1)
        #expect(parts.allSatisfy { $0.utf8.count <= 75 })
        #expect(parts.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(parts.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == line)
    }
}
