import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small element tree read with namespaces resolved, each element with its line, so readers of XML formats
/// (BPMN) can walk it and name the line in their errors.
struct XMLTree {
    struct Element {
        let namespace: String
        let name: String
        let attributes: [String: String]
        let line: Int
        var children: [Element] = []
        var text: String = ""

        /// An attribute by its local name, whatever prefix the file bound its namespace to.
        func attribute(_ local: String) -> String? {
            if let value = attributes[local] { return value }
            return attributes.first { $0.key.split(separator: ":").last.map(String.init) == local }?.value
        }

        func children(_ namespace: String, _ name: String) -> [Element] {
            children.filter { $0.namespace == namespace && $0.name == name }
        }

        func child(_ namespace: String, _ name: String) -> Element? {
            children.first { $0.namespace == namespace && $0.name == name }
        }

        var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    let root: Element

    /// Parses `data`; a malformed document is refused with the parser's line and reason.
    init(data: Data) throws(ValidationError) {
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        guard ok, let root = builder.root else {
            let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "the document is empty"
            throw ValidationError(
                field: "line \(parser.lineNumber)",
                code: "invalid_xml",
                message: "line \(parser.lineNumber): not well-formed XML (\(reason))"
            )
        }
        self.root = root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var root: Element?

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            stack.append(Element(namespace: namespaceURI ?? "", name: elementName, attributes: attributes, line: parser.lineNumber))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !stack.isEmpty, let string = String(data: CDATABlock, encoding: .utf8) else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }
    }
}
