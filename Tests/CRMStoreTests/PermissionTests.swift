import CRMCore
import CRMStore
import CRMTestSupport
import Testing

/// The permission layer, exercised through every store operation.
@Suite("Permissions in the store")
struct PermissionTests {
    @Test("reps see their own and their sharing team's records; managers their teams'; admins all", arguments: TestEngine.available)
    func visibilityMatrix(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            try await world.company("Rafał's", by: world.rafal)
            try await world.company("Róża's", by: world.roza)
            try await world.company("Sergei's", by: world.sergei)
            try await world.company("Maria's", by: world.maria)
            try await world.company("Mikhail's", by: world.mikhail)
            let expected: [(User, Set<String>)] = [
                (world.admin, ["Rafał's", "Róża's", "Sergei's", "Maria's", "Mikhail's"]),
                // Maria's record sits in North (the team she heads), which shares with its members.
                (world.rafal, ["Rafał's", "Róża's", "Maria's"]),
                (world.roza, ["Rafał's", "Róża's", "Maria's"]),
                (world.sergei, ["Sergei's"]),
                (world.maria, ["Rafał's", "Róża's", "Maria's"]),
                (world.mikhail, ["Sergei's", "Mikhail's"]),
            ]
            for (user, names) in expected {
                let context = try await world.context(user)
                let listed = try await store.companies.list(context, ListQuery()).items.map(\.fields.name)
                #expect(Set(listed) == names, "\(user.name) lists")
                #expect(try await store.companies.count(context, ListQuery()) == names.count, "\(user.name) counts")
                #expect(
                    try await store.companies.list(context, ListQuery(search: "s")).items.allSatisfy { names.contains($0.fields.name) },
                    "\(user.name) searches"
                )
            }
        }
    }

    @Test("a rep can neither read, change, delete, restore nor see the history of another team's record", arguments: TestEngine.available)
    func repCannotTouchOtherTeam(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let theirs = try await world.company("South Secret", by: world.sergei)
            let rafal = try await world.context(world.rafal)
            let id = theirs.meta.id
            await #expect(throws: StoreError.notFound(.company)) { try await store.companies.get(rafal, id) }
            await #expect(throws: StoreError.notFound(.company)) {
                try await store.companies.update(rafal, id, expectedVersion: 1, CompanyFields(name: "Mine now"))
            }
            await #expect(throws: StoreError.notFound(.company)) { try await store.companies.delete(rafal, id, expectedVersion: 1) }
            await #expect(throws: StoreError.notFound(.company)) { try await store.companies.restore(rafal, id) }
            await #expect(throws: StoreError.notFound(.company)) { try await store.companies.history(rafal, id) }
            let sergei = try await world.context(world.sergei)
            #expect(try await store.companies.get(sergei, id).fields.name == "South Secret")
        }
    }

    @Test("a contact cannot point to a company its writer cannot see", arguments: TestEngine.available)
    func referencesRespectVisibility(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let theirs = try await world.company("South Co", by: world.sergei)
            let rafal = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) {
                try await store.contacts.create(rafal, ContactFields(firstName: "Jan", lastName: "Kowalski", companyID: theirs.id))
            }
            #expect(try await store.contacts.count(.system(reason: "test"), ListQuery()) == 0)
        }
    }

    @Test("reps keep what they create; managers may hand records to their teams' members", arguments: TestEngine.available)
    func assignment(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let rafal = try await world.context(world.rafal)
            let maria = try await world.context(world.maria)
            let fields = CompanyFields(name: "Handed over")
            await #expect(throws: StoreError.self) {
                try await store.companies.create(rafal, fields, assignment: .init(owner: world.roza.id))
            }
            await #expect(throws: StoreError.self) {
                try await store.companies.create(rafal, fields, assignment: .init(team: .some(world.south.id)))
            }
            let handed = try await store.companies.create(maria, fields, assignment: .init(owner: world.roza.id, team: .some(world.north.id))).record
            #expect(handed.meta.ownerID == world.roza.id && handed.meta.teamID == world.north.id)
            await #expect(throws: StoreError.self) {
                try await store.companies.create(maria, fields, assignment: .init(owner: world.sergei.id))
            }
            let own = try await world.company("Default team", by: world.rafal)
            #expect(own.meta.teamID == world.north.id)
        }
    }

    @Test("users and teams are managed by admins only", arguments: TestEngine.available)
    func adminOnly(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let maria = try await world.context(world.maria)
            await #expect(throws: StoreError.self) {
                try await store.users.create(maria, .init(email: "x@example.com", name: "X", role: .admin, password: "long enough password"))
            }
            await #expect(throws: StoreError.self) { try await store.teams.create(maria, name: "Mine", managerID: nil, sharesRecords: true) }
            await #expect(throws: StoreError.self) { try await store.users.update(maria, world.rafal.id, .init(role: .admin)) }
            let renamed = try await store.users.update(maria, world.maria.id, .init(name: "Maria K.", locale: "pl"))
            #expect(renamed.name == "Maria K." && renamed.locale == "pl")
        }
    }
}
