/// The TOML subset agent-mesh reads and writes: strings, integers, booleans, arrays of those,
/// and tables. Anything else in a document (floats, dates, inline tables, arrays of tables)
/// is rejected by the parser as unsupported, never decoded wrongly.
public enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var integer: Int64? { if case .integer(let i) = self { return i }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var array: [TOMLValue]? { if case .array(let a) = self { return a }; return nil }
    public var table: TOMLTable? { if case .table(let t) = self { return t }; return nil }
}

/// A TOML table that keeps keys in insertion order (so written files are stable and
/// readable), with dictionary-speed lookup.
public struct TOMLTable: Equatable, Sendable {
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    public init() {}

    public init(_ pairs: [(String, TOMLValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Setting nil removes the key.
    public subscript(key: String) -> TOMLValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Key/value pairs in insertion order.
    public var entries: [(key: String, value: TOMLValue)] { keys.map { ($0, values[$0]!) } }

    public static func == (a: TOMLTable, b: TOMLTable) -> Bool {
        // Equality ignores order: two documents that decode the same are equal.
        a.values == b.values
    }
}

/// Why a document was rejected, with the 1-based line and column where it went wrong.
/// `isUnsupported` separates "valid TOML we deliberately do not handle" from "invalid TOML".
public struct TOMLError: Error, Equatable, CustomStringConvertible, Sendable {
    public let line: Int
    public let column: Int
    public let reason: String
    public let isUnsupported: Bool

    public init(line: Int, column: Int, reason: String, isUnsupported: Bool = false) {
        self.line = line
        self.column = column
        self.reason = reason
        self.isUnsupported = isUnsupported
    }

    /// Unsupported features read `unsupported <feature> at line:col`; invalid input reads
    /// `line:col: <reason>`. Prefix a file name for `file:line:col`.
    public var description: String {
        isUnsupported ? "unsupported \(reason) at \(line):\(column)" : "\(line):\(column): \(reason)"
    }
}
