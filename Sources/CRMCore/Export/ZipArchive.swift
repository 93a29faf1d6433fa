public import Foundation

/// A ZIP archive of files stored as they are (no compression), as every unzip tool and spreadsheet program
/// reads it: a full export hands over several CSV files in one download.
public struct ZipArchive: Sendable {
    private var body = Data()
    private var directory = Data()
    private var count: UInt16 = 0

    public init() {}

    /// Adds a file; `modified` is written as the archive's date for it (in UTC).
    public mutating func add(_ name: String, _ data: Data, modified: Date = Date()) {
        let nameBytes = Data(name.utf8)
        let crc = Self.crc32(data)
        let (time, day) = Self.dosDateTime(modified)
        let offset = UInt32(body.count)
        var local = Data()
        local.append(le32: 0x0403_4B50)
        local.append(le16: 20)
        local.append(le16: 0x0800)  // names are UTF-8
        local.append(le16: 0)  // stored
        local.append(le16: time)
        local.append(le16: day)
        local.append(le32: crc)
        local.append(le32: UInt32(data.count))
        local.append(le32: UInt32(data.count))
        local.append(le16: UInt16(nameBytes.count))
        local.append(le16: 0)
        body.append(local)
        body.append(nameBytes)
        body.append(data)

        directory.append(le32: 0x0201_4B50)
        directory.append(le16: 20)
        directory.append(le16: 20)
        directory.append(le16: 0x0800)
        directory.append(le16: 0)
        directory.append(le16: time)
        directory.append(le16: day)
        directory.append(le32: crc)
        directory.append(le32: UInt32(data.count))
        directory.append(le32: UInt32(data.count))
        directory.append(le16: UInt16(nameBytes.count))
        directory.append(le16: 0)
        directory.append(le16: 0)
        directory.append(le16: 0)
        directory.append(le16: 0)
        directory.append(le32: 0)
        directory.append(le32: offset)
        directory.append(nameBytes)
        count += 1
    }

    /// The archive's bytes.
    public var data: Data {
        var end = Data()
        end.append(le32: 0x0605_4B50)
        end.append(le16: 0)
        end.append(le16: 0)
        end.append(le16: count)
        end.append(le16: count)
        end.append(le32: UInt32(directory.count))
        end.append(le32: UInt32(body.count))
        end.append(le16: 0)
        return body + directory + end
    }

    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    public static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static func dosDateTime(_ date: Date) -> (time: UInt16, day: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let time = UInt16(parts.hour! << 11 | parts.minute! << 5 | parts.second! / 2)
        let day = UInt16(max(0, parts.year! - 1980) << 9 | parts.month! << 5 | parts.day!)
        return (time, day)
    }
}

extension Data {
    fileprivate mutating func append(le16 value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    fileprivate mutating func append(le32 value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
