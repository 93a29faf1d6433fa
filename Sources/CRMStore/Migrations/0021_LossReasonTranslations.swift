extension Migrations {
    static let lossReasonTranslations = Migration(number: 21, name: "loss_reason_translations", statements: { _ in
        // Loss reasons are read by reps in their own language, as stage names are.
        ["ALTER TABLE loss_reasons ADD COLUMN translations TEXT NOT NULL DEFAULT '{}'"]
    })
}
