/// Reading and writing the TOML subset agent-mesh uses for its registry files.
///
/// Reading (policy):
/// - Everything TOML 1.0 calls valid either decodes exactly or is rejected with
///   `isUnsupported == true`: floats (also `inf`/`nan`), dates and times, inline tables and
///   arrays of tables, nesting deeper than 128 levels, and keys that differ only in Unicode
///   normalization (`TOMLTable`'s `String` keys cannot tell them apart). Never decoded
///   approximately.
/// - Everything TOML 1.0 calls invalid is rejected (`isUnsupported == false` unless an
///   unsupported feature came first in the file).
/// - Errors carry a 1-based line and a 1-based column counted in Unicode scalars.
///
/// Writing (policy): see `write(_:headerComments:)`; output is always valid TOML 1.0 that this
/// parser and Python's `tomllib` read back as the same table.
public enum TOML {
    /// Parses a document. A Swift `String` is already valid Unicode; to reject invalid UTF-8
    /// in a file, read it as bytes and use `parse(bytes:)`.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses a document from its raw bytes, rejecting invalid UTF-8 (a file read with
    /// `FileSystem.read`, before any lossy decoding).
    public static func parse(bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
        var parser = TOMLDocumentParser(bytes: bytes)
        return try parser.parse()
    }

    /// Serialises a table as described in `TOMLWriter`.
    public static func write(_ table: TOMLTable, headerComments: [String] = []) -> String {
        TOMLWriter.write(table, headerComments: headerComments)
    }

    /// `key` as written in a document: bare when it is a non-empty run of `A-Za-z0-9_-`,
    /// otherwise a basic string (`"a.b"`, `"x y"`, `""`).
    public static func quoteKey(_ key: String) -> String {
        if !key.isEmpty, key.utf8.allSatisfy(TOMLCursor.isBareKeyByte) { return key }
        return quoteString(key)
    }

    /// `s` as a TOML basic string: `"` and `\` escaped, every control character (U+0000–U+001F,
    /// U+007F) escaped (`\b \t \n \f \r` where TOML has a short form, `\u00XX` otherwise), all
    /// other characters (emoji and other non-ASCII included) kept as they are.
    public static func quoteString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}
