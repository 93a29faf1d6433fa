import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// A `multipart/form-data` body read as it arrives: its text fields kept, its one file streamed into staging,
/// so a 100 MB upload never sits in memory.
struct MultipartUpload {
    var fields: [String: String] = [:]
    var file: (name: String, staged: StagedFile)?

    /// Most bytes of text fields and part headers together: forms around a file are small.
    static let textLimit = 64 << 10

    static func read(_ body: RequestBody, contentType: String, staging: FileStaging) async throws -> MultipartUpload {
        guard let boundary = MultipartForm.boundary(contentType), boundary.utf8.count <= 200 else {
            throw APIError.badRequest("malformed_multipart", "the multipart body names no boundary")
        }
        var parser = Parser(delimiter: Array("\r\n--\(boundary)".utf8))
        var result = MultipartUpload()
        var upload: StagedUpload?
        var uploadName = ""
        do {
            // The first delimiter is not preceded by a line break; pretend it is, so every delimiter looks alike.
            try await parser.feed([13, 10], into: &result, upload: &upload, uploadName: &uploadName, staging: staging)
            for try await buffer in body {
                try await parser.feed(Array(buffer.readableBytesView), into: &result, upload: &upload, uploadName: &uploadName, staging: staging)
            }
            guard parser.state == .done else {
                throw APIError.badRequest("malformed_multipart", "the multipart body ended before its closing boundary")
            }
        } catch {
            await upload?.discard()
            result.file?.staged.discard()
            throw error
        }
        return result
    }

    /// The state machine over the bytes: preamble, part headers, part content, epilogue.
    struct Parser {
        enum State: Equatable { case preamble, afterDelimiter, headers, content, done }
        let delimiter: [UInt8]
        var state = State.preamble
        var pending: [UInt8] = []
        var textBytes = 0
        var partName = ""
        var isFile = false
        var fieldBytes: [UInt8] = []

        init(delimiter: [UInt8]) { self.delimiter = delimiter }

        mutating func feed(
            _ bytes: [UInt8],
            into result: inout MultipartUpload,
            upload: inout StagedUpload?,
            uploadName: inout String,
            staging: FileStaging
        ) async throws {
            pending += bytes
            var progress = true
            while progress {
                progress = false
                switch state {
                case .done:
                    pending.removeAll()
                case .preamble:
                    if let at = find(delimiter, in: pending) {
                        pending.removeFirst(at + delimiter.count)
                        state = .afterDelimiter
                        progress = true
                    } else if pending.count > delimiter.count {
                        pending.removeFirst(pending.count - delimiter.count)
                    }
                case .afterDelimiter:
                    guard pending.count >= 2 else { break }
                    if pending[0] == UInt8(ascii: "-") && pending[1] == UInt8(ascii: "-") {
                        state = .done
                    } else if let end = find([13, 10], in: pending) {
                        // Transport padding (spaces) may follow a delimiter before its line break.
                        pending.removeFirst(end + 2)
                        state = .headers
                    } else if pending.count > 256 {
                        throw APIError.badRequest("malformed_multipart", "a boundary is followed by garbage")
                    } else {
                        break
                    }
                    progress = true
                case .headers:
                    guard let end = find([13, 10, 13, 10], in: pending) else {
                        if pending.count > 16 << 10 { throw APIError.badRequest("malformed_multipart", "a part's headers are too long") }
                        break
                    }
                    let head = String(decoding: pending[..<end], as: UTF8.self)
                    pending.removeFirst(end + 4)
                    textBytes += end
                    try startPart(head)
                    if isFile {
                        guard upload == nil, result.file == nil else {
                            throw APIError.badRequest("one_file", "send one file per request")
                        }
                        upload = try await staging.begin()
                        uploadName = MultipartForm.parameter("filename", in: head) ?? ""
                    }
                    state = .content
                    progress = true
                case .content:
                    if let at = find(delimiter, in: pending) {
                        try await emit(Array(pending[..<at]), upload: upload)
                        pending.removeFirst(at + delimiter.count)
                        if isFile, let finished = upload {
                            result.file = (uploadName, try await finished.finish())
                            upload = nil
                        } else {
                            result.fields[partName] = String(decoding: fieldBytes, as: UTF8.self)
                        }
                        state = .afterDelimiter
                        progress = true
                    } else if pending.count > delimiter.count {
                        // Everything but a tail that could be the start of the delimiter is content.
                        let keep = delimiter.count - 1
                        try await emit(Array(pending[..<(pending.count - keep)]), upload: upload)
                        pending.removeFirst(pending.count - keep)
                    }
                }
            }
        }

        private mutating func startPart(_ head: String) throws {
            let disposition = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition:") }.map(String.init) ?? ""
            guard let name = MultipartForm.parameter("name", in: disposition) else {
                throw APIError.badRequest("malformed_multipart", "a part has no name")
            }
            partName = name
            isFile = disposition.contains("filename=\"") || disposition.contains("filename*=")
            fieldBytes = []
        }

        private mutating func emit(_ bytes: [UInt8], upload: StagedUpload?) async throws {
            guard !bytes.isEmpty else { return }
            if isFile, let upload {
                try await upload.append(ByteBuffer(bytes: bytes))
            } else {
                textBytes += bytes.count
                guard textBytes <= MultipartUpload.textLimit else {
                    throw APIError(.contentTooLarge, code: "body_too_large", detail: "the form's text fields are too long")
                }
                fieldBytes += bytes
            }
        }

        /// The first position of `needle` in `haystack`.
        func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
            guard let first = needle.first, haystack.count >= needle.count else { return nil }
            var index = 0
            let last = haystack.count - needle.count
            return haystack.withUnsafeBufferPointer { hay in
                needle.withUnsafeBufferPointer { pin in
                    while index <= last {
                        guard let found = hay[index...last].firstIndex(of: first) else { return nil }
                        if memcmp(hay.baseAddress! + found, pin.baseAddress!, pin.count) == 0 { return found }
                        index = found + 1
                    }
                    return nil
                }
            }
        }
    }
}
