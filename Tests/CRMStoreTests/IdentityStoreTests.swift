import CRMCore
import CRMStore
import CRMTestSupport
import Testing

@Suite("Sign-in, sessions and tokens")
struct IdentityStoreTests {
    @Test("a password signs in, a wrong one does not, and a disabled user cannot", arguments: TestEngine.available)
    func authentication(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            #expect(try await store.users.authenticate(email: "RAFAL@example.com", password: "correct horse battery")?.id == world.rafal.id)
            #expect(try await store.users.authenticate(email: "rafal@example.com", password: "wrong password!") == nil)
            #expect(try await store.users.authenticate(email: "nobody@example.com", password: "correct horse battery") == nil)
            _ = try await store.users.update(World.system, world.rafal.id, .init(isActive: false))
            #expect(try await store.users.authenticate(email: "rafal@example.com", password: "correct horse battery") == nil)
        }
    }

    @Test("sessions live in the database and end at logout, password change or disabling", arguments: TestEngine.available)
    func sessions(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let session = try await store.sessions.create(for: world.roza, address: "127.0.0.1", userAgent: "test")
            #expect(try await store.sessions.resolve(token: session.token)?.user.id == world.roza.id)
            #expect(try await store.sessions.resolve(token: "forged") == nil)
            try await store.sessions.delete(token: session.token)
            #expect(try await store.sessions.resolve(token: session.token) == nil)

            let second = try await store.sessions.create(for: world.roza, address: "127.0.0.1", userAgent: "test")
            try await store.users.setPassword(World.system, world.roza.id, "another long password")
            #expect(try await store.sessions.resolve(token: second.token) == nil)
        }
    }

    @Test("an API token is shown once, works until revoked and is stored only as a digest", arguments: TestEngine.available)
    func tokens(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let rafal = try await world.context(world.rafal)
            let (token, secret) = try await store.tokens.create(rafal, user: world.rafal.id, name: "laptop")
            #expect(secret.hasPrefix("clt_") && token.prefix == String(secret.prefix(10)))
            #expect(try await store.tokens.authenticate(secret: secret)?.id == world.rafal.id)
            #expect(try await store.tokens.authenticate(secret: secret + "x") == nil)
            let sergei = try await world.context(world.sergei)
            await #expect(throws: StoreError.self) { try await store.tokens.revoke(sergei, id: token.id) }
            try await store.tokens.revoke(rafal, id: token.id)
            #expect(try await store.tokens.authenticate(secret: secret) == nil)
        }
    }

    @Test("too many failures lock an account for a while", arguments: TestEngine.available)
    func throttling(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            for _ in 0..<LoginThrottle.maxPerAccount {
                #expect(try await !store.loginThrottle.isLocked(account: "a@example.com", address: "10.0.0.1"))
                try await store.loginThrottle.recordFailure(account: "a@example.com", address: "10.0.0.1")
            }
            #expect(try await store.loginThrottle.isLocked(account: "A@example.com", address: "10.0.0.2"))
            #expect(try await !store.loginThrottle.isLocked(account: "b@example.com", address: "10.0.0.2"))
        }
    }
}
