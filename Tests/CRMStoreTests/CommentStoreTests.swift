import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import Testing

@Suite("Comments and notifications")
struct CommentStoreTests {
    @Test(
        "a mention notifies those who may see the record, a team mention its members and manager, never the author",
        arguments: TestEngine.available
    )
    func mentions(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let rafal = try await world.context(world.rafal)
            let company = try await world.company("Żabka Polska", by: world.rafal)
            let posted = try await store.comments.add(
                rafal,
                to: .company,
                id: company.meta.id,
                "@Róża Nowak @Сергей Иванов @North @Rafał Wiśniewski sprawdźcie rabat 12%"
            )
            let comment = posted.comment
            #expect(posted.unseen == [world.sergei.id])
            // The autocomplete offers only those who may see the record.
            let offered = try await store.comments.mentionable(rafal, "", on: (.company, company.meta.id)).users.map(\.name)
            #expect(offered.contains("Róża Nowak") && offered.contains("Maria Kowalska") && !offered.contains("Сергей Иванов"))
            #expect(try await store.comments.mentionable(rafal, "sergei", on: nil).users.map(\.name) == ["Сергей Иванов"])
            #expect(
                comment.body.hasPrefix("@[user:\(world.roza.id.rawValue)] @[user:\(world.sergei.id.rawValue)] @[team:\(world.north.id.rawValue)]")
            )
            // Sergei (South) may not see a North record: mentioned, but not told. Maria heads North; Róża is in it.
            for (user, expected) in [(world.roza, 1), (world.maria, 1), (world.sergei, 0), (world.rafal, 0), (world.mikhail, 0)] {
                let context = try await world.context(user)
                let items = try await store.notifications.list(context)
                #expect(items.count == expected, "\(user.name)")
                #expect(try await store.notifications.unreadCount(context) == expected, "\(user.name)")
                if let item = items.first {
                    #expect(item.kind == .mention && item.recordID == company.meta.id && item.actorID == world.rafal.id)
                    #expect(item.excerpt.hasPrefix("@Róża Nowak @Сергей Иванов @North"))
                }
            }
            let roza = try await world.context(world.roza)
            #expect(try await store.comments.list(roza, of: .company, id: company.meta.id).map(\.id) == [comment.id])
            #expect(try await store.notifications.markRead(roza) == 1)
            #expect(try await store.notifications.unreadCount(roza) == 0)
            let sergei = try await world.context(world.sergei)
            await #expect(throws: StoreError.notFound(.company)) { try await store.comments.list(sergei, of: .company, id: company.meta.id) }
            await #expect(throws: StoreError.notFound(.company)) { try await store.comments.add(sergei, to: .company, id: company.meta.id, "hej") }
            await #expect(throws: StoreError.forbidden("only its author removes a comment")) { try await store.comments.delete(roza, comment.id) }
            try await store.comments.delete(rafal, comment.id)
            #expect(try await store.comments.list(roza, of: .company, id: company.meta.id).isEmpty)
            // Its words leave the bell with it.
            #expect(try await store.notifications.list(try await world.context(world.maria)).isEmpty)
            // Its words leave the bell with it.
            #expect(try await store.notifications.list(try await world.context(world.maria)).isEmpty)
            await #expect(throws: StoreError.self) { try await store.comments.add(rafal, to: .company, id: company.meta.id, "   ") }
        }
    }

    @Test(
        "a record or task given to someone else tells them; one's own does not; the list follows what they may still see",
        arguments: TestEngine.available
    )
    func assignments(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let maria = try await world.context(world.maria)
            let created = try await store.companies.create(
                maria,
                CompanyFields(name: "Kovács Kft."),
                assignment: RecordStore<CompanyFields>.Assignment(owner: world.roza.id)
            ).record
            _ = try await store.activities.create(
                maria,
                ActivityFields(kind: .task, subject: "Zadzwonić"),
                assignment: RecordStore<ActivityFields>.Assignment(owner: world.rafal.id)
            )
            _ = try await store.companies.create(try await world.context(world.roza), CompanyFields(name: "Moja"))
            let roza = try await world.context(world.roza)
            #expect(try await store.notifications.list(roza).map(\.kind) == [.assignment])
            #expect(try await store.notifications.list(try await world.context(world.rafal)).map(\.kind) == [.task])
            // Handed on to Sergei in South: Róża no longer sees the record, nor its notification.
            let moved = try await store.companies.update(
                try await world.context(world.admin),
                created.meta.id,
                expectedVersion: created.meta.version,
                created.fields,
                assignment: RecordStore<CompanyFields>.Assignment(owner: world.sergei.id, team: .some(world.south.id))
            )
            #expect(moved.meta.ownerID == world.sergei.id)
            #expect(try await store.notifications.list(roza).isEmpty)
            #expect(try await store.notifications.list(try await world.context(world.sergei)).map(\.kind) == [.assignment])
        }
    }
}
