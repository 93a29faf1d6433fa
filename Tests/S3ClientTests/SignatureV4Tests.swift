import Foundation
import Testing

@testable import S3Client

@Suite("Signature V4")
struct SignatureV4Tests {
    /// AWS's own worked example ("Example: GET Object", Amazon S3 API reference, Signature Version 4 header-based
    /// authentication), with its published signature.
    @Test("signs AWS's published GET example to AWS's published signature")
    func awsExample() throws {
        let signer = SignatureV4(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
        let date = try #require(ISO8601DateFormatter().date(from: "2013-05-24T00:00:00Z"))
        let headers = signer.sign(
            method: "GET",
            path: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
            payloadHash: SignatureV4.emptyPayloadHash,
            date: date
        )
        let authorization = try #require(headers.first { $0.0 == "Authorization" }?.1)
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
        #expect(headers.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test("keys in any script are percent-encoded as S3 expects, slashes kept in paths")
    func encoding() {
        #expect(SignatureV4.encode("files/ab cd+ł~", keepSlash: true) == "files/ab%20cd%2B%C5%82~")
        #expect(SignatureV4.encode("a/b") == "a%2Fb")
    }

    @Test("reads the code and message out of an S3 error document")
    func errorDocument() {
        let error = S3Error.parse(
            status: 403,
            body:
                "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>"
        )
        #expect(error.code == "SignatureDoesNotMatch" && error.message.hasPrefix("The request signature"))
    }
}
