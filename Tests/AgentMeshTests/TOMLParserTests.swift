@testable import AgentMesh
import Testing

/// What the parser accepts and how it decodes it, one TOML feature at a time.
@Suite("TOML parser decodes the supported subset")
struct TOMLParserTests {
    private func parse(_ text: String) throws -> TOMLTable { try TOML.parse(text) }

    @Test("comments, blank lines, CRLF and a missing final newline are accepted")
    func layout() throws {
        let t = try parse("# top\r\n\r\na = 1 # trailing\r\n  # indented\nb = 2")
        #expect(t["a"] == .integer(1))
        #expect(t["b"] == .integer(2))
        #expect(t.keys == ["a", "b"])
    }

    @Test("bare, quoted, literal, empty and dotted keys, with whitespace around dots")
    func keys() throws {
        let t = try parse(#"""
        bare-key_1 = 1
        "quoted key" = 2
        'lit"key' = 3
        "" = 4
        a . "b.c" . 'd' = 5
        1234 = 6
        """#)
        #expect(t["bare-key_1"] == .integer(1))
        #expect(t["quoted key"] == .integer(2))
        #expect(t["lit\"key"] == .integer(3))
        #expect(t[""] == .integer(4))
        #expect(t["a"]?.table?["b.c"]?.table?["d"] == .integer(5))
        #expect(t["1234"] == .integer(6))
    }

    @Test("table headers: dotted, quoted, spaced, implicit parents defined later")
    func headers() throws {
        let t = try parse("""
        [ a . "x y" ]
        k = "v"
        [a]
        n = 1
        ['lit'.b]
        [empty]
        """)
        #expect(t["a"]?.table?["x y"]?.table?["k"] == .string("v"))
        #expect(t["a"]?.table?["n"] == .integer(1))
        #expect(t["lit"]?.table?["b"] == .table(TOMLTable()))
        #expect(t["empty"] == .table(TOMLTable()))
        #expect(t["a"]?.table?.keys == ["x y", "n"])
    }

    @Test("every TOML 1.0 escape in basic strings")
    func escapes() throws {
        let t = try parse(#"s = "\b\t\n\f\r\"\\\u00e9\U0001F600\u0000""#)
        #expect(t["s"] == .string("\u{08}\t\n\u{0C}\r\"\\é😀\u{0}"))
    }

    @Test("literal strings keep backslashes; single-line strings keep tabs")
    func literalStrings() throws {
        let t = try parse("p = 'C:\\Users\\n'\nt = \"a\tb\"")
        #expect(t["p"] == .string(#"C:\Users\n"#))
        #expect(t["t"] == .string("a\tb"))
    }

    @Test("multi-line basic: first newline trimmed, line-ending backslash, closing quotes")
    func multilineBasic() throws {
        let t = try parse("s = \"\"\"\r\none\r\ntwo \\  \r\n\n   three\"\"\"\"\"\nq = \"\"\"\"\"\"")
        #expect(t["s"] == .string("one\ntwo three\"\""))
        #expect(t["q"] == .string(""))
    }

    @Test("multi-line literal: first newline trimmed, no escapes, up to two closing quotes")
    func multilineLiteral() throws {
        let t = try parse("s = '''\nraw \\n ''line\n'''''")
        #expect(t["s"] == .string("raw \\n ''line\n''"))
    }

    @Test("integers: signs, underscores, hex, octal, binary, Int64 limits")
    func integers() throws {
        let t = try parse("""
        a = +42
        b = -17
        c = 1_000_000
        d = 0xDEAD_beef
        e = 0o755
        f = 0b1101
        g = 9223372036854775807
        h = -9223372036854775808
        i = 0
        j = -0
        k = 0x00ff
        """)
        let expected: [String: Int64] = ["a": 42, "b": -17, "c": 1_000_000, "d": 0xDEADBEEF, "e": 0o755,
                                         "f": 13, "g": .max, "h": .min, "i": 0, "j": 0, "k": 255]
        for (key, value) in expected { #expect(t[key] == .integer(value), "\(key)") }
    }

    @Test("booleans and arrays: nested, mixed, multi-line, trailing comma, comments inside")
    func arrays() throws {
        let t = try parse("""
        b = [true, false]
        e = []
        m = [ 1, "two", [3, 'four'], ]
        l = [  # opening comment
          "x",   # after x
          # alone
          "y"
        ,]
        """)
        #expect(t["b"] == .array([.bool(true), .bool(false)]))
        #expect(t["e"] == .array([]))
        #expect(t["m"] == .array([.integer(1), .string("two"), .array([.integer(3), .string("four")])]))
        #expect(t["l"] == .array([.string("x"), .string("y")]))
    }

    @Test("dotted keys may extend a table only within the section that created it")
    func dottedKeysWithinSection() throws {
        let t = try parse("""
        fruit.apple.color = "red"
        fruit.apple.taste.sweet = true
        [fruit.apple.texture]
        smooth = true
        [x.y.z]
        [x]
        y.w = 1
        """)
        #expect(t["fruit"]?.table?["apple"]?.table?["taste"]?.table?["sweet"] == .bool(true))
        #expect(t["fruit"]?.table?["apple"]?.table?["texture"]?.table?["smooth"] == .bool(true))
        #expect(t["x"]?.table?["y"]?.table?["w"] == .integer(1))
    }

    @Test("parse(bytes:) accepts a UTF-8 byte order mark and multibyte text")
    func bytes() throws {
        let t = try TOML.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("k = \"ünï 👩‍👩‍👧\"".utf8))
        #expect(t["k"] == .string("ünï 👩‍👩‍👧"))
    }
}
