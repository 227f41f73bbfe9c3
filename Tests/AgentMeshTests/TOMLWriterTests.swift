@testable import AgentMesh
import Testing

/// The writer's exact layout, and that hostile content survives a round trip through our parser
/// and through Python's `tomllib`.
@Suite("TOML writer emits valid, stable, greppable TOML")
struct TOMLWriterTests {
    /// Strings meant to break a careless writer or a shell reader.
    static let hostile: [String] = [
        "", "plain", "say \"hi\"", #"back\slash\"#, #"\""#, "]", "[x]", "# not a comment", "a;b",
        "$(rm -rf ~)", "`id`", "line1\nline2", "cr\r\nlf", "\ttab", "nul\u{0}byte", "del\u{7F}",
        "bell\u{07}esc\u{1B}us\u{1F}", "\u{08}\u{0C}", "'single'", "'''", "\"\"\"", "é combining e\u{301}",
        "emoji 😀", "family 👩‍👩‍👧‍👦 zwj", "flag 🇫🇷", "\u{FEFF}bom", "\u{2028}sep", "\u{10FFFF}",
    ]

    static let hostileKeys: [String] = [
        "a.b", "x y", "\"", "", "'", "#", "=", "[t]", "new\nline", "tab\t", "é", "😀", "-", "_", "123",
    ]

    /// A registry-like table with every hostile string as a key, a value and a section name.
    static func hostileTable() -> TOMLTable {
        var t = TOMLTable()
        t["host"] = .string("build-1")
        t["port"] = .integer(-9_223_372_036_854_775_808)
        t["on"] = .bool(true)
        t["list"] = .array(hostile.map(TOMLValue.string) + [.integer(7), .array([]), .bool(false)])
        for (i, s) in hostile.enumerated() { t["s\(i)"] = .string(s) }
        for key in hostileKeys {
            var inner = TOMLTable()
            inner[key] = .string(key)
            inner["nested"] = .table(TOMLTable([(key, .integer(1))]))
            t[key.isEmpty ? "empty" : key] = .string(key)
            t["k" + key] = .table(inner)
        }
        t["only-tables"] = .table(TOMLTable([("child", .table(TOMLTable([("v", .integer(2))])))]))
        t["empty-table"] = .table(TOMLTable())
        return t
    }

    @Test("layout: comments, top-level pairs first, sections in order, key = value spacing")
    func layout() {
        var agents = TOMLTable()
        agents["host"] = .string("box")
        agents["ids"] = .array([.integer(1), .integer(2)])
        var root = TOMLTable()
        root["servers"] = .table(TOMLTable([("alpha", .table(agents)), ("beta", .table(TOMLTable()))]))
        root["version"] = .integer(1)
        root["debug"] = .bool(false)
        let text = TOML.write(root, headerComments: ["generated", "do not\nedit"])
        #expect(text == """
        # generated
        # do not edit
        version = 1
        debug = false

        [servers.alpha]
        host = "box"
        ids = [1, 2]

        [servers.beta]

        """)
    }

    @Test("quoting: bare keys only for [A-Za-z0-9_-]+, control characters escaped")
    func quoting() {
        #expect(TOML.quoteKey("agent-1_x") == "agent-1_x")
        #expect(TOML.quoteKey("a.b") == #""a.b""#)
        #expect(TOML.quoteKey("") == #""""#)
        #expect(TOML.quoteKey("é") == #""é""#)
        #expect(TOML.quoteString("q\"b\\n\n\t\r\u{8}\u{c}\u{0}\u{1f}\u{7f}é") ==
                #""q\"b\\n\n\t\r\b\f\u0000\u001F\u007Fé""#)
        #expect(TOML.write(TOMLTable()) == "")
    }

    @Test("hostile keys and strings read back identically with our parser")
    func roundTripOwnParser() throws {
        let table = Self.hostileTable()
        let text = TOML.write(table, headerComments: ["hostile\r\n[x] = 1", "\u{0}"])
        let back = try TOML.parse(text)
        #expect(Tagged(back) == Tagged(table))
        // Order is kept, except that tables follow all plain values (they must, in TOML).
        let plainFirst = table.keys.filter { table[$0]?.table == nil } + table.keys.filter { table[$0]?.table != nil }
        #expect(back.keys == plainFirst)
        #expect(text.contains("\nhost = \"build-1\"\n"))
    }

    @Test("hostile keys and strings read back identically with Python's tomllib")
    func roundTripPython() throws {
        if let reason = TOMLTestSupport.pythonUnavailableReason() {
            print("skipping: \(reason)")
            return
        }
        let table = Self.hostileTable()
        let text = TOML.write(table, headerComments: ["hostile # comment\nx = 1"])
        switch TOMLTestSupport.pythonDecode(text) {
        case .success(let decoded):
            #expect(decoded == Tagged(table), "tomllib read:\n\(decoded)\nfrom:\n\(text)")
        case .failure(let failure):
            Issue.record("\(failure.message)\nfor:\n\(text)")
        }
    }

    @Test("the tomllib comparison notices a difference (guards the round-trip tests)")
    func pythonComparisonIsSensitive() throws {
        if let reason = TOMLTestSupport.pythonUnavailableReason() {
            print("skipping: \(reason)")
            return
        }
        let decoded = try TOMLTestSupport.pythonDecode("a = \"e\\u0301\"\nn = 1").get()
        #expect(decoded == Tagged(TOMLTable([("a", .string("e\u{301}")), ("n", .integer(1))])))
        #expect(decoded != Tagged(TOMLTable([("a", .string("\u{E9}")), ("n", .integer(1))])))
        #expect(decoded != Tagged(TOMLTable([("a", .string("e\u{301}")), ("n", .string("1"))])))
    }

    @Test("every single hostile string round-trips through tomllib on its own")
    func eachStringThroughPython() throws {
        if let reason = TOMLTestSupport.pythonUnavailableReason() {
            print("skipping: \(reason)")
            return
        }
        // One document per string keeps a failure's report small; one python run for all.
        var table = TOMLTable()
        for (i, s) in Self.hostile.enumerated() { table["t\(i)"] = .table(TOMLTable([(s.isEmpty ? "e" : s, .string(s))])) }
        let text = TOML.write(table)
        guard case .success(let decoded) = TOMLTestSupport.pythonDecode(text) else {
            Issue.record("tomllib rejected:\n\(text)"); return
        }
        guard case .table(let got) = decoded, case .table(let want) = Tagged(table) else {
            Issue.record("not a table"); return
        }
        for (key, value) in want {
            #expect(got[key] == value, "\(String(decoding: key, as: UTF8.self)): \(String(describing: got[key]))")
        }
    }
}
