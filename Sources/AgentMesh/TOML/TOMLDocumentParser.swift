/// The document level of the parser: lines, `[table]` headers, key/value pairs, arrays, and
/// the TOML 1.0 rules on which table may be defined or extended where.
///
/// Policy (the same rules as Python's `tomllib`, which the toml-test corpus agrees with):
/// - A key may be assigned once. A table may be defined once by a `[header]`; a table that
///   only exists because a longer header or dotted key created it may get its header later.
/// - Dotted keys may not reach into a table defined by a header, nor into a table that dotted
///   keys created in an *earlier* section; such a table can also never get a header.
/// - Values never become tables: `a = 1` then `[a]` or `a.b = 2` is invalid.
/// - Parsing stops at the first problem; an unsupported feature is reported where its value or
///   header starts, before anything after it is looked at.
/// - Nesting (tables within tables, arrays within arrays) deeper than `maxDepth` is reported as
///   unsupported, so a hostile file cannot overflow the stack of any recursive consumer.
struct TOMLDocumentParser {
    /// A table under construction, with what the rules above need to know about it.
    final class Node {
        var keys: [String] = []
        var children: [String: Child] = [:]
        /// Each key exactly as first written (see `child(of:_:keyStart:)`).
        var spelling: [String: String] = [:]
        var definedByHeader = false
        /// The section in which dotted keys created or extended it; nil if never.
        var dottedSection: Int?
    }

    enum Child {
        case value(TOMLValue)
        case table(Node)
    }

    var cursor: TOMLCursor
    let root = Node()
    var current: Node
    var section = 0
    /// How many tables deep the current section's table is.
    var currentDepth = 0
    static let maxDepth = 128

    init(bytes: [UInt8]) {
        cursor = TOMLCursor(bytes)
        current = root
    }

    mutating func parse() throws(TOMLError) -> TOMLTable {
        try cursor.validateUTF8()
        while true {
            try cursor.skipWhitespaceCommentsAndNewlines()
            guard let b = cursor.peek() else { break }
            if b == UInt8(ascii: "[") {
                try parseHeader()
            } else {
                try parseKeyValue()
            }
            try cursor.expectLineEnd()
        }
        return TOMLDocumentParser.table(root)
    }

    // MARK: - Headers and key/value pairs

    private mutating func parseHeader() throws(TOMLError) {
        let start = cursor.pos
        if cursor.peek(1) == UInt8(ascii: "[") { throw cursor.unsupported("array of tables", at: start) }
        cursor.pos += 1
        cursor.skipWhitespace()
        let keyStart = cursor.pos
        let path = try cursor.parseKey()
        cursor.skipWhitespace()
        guard cursor.peek() == UInt8(ascii: "]") else { throw cursor.invalid("expected ] after table name") }
        cursor.pos += 1
        if path.count > TOMLDocumentParser.maxDepth { throw tooDeep(at: keyStart) }
        section += 1
        currentDepth = path.count
        var node = root
        for (i, key) in path.enumerated() {
            switch try child(of: node, key, keyStart: keyStart) {
            case .value?:
                throw cursor.invalid("key \(TOML.quoteKey(key)) is already a value", at: keyStart)
            case .table(let child)?:
                node = child
                if i == path.count - 1 {
                    if child.definedByHeader || child.dottedSection != nil {
                        throw cursor.invalid("table \(TOMLDocumentParser.dotted(path)) defined twice", at: keyStart)
                    }
                    child.definedByHeader = true
                }
            case nil:
                let child = Node()
                child.definedByHeader = i == path.count - 1
                TOMLDocumentParser.insert(.table(child), key, into: node)
                node = child
            }
        }
        current = node
    }

    private mutating func parseKeyValue() throws(TOMLError) {
        let keyStart = cursor.pos
        let path = try cursor.parseKey()
        cursor.skipWhitespace()
        guard cursor.peek() == UInt8(ascii: "=") else { throw cursor.invalid("expected = after key") }
        cursor.pos += 1
        cursor.skipWhitespace()
        if currentDepth + path.count > TOMLDocumentParser.maxDepth { throw tooDeep(at: keyStart) }
        let value = try parseValue(depth: 1)
        var node = current
        for key in path.dropLast() {
            switch try child(of: node, key, keyStart: keyStart) {
            case .value?:
                throw cursor.invalid("key \(TOML.quoteKey(key)) is already a value", at: keyStart)
            case .table(let child)?:
                if child.definedByHeader || (child.dottedSection.map { $0 != section } ?? false) {
                    throw cursor.invalid("dotted key cannot extend table \(TOML.quoteKey(key)) defined elsewhere", at: keyStart)
                }
                child.dottedSection = section
                node = child
            case nil:
                let child = Node()
                child.dottedSection = section
                TOMLDocumentParser.insert(.table(child), key, into: node)
                node = child
            }
        }
        let last = path[path.count - 1]
        if try child(of: node, last, keyStart: keyStart) != nil {
            throw cursor.invalid("duplicate key \(TOMLDocumentParser.dotted(path))", at: keyStart)
        }
        TOMLDocumentParser.insert(.value(value), last, into: node)
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(TOMLError) -> TOMLValue {
        switch cursor.peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return .string(try cursor.parseString())
        case UInt8(ascii: "["):
            if depth > TOMLDocumentParser.maxDepth { throw tooDeep(at: cursor.pos) }
            return try parseArray(depth: depth)
        case UInt8(ascii: "{"):
            throw cursor.unsupported("inline table", at: cursor.pos)
        default:
            return try cursor.parseBareValue()
        }
    }

    /// `[ v, v, ]` over any number of lines, comments allowed between elements; element types
    /// may be mixed (TOML 1.0).
    private mutating func parseArray(depth: Int) throws(TOMLError) -> TOMLValue {
        cursor.pos += 1
        var elements: [TOMLValue] = []
        while true {
            try cursor.skipWhitespaceCommentsAndNewlines()
            if cursor.peek() == UInt8(ascii: "]") { cursor.pos += 1; return .array(elements) }
            if cursor.isAtEnd { throw cursor.invalid("unterminated array") }
            elements.append(try parseValue(depth: depth + 1))
            try cursor.skipWhitespaceCommentsAndNewlines()
            switch cursor.peek() {
            case UInt8(ascii: ","): cursor.pos += 1
            case UInt8(ascii: "]"): cursor.pos += 1; return .array(elements)
            case nil: throw cursor.invalid("unterminated array")
            default: throw cursor.invalid("expected , or ] in array")
            }
        }
    }

    // MARK: - Tree helpers

    /// The child named `key`. Swift compares strings by canonical equivalence but TOML keys
    /// are compared scalar by scalar, so `"é"` and `"e\u{301}"` are two keys in TOML and one
    /// in `TOMLTable`: such a document is valid but unrepresentable, hence unsupported.
    private func child(of node: Node, _ key: String, keyStart: Int) throws(TOMLError) -> Child? {
        guard let found = node.children[key] else { return nil }
        if let spelled = node.spelling[key], !spelled.utf8.elementsEqual(key.utf8) {
            throw cursor.unsupported("keys differing only in Unicode normalization", at: keyStart)
        }
        return found
    }

    private func tooDeep(at offset: Int) -> TOMLError {
        cursor.unsupported("nesting deeper than \(TOMLDocumentParser.maxDepth) levels", at: offset)
    }

    private static func insert(_ child: Child, _ key: String, into node: Node) {
        node.keys.append(key)
        node.spelling[key] = key
        node.children[key] = child
    }

    private static func dotted(_ path: [String]) -> String {
        path.map(TOML.quoteKey).joined(separator: ".")
    }

    /// The finished tree as public values, in insertion order.
    private static func table(_ node: Node) -> TOMLTable {
        var result = TOMLTable()
        for key in node.keys {
            switch node.children[key]! {
            case .value(let v): result[key] = v
            case .table(let child): result[key] = .table(table(child))
            }
        }
        return result
    }
}
