@testable import AgentMesh
import Testing

@Suite("Registry documents")
struct RegistryTests {
    static let sample = AgentEntry(
        address: "hub-dev-build", host: "hub", target: "dev:0", session: "dev", window: "build \"x\" ]#;",
        role: "claude-code agent", scope: "~/src", windowIndex: 0, windowID: "@1", paneID: "%3",
        panes: ["%3", "%4"], command: "claude", path: "/home/u/src", socket: "/tmp/tmux-1000/default",
        enterDelayMilliseconds: 150, updated: "2026-11-22T03:00:00Z", protocolVersion: 1, binDirectory: "/home/u/bin")

    @Test("an entry survives render and parse unchanged")
    func roundTrip() throws {
        let slice = LocalSlice(host: "hub", serial: 42, entries: [Self.sample])
        let parsed = try LocalSlice.parse(slice.render(), defaultHost: "x")
        #expect(parsed == slice)
    }

    @Test("the bash tool's six fields are plain key = \"value\" lines right after the header")
    func bashCompatibleLayout() {
        let text = LocalSlice(host: "hub", serial: 1, entries: [Self.sample]).render()
        #expect(text.contains("[agents.hub-dev-build]\nhost = \"hub\"\ntarget = \"dev:0\"\nsession = \"dev\"\n"))
        #expect(!text.split(separator: "\n").contains { !$0.hasPrefix("#") && !$0.hasPrefix("[") && !$0.isEmpty && !$0.contains(" = ") })
    }

    @Test("reads a slice the bash tool wrote (six string fields, no metadata)")
    func readsBashToolSlice() throws {
        let text = """
        [agents.hub-dev-build]
        host = "hub"
        target = "dev:0"
        session = "dev"
        window = "build"
        role = "TBD"
        scope = "TBD"

        [agents.hub-ops-win1]
        host = "hub"
        target = "ops:1"
        """
        let slice = try LocalSlice.parse(text, defaultHost: "hub")
        #expect(slice.serial == 0)
        #expect(slice.entries.map(\.address) == ["hub-dev-build", "hub-ops-win1"])
        #expect(slice.entries[1].session == "ops")
        #expect(slice.entries[1].windowIndex == 1)
        #expect(slice.entries[0].protocolVersion == 0)
    }

    @Test("a bash-assembled registry with a repeated table is still readable line by line")
    func lenientFallback() {
        let text = """
        [agents.a-s-w]
        host = "a"
        target = "s:0"
        [agents.a-s-w]
        host = "a"
        target = "s:0"
        [agents.b-s-w]
        host = "b"
        target = "s:1"
        """
        #expect(throws: TOMLError.self) { try RegistryDocument.parse(text) }
        #expect(RegistryDocument.parseLeniently(text).map(\.address) == ["a-s-w", "b-s-w"])
    }

    @Test("metadata comes from the agent-mesh comment line")
    func metadata() {
        let text = LocalSlice(host: "w-1", serial: 1795319876368, entries: []).render()
        #expect(RegistryDocument.metadata(text)["serial"] == "1795319876368")
        #expect(RegistryDocument.metadata(text)["host"] == "w-1")
    }

    @Test("delays parse from seconds or milliseconds", arguments: [
        ("0.15", 150), ("1", 1000), ("150ms", 150), (".2", 200), ("0", 0), ("2.5", 2500),
    ])
    func delays(text: String, ms: Int) {
        #expect(AgentEntry.parseDelay(text) == ms)
    }

    @Test("bad delays are rejected", arguments: ["", "abc", "-1", "1.2.3", "1.x"])
    func badDelays(text: String) {
        #expect(AgentEntry.parseDelay(text) == nil)
    }

    @Test("role and scope are inferred from the pane's command and path")
    func inference() {
        #expect(RoleInference.role(command: "claude") == "claude-code agent")
        #expect(RoleInference.role(command: "codex") == "codex agent")
        #expect(RoleInference.role(command: "-bash") == "shell")
        #expect(RoleInference.role(command: "python3") == "python3")
        #expect(RoleInference.role(command: "") == "other")
        #expect(RoleInference.scope(path: "/home/u/src/x", home: "/home/u") == "~/src/x")
        #expect(RoleInference.scope(path: "/home/user2", home: "/home/u") == "/home/user2")
    }

    @Test("peers.conf: comments, blanks, spaces and duplicates ignored")
    func peersFile() {
        let lines = HostIdentity.significantLines("# mesh\nhub\n  worker-1  # gpu box\n\nhub\n\tworker-2\n")
        #expect(lines == ["hub", "worker-1", "hub", "worker-2"])
    }
}

@Suite("tmux commands as data")
struct TmuxCommandTests {
    @Test("pane listing asks every pane of the server in one call, on the given socket")
    func listing() {
        let listing = PaneListing(nonce: "N")
        let command = listing.command(Tmux(binary: "tmux", socketPath: "/tmp/s"))
        #expect(command.argv == ["tmux", "-u", "-S", "/tmp/s", "list-panes", "-a", "-F", listing.format])
        #expect(listing.format.hasPrefix(#"NR#{s/[\\]/\\\\/:session_name}NF#{window_index}NF"#))
        #expect(!listing.format.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test("pane listing parses names holding newlines, separators and quotes")
    func parsing() {
        let listing = PaneListing(nonce: "\u{1e}zz")
        let fields = ["we\"ird|s", "2", "a\nb\u{1f}c", "@4", "%9", "1", "bash", "/tmp", "", "", "0.2", "/tmp/tmux-0/x", "3"]
        let output = listing.recordMarker + fields.joined(separator: listing.fieldMarker) + "\n"
        let records = listing.parse(output + output)
        #expect(records.count == 2)
        guard records.count == 2 else { return }
        #expect(records[0].paneIndex == 3)
        #expect(records[0].sessionName == "we\"ird|s")
        #expect(records[0].windowName == "a\nb\u{1f}c")
        #expect(records[0].windowIndex == 2)
        #expect(records[0].isActivePane)
        #expect(records[0].enterDelay == "0.2")
    }

    @Test("chained commands share one client call with ';' separators")
    func chained() {
        let c = Tmux(binary: "tmux", socketPath: nil).chained([["a", "1"], ["b"]])
        #expect(c.argv == ["tmux", "-u", "a", "1", ";", "b"])
        #expect(Tmux.exactWindow(session: "claude", index: 2) == "=claude:2")
    }
}
