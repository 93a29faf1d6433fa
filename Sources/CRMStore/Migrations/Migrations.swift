/// Every migration, in order, one file each (`0001_Identity.swift` …). Append only: a landed migration is never
/// edited, renamed or made to call code that may change; `MigrationChecksumTests` holds each one's statements.
enum Migrations {
    static let all: [Migration] = [
        identity,
        companiesContactsAudit,
        funnel,
        activities,
        reports,
        processes,
        searchIndex,
        recordMerges,
        recordEventTriggersAndSegments,
        importsAndContactPointLookup,
        funnelSums,
        forecastSums,
        leads,
        customFields,
        dealImports,
        companyDeals,
        fullTextPendingSize,
        naturalSortKeys,
        leadActivities,
        byteOrderKeys,
        lossReasonTranslations,
        webFormConsent,
        fieldTranslations,
        twoFactorSignIn,
        files,
        commentsAndNotifications,
        calendarFeeds,
    ]
}
