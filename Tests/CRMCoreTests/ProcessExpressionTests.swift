import CRMCore
import Foundation
import Testing

@Suite("The process expression language")
struct ProcessExpressionTests {
    func value(_ text: String, _ variables: [String: ProcessValue] = [:]) throws -> ProcessValue {
        try ProcessExpression.parse(text).evaluate(variables)
    }

    @Test("conditions in every dialect modelers write mean the same")
    func dialects() throws {
        let vars: [String: ProcessValue] = ["approved": .bool(true), "score": ProcessValue(7), "answer": .string("Yes")]
        for text in ["${approved}", "#{approved}", "=approved", "approved == True", "approved == true", "!(!approved)", "not not approved"] {
            #expect(try value(text, vars) == .bool(true), "\(text)")
        }
        #expect(try value("#{!approved}", vars) == .bool(false))
        #expect(try value("${score > 5}", vars) == .bool(true))
        #expect(try value("${score <= 5}", vars) == .bool(false))
        #expect(try value("answer == 'Yes' and score >= 7 || false", vars) == .bool(true))
        #expect(try value("score in [1, 7, 9]", vars) == .bool(true))
    }

    @Test("arithmetic is decimal and exact; precedence as in school")
    func arithmetic() throws {
        #expect(try value("0.1 + 0.2 == 0.3") == .bool(true))
        #expect(try value("2 + 3 * 4 - -1") == ProcessValue(15))
        #expect(try value("(2 + 3) * 4 % 7") == ProcessValue(6))
        #expect(try value("len(lower('ŁÓDŹ')) + max(1, 4)") == ProcessValue(8))
        #expect(try value("deal.amount > 1000", ["deal": .object(["amount": ProcessValue(1500)])]) == .bool(true))
        #expect(
            try value("days_between(today, contract_end) <= 90", ["today": .string("2026-11-24"), "contract_end": .string("2027-02-20")])
                == .bool(true)
        )
        #expect(try value("add_days('2026-12-30', 3)") == .string("2027-01-02"))
    }

    @Test("mistakes are caught when read or when run, never crash")
    func mistakes() throws {
        for text in ["x ==", "(x", "x === 1", "'open", "x ; y", "1 2"] {
            #expect(throws: ValidationError.self, "\(text)") { try ProcessExpression.parse(text) }
        }
        #expect(throws: ProcessError.self) { try value("x > 1") }
        #expect(throws: ProcessError.self) { try value("'a' > 1") }
        #expect(throws: ProcessError.self) { try value("1 / 0") }
        #expect(throws: ProcessError.self) { try value("custom_function()") }
        #expect(throws: ProcessError.self) { try value("days_between('soon', '2027-01-01')") }
    }

    @Test("scripts set, update and delete variables, all or nothing")
    func scripts() throws {
        var vars: [String: ProcessValue] = ["remove_this_var": .string("x")]
        try ProcessScript(parsing: "x, y = 1, 2\nz = x + y\nx += 10\nname = 'World'\ndel(remove_this_var)\nprint(name)").run(&vars)
        #expect(vars == ["x": ProcessValue(11), "y": ProcessValue(2), "z": ProcessValue(3), "name": .string("World")])
        let failing = try ProcessScript(parsing: "a = 1\nb = missing + 1")
        #expect(throws: ProcessError.self) { try failing.run(&vars) }
        #expect(vars["a"] == nil)
        for text in ["import os", "x = ", "x, y = 1", "1 = x", "x += 1, 2"] {
            #expect(throws: ValidationError.self, "\(text)") { try ProcessScript(parsing: text) }
        }
    }

    @Test("cron cycles as Camunda writes them name the right next moments, in UTC")
    func cron() throws {
        let start = Timestamp(try Date("2026-11-24T10:07:30Z", strategy: .iso8601))
        let everyFiveMinutes = try CronSchedule(parsing: "0 0/5 * 1/1 * ?")
        #expect(everyFiveMinutes.next(after: start)?.iso8601.hasPrefix("2026-11-24T10:10:00") == true)
        let weekdaysAtNine = try CronSchedule(parsing: "0 0 9 ? * MON-FRI")
        #expect(
            weekdaysAtNine.next(after: Timestamp(try Date("2026-11-27T10:00:00Z", strategy: .iso8601)))?.iso8601.hasPrefix("2026-11-30T09:00:00")
                == true
        )
        let firstOfMonth = try CronSchedule(parsing: "0 30 8 1 * ?")
        #expect(firstOfMonth.next(after: start)?.iso8601.hasPrefix("2026-12-01T08:30:00") == true)
        for bad in ["* * *", "0 61 * * * ?", "0 0 25 * * ?", "x 0 0 * * ?"] {
            #expect(throws: ValidationError.self, "\(bad)") { try CronSchedule(parsing: bad) }
        }
        let repeated = try TimerSchedule.first(.cycle("\"R2/PT1H\""), after: start)
        #expect(repeated.remaining == 1 && repeated.at == Timestamp(rawValue: start.rawValue + 3_600_000))
    }
}
