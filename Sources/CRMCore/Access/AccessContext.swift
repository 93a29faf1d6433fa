/// Who is asking, and so which records they may reach. Every store operation on CRM records takes one.
///
/// There are two kinds: a signed-in user (resolved once per request from their role and teams) and the
/// system, which must say why it acts so that background work is visible in the logs.
public struct AccessContext: Sendable, Equatable {
    public enum Actor: Sendable, Equatable {
        case user(UserID)
        case system(reason: String)
    }

    public let actor: Actor
    public let role: Role?
    /// Teams the user is a member of.
    public let memberTeams: Set<TeamID>
    /// Member teams configured to share records among their members.
    public let sharingTeams: Set<TeamID>
    /// Teams the user heads as their manager.
    public let headedTeams: Set<TeamID>

    public init(user: UserID, role: Role, memberTeams: Set<TeamID>, sharingTeams: Set<TeamID>, headedTeams: Set<TeamID>) {
        self.actor = .user(user)
        self.role = role
        self.memberTeams = memberTeams
        self.sharingTeams = sharingTeams.intersection(memberTeams)
        self.headedTeams = headedTeams
    }

    private init(systemReason: String) {
        self.actor = .system(reason: systemReason)
        self.role = nil
        self.memberTeams = []
        self.sharingTeams = []
        self.headedTeams = []
    }

    /// The context for work no user asked for (migrations, demo data, imports run by an operator, jobs).
    public static func system(reason: String) -> AccessContext { AccessContext(systemReason: reason) }

    public var userID: UserID? {
        if case .user(let id) = actor { id } else { nil }
    }

    /// The records this context may read and change, as data the store compiles into SQL.
    public var visibility: Visibility {
        guard case .user(let user) = actor, let role else { return .all }
        switch role {
        case .admin:
            return .all
        case .salesManager:
            return .restricted(owner: user, teams: headedTeams.union(sharingTeams))
        case .salesRep, .serviceAgent:
            return .restricted(owner: user, teams: sharingTeams)
        }
    }

    /// Teams a record created or reassigned by this context may be put in.
    public func mayAssign(team: TeamID) -> Bool {
        switch visibility {
        case .all: true
        case .restricted: memberTeams.contains(team) || headedTeams.contains(team)
        }
    }
}

/// Which rows a context reaches: all of them, or those it owns plus those of the listed teams.
public enum Visibility: Sendable, Equatable {
    case all
    case restricted(owner: UserID, teams: Set<TeamID>)

    public func allows(owner: UserID, team: TeamID?) -> Bool {
        switch self {
        case .all: true
        case .restricted(let me, let teams): owner == me || team.map(teams.contains) == true
        }
    }
}
