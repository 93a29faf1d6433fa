import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// Random tokens, their digests, and password hashing.
///
/// Session ids and API tokens are stored only as SHA-256 digests: a copy of the database does not let anyone sign in.
/// Tokens carry 256 random bits, so a fast digest is enough; passwords are low-entropy and get bcrypt.
public enum Secrets {
    public static func randomToken(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
            of: "=",
            with: ""
        )
    }

    /// Compares secrets without an early exit, so timing does not reveal how much of a guess was right.
    public static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    public static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// bcrypt is deliberately slow; it runs on the blocking thread pool so it never stalls an event loop.
    static func hashPassword(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A valid hash of a random password, verified against when the account does not exist, so that the time a
    /// failed login takes does not reveal which e-mail addresses have accounts.
    static let decoyHash = Bcrypt.hash(randomToken(), cost: 10)
}
