/// Serialises a `TOMLTable` as a TOML 1.0 document.
///
/// Policy:
/// - `headerComments` come first, one `# …` line each; newlines and other control characters
///   in them become spaces so a comment can never end early and start a key.
/// - Then the top-level keys whose values are not tables, in insertion order, then each table
///   as a `[dotted.header]` section, depth first, in insertion order. A table gets a header
///   only if it has non-table keys or is empty (an empty table would otherwise vanish); a table
///   holding only tables is created implicitly by its children's headers.
/// - Pairs are written `key = value`, one space each side of `=`: line-oriented shell readers
///   grep for `host = "..."`. Keys and strings are quoted by `TOML.quoteKey`/`quoteString`.
/// - Arrays are inline, `[a, b]`. A table inside an array (the type allows it, the registry
///   never uses it) is written as an inline table `{ k = v }`: valid TOML that this parser
///   reports as unsupported, rather than output that is silently wrong.
/// - Sections are separated by one blank line; the document ends with a newline.
enum TOMLWriter {
    static func write(_ table: TOMLTable, headerComments: [String]) -> String {
        var lines: [String] = headerComments.map(comment)
        for (key, value) in table.entries where value.table == nil {
            lines.append(pair(key, value))
        }
        var sections: [[String]] = []
        for (key, value) in table.entries {
            if case .table(let child) = value { writeTable(child, path: [key], into: &sections) }
        }
        for section in sections {
            if !lines.isEmpty { lines.append("") }
            lines.append(contentsOf: section)
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    private static func writeTable(_ table: TOMLTable, path: [String], into sections: inout [[String]]) {
        let plain = table.entries.filter { $0.value.table == nil }
        if !plain.isEmpty || table.isEmpty {
            var section = ["[" + path.map(TOML.quoteKey).joined(separator: ".") + "]"]
            for (key, value) in plain { section.append(pair(key, value)) }
            sections.append(section)
        }
        for (key, value) in table.entries {
            if case .table(let child) = value { writeTable(child, path: path + [key], into: &sections) }
        }
    }

    private static func pair(_ key: String, _ value: TOMLValue) -> String {
        TOML.quoteKey(key) + " = " + format(value)
    }

    static func format(_ value: TOMLValue) -> String {
        switch value {
        case .string(let s): return TOML.quoteString(s)
        case .integer(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .array(let elements): return "[" + elements.map(format).joined(separator: ", ") + "]"
        case .table(let t):
            if t.isEmpty { return "{}" }
            return "{ " + t.entries.map { pair($0.key, $0.value) }.joined(separator: ", ") + " }"
        }
    }

    private static func comment(_ text: String) -> String {
        var clean = ""
        for scalar in text.unicodeScalars {
            let isControl = (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
            clean.unicodeScalars.append(isControl ? " " : scalar)
        }
        return clean.isEmpty ? "#" : "# " + clean
    }
}
