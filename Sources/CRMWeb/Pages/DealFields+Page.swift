import CRMCore
import Foundation

extension DealFields: PageResource {
    static let pageKey = "deal"

    mutating func apply(form: FormInput, context: FormContext) -> [ValidationError] {
        var errors: [ValidationError] = []
        title = form["title"]
        source = form["source"]
        tags = FormFields.tags(form["tags"])
        forecastCategory = ForecastCategory(rawValue: form["forecast_category"])
        if form["company_id"].isEmpty { companyID = nil } else if let id = Int64(form["company_id"]) { companyID = CompanyID(id) }
        // New deals choose where they start as "pipeline:stage"; later only the move operations change it.
        let start = form["start"].split(separator: ":").compactMap { Int64($0) }
        if start.count == 2 {
            pipelineID = PipelineID(start[0])
            stageID = StageID(start[1])
        }
        var currency = amount.currency
        if !form["currency"].isEmpty {
            do { currency = try Currency(code: form["currency"]) } catch { errors.append(error.at("currency")) }
        }
        // People type amounts their own way ("12 500,50", "1 200,50 zł"); `Money(typed:)` reads them all.
        let typed = form["amount"].trimmingWhitespace()
        do { amount = typed.isEmpty ? Money(minorUnits: 0, currency: currency) : try Money(typed: typed, currency: currency) } catch {
            errors.append(error.at("amount"))
        }
        if form["expected_close_date"].isEmpty {
            expectedCloseDate = nil
        } else {
            do { expectedCloseDate = try CalendarDate(parsing: form["expected_close_date"]) } catch { errors.append(error.at("expected_close_date")) }
        }
        return errors
    }

    func formValues(_ context: FormContext) -> [String: Any] {
        [
            "title": title, "source": source, "tags": tags.joined(separator: ", "),
            "amount": amount.minorUnits == 0 ? "" : amount.decimalString, "currency": amount.currency.code == "XXX" ? "" : amount.currency.code,
            "expected_close_date": expectedCloseDate?.description ?? "", "company_id": companyID?.description ?? "",
            "pipeline_id": pipelineID.rawValue, "stage_id": stageID.rawValue,
        ]
    }

    var listColumns: [String: Any] {
        [
            "amount": amount.decimalString, "currency": amount.currency.code, "status": status.rawValue,
            "expected_close_date": expectedCloseDate?.description ?? "", "source": source, "tags": tags,
            "won": status == .won, "lost": status == .lost,
        ]
    }
}
