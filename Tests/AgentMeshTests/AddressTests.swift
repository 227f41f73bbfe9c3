@testable import AgentMesh
import Testing

@Suite("Slugs and addresses")
struct AddressTests {
    @Test("slug lower-cases, collapses runs of other characters to one dash, trims", arguments: [
        ("Build", "build"), ("Claude Code #2", "claude-code-2"), ("--x--", "x"), ("a__b..c", "a-b-c"),
        ("te\"st;$(x)", "te-st-x"), ("ü日本", ""), ("Fix ]#;|bug", "fix-bug"), ("", ""), ("  ", ""),
        ("ALLCAPS99", "allcaps99"), ("a\nb\tc", "a-b-c"),
    ])
    func slugRule(input: String, expected: String) {
        #expect(Slug.make(input) == expected)
    }

    @Test("slug is at most 40 characters and never ends with a dash after the cut")
    func slugLength() {
        #expect(Slug.make(String(repeating: "a", count: 60)).count == 40)
        let cutAtDash = String(repeating: "a", count: 39) + " bcd"
        #expect(Slug.make(cutAtDash) == String(repeating: "a", count: 39))
    }

    @Test("an empty window slug becomes win<index>")
    func emptyWindowSlug() {
        #expect(Slug.window(name: "日本", index: 4) == "win4")
        #expect(AddressAssigner.base(host: "hub", session: "dev", windowName: "", index: 0) == "hub-dev-win0")
    }

    @Test("same-slug windows get distinct addresses: lowest index plain, others -w<index>")
    func duplicateSlugs() {
        let windows = [
            AddressAssigner.Window(session: "dev", index: 3, name: "claude", windowID: "@3"),
            AddressAssigner.Window(session: "dev", index: 1, name: "Claude", windowID: "@1"),
            AddressAssigner.Window(session: "dev", index: 5, name: "claude!", windowID: "@5"),
        ]
        #expect(AddressAssigner.assign(host: "hub", windows: windows)
                == ["hub-dev-claude-w3", "hub-dev-claude", "hub-dev-claude-w5"])
    }

    @Test("a window keeps the address it already had when a same-named window appears")
    func stability() {
        let windows = [
            AddressAssigner.Window(session: "dev", index: 1, name: "claude", windowID: "@9"),
            AddressAssigner.Window(session: "dev", index: 3, name: "claude", windowID: "@3"),
        ]
        let addresses = AddressAssigner.assign(host: "hub", windows: windows, previous: ["@3": "hub-dev-claude"])
        #expect(addresses == ["hub-dev-claude-w1", "hub-dev-claude"])
    }

    @Test("a suffixed address never collides with a window literally named like it")
    func suffixCollision() {
        let windows = [
            AddressAssigner.Window(session: "dev", index: 0, name: "a", windowID: "@0"),
            AddressAssigner.Window(session: "dev", index: 2, name: "a", windowID: "@2"),
            AddressAssigner.Window(session: "dev", index: 1, name: "a w2", windowID: "@1"),
        ]
        let addresses = AddressAssigner.assign(host: "h", windows: windows)
        #expect(Set(addresses).count == 3)
        #expect(addresses[2] == "h-dev-a-w2")
    }

    @Test("sessions whose names slug alike do not share addresses; reserved ones are avoided")
    func crossSessionCollision() {
        let windows = [
            AddressAssigner.Window(session: "a b", index: 0, name: "x", windowID: "@0"),
            AddressAssigner.Window(session: "a-b", index: 0, name: "x", windowID: "@1"),
        ]
        let addresses = AddressAssigner.assign(host: "h", windows: windows, reserved: ["h-a-b-x"])
        #expect(Set(addresses).count == 2)
        #expect(!addresses.contains("h-a-b-x"))
    }

    @Test("skipped sessions: scratch, tmp, temp, test, test-*, _*")
    func skippedSessions() {
        for s in ["scratch", "tmp", "temp", "test", "test-1", "_hidden"] { #expect(SessionFilter.isSkipped(s)) }
        for s in ["dev", "testing", "tmpx", "my_test", "Scratch"] { #expect(!SessionFilter.isSkipped(s)) }
    }
}
