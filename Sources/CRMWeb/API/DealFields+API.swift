import CRMCore

extension DealFields: APIResource {
    static let collection = "deals"
    static let inputFields: Set<String> = [
        "title", "company_id", "pipeline_id", "stage_id", "amount", "currency", "expected_close_date", "source", "forecast_category", "tags",
    ]
    /// Pipeline and stage change only through the move operations, which log them.
    static let updateFields: Set<String> = inputFields.subtracting(["pipeline_id", "stage_id"])
    static let listParameters: Set<String> = ["company_id", "pipeline_id", "stage_id", "status"]
    static var blank: DealFields {
        DealFields(title: "", pipelineID: PipelineID(0), stageID: StageID(0), amount: Money(minorUnits: 0, currency: Self.noCurrency))
    }

    /// ISO 4217 "XXX": no currency given; the store puts the pipeline's in its place.
    static let noCurrency = try! Currency(code: "XXX")

    mutating func apply(_ input: inout JSONInput, defaultCountryCode: String) {
        if let value = input.string("title") { title = value }
        if let value = input.id("company_id") { companyID = value.map { CompanyID($0) } }
        if let value = input.id("pipeline_id") {
            if let value { pipelineID = PipelineID(value) } else { input.fail("pipeline_id", "required", "a deal needs a pipeline") }
        }
        if let value = input.id("stage_id") {
            if let value { stageID = StageID(value) } else { input.fail("stage_id", "required", "a deal needs a stage") }
        }
        var currency = amount.currency
        if let code = input.string("currency") {
            do { currency = try Currency(code: code) } catch { input.fail("currency", error.code, error.message) }
        }
        if let text = input.string("amount") {
            do { amount = try Money(decimal: text.isEmpty ? "0" : text, currency: currency) } catch {
                input.fail("amount", error.code, error.message)
            }
        } else if currency != amount.currency {
            do { amount = try amount.rescaled(to: currency) } catch { input.fail("amount", error.code, error.message) }
        }
        if let text = input.string("expected_close_date") {
            if text.isEmpty {
                expectedCloseDate = nil
            } else {
                do { expectedCloseDate = try CalendarDate(parsing: text) } catch { input.fail("expected_close_date", error.code, error.message) }
            }
        }
        if let value = input.string("source") { source = value }
        if let value = input.choice("forecast_category", ForecastCategory.self) { forecastCategory = value }
        if let value = input.strings("tags") { tags = value }
    }

    /// Creates need a pipeline and a stage; `apply` leaves the placeholders of `blank` where none were sent.
    static func checkCreate(_ fields: DealFields, _ input: inout JSONInput) {
        if fields.pipelineID.rawValue == 0 { input.fail("pipeline_id", "required", "a deal needs a pipeline") }
        if fields.stageID.rawValue == 0 { input.fail("stage_id", "required", "a deal needs a stage") }
    }

    var json: [String: JSONValue] {
        [
            "title": .string(title), "company_id": .optional(companyID?.rawValue), "pipeline_id": .int(pipelineID.rawValue),
            "stage_id": .int(stageID.rawValue), "amount": .string(amount.decimalString), "currency": .string(amount.currency.code),
            "expected_close_date": .optional(expectedCloseDate?.description), "source": .string(source),
            "forecast_category": .optional(forecastCategory?.rawValue), "tags": .array(tags.map(JSONValue.string)),
            "status": .string(status.rawValue), "loss_reason_id": .optional(lossReasonID?.rawValue), "loss_comment": .string(lossComment),
            "closed_at": .optional(closedAt?.iso8601), "stage_entered_at": .string(stageEnteredAt.iso8601),
        ]
    }

    static let csvColumns = [
        "title", "company_id", "pipeline_id", "stage_id", "status", "amount", "currency", "expected_close_date", "source", "loss_reason_id",
        "closed_at",
    ]

    var csvValues: [String] {
        [
            title, companyID?.description ?? "", pipelineID.description, stageID.description, status.rawValue, amount.decimalString,
            amount.currency.code, expectedCloseDate?.description ?? "", source, lossReasonID?.description ?? "", closedAt?.iso8601 ?? "",
        ]
    }
}
