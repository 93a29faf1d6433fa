public import CRMCore
import Foundation
import Logging
import SQLKit

/// Everything the store offers, over one database.
public struct Store: Sendable {
    public let database: Database
    public let users: UserStore
    public let teams: TeamStore
    public let sessions: SessionStore
    public let twoFactor: TwoFactorStore
    public let tokens: TokenStore
    public let loginThrottle: LoginThrottle
    public let companies: RecordStore<CompanyFields>
    public let contacts: RecordStore<ContactFields>
    public let leads: RecordStore<LeadFields>
    /// What leads have beyond records: scoring, routing, web forms, conversion.
    public let leadWork: LeadStore
    public let deals: RecordStore<DealFields>
    public let activities: RecordStore<ActivityFields>
    public let pipelines: PipelineStore
    public let funnel: FunnelStore
    public let reports: ReportStore
    public let processes: ProcessStore
    public let segments: SegmentStore
    public let imports: ImportStore
    public let fields: FieldStore
    public let files: FileStore
    public let comments: CommentStore
    public let notifications: NotificationStore
    public let calendarFeeds: CalendarFeedStore

    /// - Parameter bcryptCost: 12 in production; tests lower it because hashing dominates their run time.
    public init(database: Database, bcryptCost: UInt8 = 12, files: FileConfiguration = .init()) {
        self.database = database
        self.users = UserStore(database: database, bcryptCost: bcryptCost)
        self.teams = TeamStore(database: database)
        self.sessions = SessionStore(database: database)
        self.twoFactor = TwoFactorStore(database: database)
        self.tokens = TokenStore(database: database)
        self.loginThrottle = LoginThrottle(database: database)
        self.companies = RecordStore(database: database)
        self.contacts = RecordStore(database: database)
        self.leads = RecordStore(database: database)
        self.leadWork = LeadStore(database: database, records: leads)
        self.deals = RecordStore(database: database)
        self.activities = RecordStore(database: database)
        self.pipelines = PipelineStore(database: database)
        self.funnel = FunnelStore(database: database)
        self.reports = ReportStore(database: database)
        self.processes = ProcessStore(database: database)
        self.segments = SegmentStore(database: database)
        self.imports = ImportStore(database: database)
        self.fields = FieldStore(database: database)
        self.files = files.makeStore(database: database)
        self.comments = CommentStore(database: database)
        self.notifications = NotificationStore(database: database)
        self.calendarFeeds = CalendarFeedStore(database: database)
    }

    public var migrator: Migrator { Migrator(database: database) }

    /// Whether the database answers; used by `/readyz`.
    public func ping() async throws {
        try await database.read { db in _ = try await db.raw("SELECT 1 AS one").first() }
    }
}
