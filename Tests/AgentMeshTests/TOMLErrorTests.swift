@testable import AgentMesh
import Testing

/// What the parser rejects, whether as invalid or as unsupported, and where it says so.
@Suite("TOML parser rejects invalid and unsupported input")
struct TOMLErrorTests {
    private func error(_ text: String) -> TOMLError? {
        error(bytes: Array(text.utf8))
    }

    private func error(bytes: [UInt8]) -> TOMLError? {
        do {
            _ = try TOML.parse(bytes: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("unsupported features are named and located where the value or header starts", arguments: [
        ("a = 1.5", "float", 1, 5),
        ("a = 1e3", "float", 1, 5),
        ("x = 1\n  b = -inf", "float", 2, 7),
        ("b = nan", "float", 1, 5),
        ("d = 1979-05-27", "local date", 1, 5),
        ("d = 07:32:00", "local time", 1, 5),
        ("d = 1979-05-27T07:32:00", "local date-time", 1, 5),
        ("d = 1979-05-27 07:32:00Z", "offset date-time", 1, 5),
        ("\"é\" = 1\n\"ü\" = { x = 1 }", "inline table", 2, 7),
        ("a = [1, [2.0]]", "float", 1, 10),
        ("\n\n[[fruit]]", "array of tables", 3, 1),
        ("\"caf\u{E9}\" = 1\n\"cafe\u{301}\" = 2", "keys differing only in Unicode normalization", 2, 1),
        ("[\"\u{E9}\"]\n[\"e\u{301}\".x]", "keys differing only in Unicode normalization", 2, 2),
    ])
    func unsupported(text: String, feature: String, line: Int, column: Int) throws {
        let e = try #require(error(text))
        #expect(e.isUnsupported)
        #expect(e.reason == feature)
        #expect(e.line == line && e.column == column, "\(e)")
        #expect(e.description == "unsupported \(feature) at \(line):\(column)")
    }

    @Test("malformed floats and dates are invalid, not unsupported", arguments: [
        "a = 1.", "a = .5", "a = 1.e5", "a = 01.5", "a = 1e", "a = 1__0.0", "a = infinity",
        "d = 2021-13-01", "d = 2021-02-29", "d = 2021-01-01T25:00:00", "d = 12:60:00", "d = 17:45",
        "d = 2021-01-01T00:00:00+25:00", "d = 1979-05-27T",
    ])
    func malformedLookalikes(text: String) throws {
        let e = try #require(error(text))
        #expect(!e.isUnsupported, "\(e)")
    }

    @Test("invalid documents are rejected", arguments: [
        "a = 1\na = 2",                      // duplicate key
        "[t]\n[t]",                          // table defined twice
        "a.b = 1\n[a]",                      // dotted-defined table gets a header
        "[a]\nb.c = 1\n[a.b]",               // same, inside a section
        "[a.b]\n[a]\nb.x = 1",               // dotted key into a header-defined table
        "a = 1\n[a]",                        // value redefined as table
        "a = 1\na.b = 2",                    // value extended by dotted key
        "a = [1]\n[a.b]",                    // array extended by header
        "a = 0123", "a = 1_", "a = _1", "a = 1__2", "a = +0x10", "a = 0X10", "a = 0x",
        "a = 9223372036854775808", "a = -9223372036854775809", "a = 0xFFFFFFFFFFFFFFFFF",
        "a = 0b102", "a = 0o8",
        #"a = "\e""#, #"a = "\x41""#, #"a = "\uD800""#, #"a = "\U00110000""#, #"a = "\u12""#,
        "a = \"tab\u{01}\"", "a = 'del\u{7F}'", "# comment \u{7F}", "a = \"\"\"x\u{0B}\"\"\"",
        "a = \"x", "a = 'x\ny'", "a = \"\"\"x", "a = '''x''''''",
        "a = 1 b = 2", "a = 1,", "a", "a =", "= 1", "[a", "[a]x", "[]", "a = [1 2]", "a = [,]",
        "a = [1,,]", "a = [1", "\"\"\"k\"\"\" = 1", "a.'' .= 1", "a = truex", "a = TRUE",
        "a = 1\rb = 2", "a = \"\"\"x\ry\"\"\"",
    ])
    func invalid(text: String) throws {
        let e = try #require(error(text), "accepted: \(text.debugDescription)")
        #expect(!e.isUnsupported, "\(e)")
    }

    @Test("invalid UTF-8 is rejected from bytes, with its position", arguments: [
        [0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22],          // stray byte
        [0x61, 0x20, 0x3D, 0x20, 0x22, 0xC0, 0xAF, 0x22],    // overlong
        [0x61, 0x20, 0x3D, 0x20, 0x22, 0xED, 0xA0, 0x80, 0x22], // surrogate
        [0x61, 0x20, 0x3D, 0x20, 0x22, 0xE2, 0x82, 0x22],    // truncated
    ] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) throws {
        let e = try #require(error(bytes: bytes))
        #expect(!e.isUnsupported)
        #expect(e.reason == "invalid UTF-8")
        #expect(e.line == 1 && e.column == 6)
    }

    @Test("nesting beyond 128 levels is unsupported, not a stack overflow")
    func depthLimit() throws {
        let okArray = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        _ = try TOML.parse("a = " + okArray)
        let deepArray = try #require(error("a = " + String(repeating: "[", count: 100_000)))
        #expect(deepArray.isUnsupported && deepArray.column == 133, "\(deepArray)")
        let path = Array(repeating: "k", count: 129).joined(separator: ".")
        let deepHeader = try #require(error("[" + path + "]"))
        #expect(deepHeader.isUnsupported && deepHeader.column == 2, "\(deepHeader)")
        let deepKey = try #require(error("[" + Array(repeating: "k", count: 100).joined(separator: ".") + "]\n"
                                         + Array(repeating: "k", count: 29).joined(separator: ".") + " = 1"))
        #expect(deepKey.isUnsupported && deepKey.line == 2 && deepKey.column == 1, "\(deepKey)")
    }

    @Test("positions: 1-based lines, columns in Unicode scalars, the offending spot")
    func positions() throws {
        let dup = try #require(error("a = 1\n\n  a = 2"))
        #expect(dup.line == 3 && dup.column == 3)
        #expect(dup.description == "3:3: duplicate key a")
        let escape = try #require(error("k = \"é👍\\q\""))
        #expect(escape.line == 1 && escape.column == 8, "\(escape)")
        let crlf = try #require(error("a = 1\r\nb = @"))
        #expect(crlf.line == 2 && crlf.column == 5, "\(crlf)")
        let twice = try #require(error("[x]\n[ x ]"))
        #expect(twice.line == 2 && twice.column == 3, "\(twice)")
    }
}
