import Foundation

/// A PDF's text through poppler's `pdftotext`, which reads the fonts' Unicode maps that a small reader of our
/// own would get wrong for Cyrillic and Polish. Without poppler installed, PDFs are simply not searched by content.
enum PDFText {
    static let candidates = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"]
    static let timeout: TimeInterval = 30

    static func read(_ url: URL) -> String? {
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-q", "-enc", "UTF-8", "-l", "200", url.path, "-"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // A hostile PDF can keep pdftotext busy; stop it rather than hold a worker.
        let deadline = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: deadline)
        var data = Data()
        while let chunk = try? output.fileHandleForReading.read(upToCount: 1 << 16), !chunk.isEmpty {
            if data.count < DocumentText.maxCharacters * 4 { data.append(chunk) }
        }
        process.waitUntilExit()
        deadline.cancel()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
