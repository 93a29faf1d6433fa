import CRMCore
import CRMTestSupport
import Foundation
import Testing

@testable import CRMStore

@Suite("Two-factor sign-in")
struct TwoFactorTests {
    /// RFC 6238, appendix B: the SHA-1 key and two of its times, cut to six digits.
    @Test("codes are RFC 6238's, within one step of the clock")
    func rfcVectors() {
        let key = "12345678901234567890"
        #expect(TwoFactorStore.matchingStep("287082", secret: key, at: Timestamp(rawValue: 59_000), after: 0) == 1)
        #expect(TwoFactorStore.matchingStep("081804", secret: key, at: Timestamp(rawValue: 1_111_111_109_000), after: 0) == 37_037_036)
        #expect(TwoFactorStore.matchingStep("081804", secret: key, at: Timestamp(rawValue: 1_111_111_109_000 + 30_000), after: 0) == 37_037_036)
        #expect(TwoFactorStore.matchingStep("081804", secret: key, at: Timestamp(rawValue: 1_111_111_109_000 + 90_000), after: 0) == nil)
        #expect(TwoFactorStore.matchingStep("081804", secret: key, at: Timestamp(rawValue: 1_111_111_109_000), after: 37_037_036) == nil)
        #expect(TwoFactorStore.base32(Array(key.utf8)) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    }

    @Test("a code is used once, a recovery code once, and a wrong one never", arguments: TestEngine.available)
    func singleUse(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let user = world.rafal
            let enrollment = try await store.twoFactor.begin(user)
            let secret = String(decoding: try #require(Self.decodeBase32(enrollment.key.replacingOccurrences(of: " ", with: ""))), as: UTF8.self)
            let now = Timestamp.now
            func code(_ offset: Int64) -> String { TwoFactorStore.code(secret: secret, step: now.rawValue / 1000 / 30 + offset) }
            await #expect(throws: StoreError.self) { try await store.twoFactor.confirm(user, code: "12345", at: now) }
            let recovery = try await store.twoFactor.confirm(user, code: code(0), at: now)
            #expect(recovery.count == 10)
            #expect(try await store.twoFactor.status(user).enabled)
            #expect(try await !store.twoFactor.verify(user, code: code(0), at: now), "the code that turned it on was accepted again")
            #expect(try await store.twoFactor.verify(user, code: code(1), at: now))
            #expect(try await !store.twoFactor.verify(user, code: code(1), at: now))
            #expect(try await store.twoFactor.verify(user, code: recovery[3].uppercased(), at: now))
            #expect(try await !store.twoFactor.verify(user, code: recovery[3], at: now))
            #expect(try await store.twoFactor.status(user).recoveryCodesLeft == 9)
            try await store.twoFactor.setRequiredRoles(World.system, [.salesRep])
            await #expect(throws: StoreError.self) { try await store.twoFactor.disable(user, code: recovery[4], at: now) }
            await #expect(throws: StoreError.self) { try await store.twoFactor.setRequiredRoles(try await world.context(world.rafal), []) }
            // A lost phone and lost codes: only an administrator turns it off, and the user is signed out everywhere.
            let session = try await store.sessions.create(for: user, address: "127.0.0.1", userAgent: "test")
            #expect(try await store.twoFactor.enabledUsers() == [user.id])
            await #expect(throws: StoreError.self) { try await store.twoFactor.reset(try await world.context(world.maria), user.id) }
            try await store.twoFactor.reset(World.system, user.id)
            #expect(try await !store.twoFactor.status(user).enabled)
            #expect(try await store.sessions.resolve(token: session.token) == nil)
        }
    }

    static func decodeBase32(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }
}
