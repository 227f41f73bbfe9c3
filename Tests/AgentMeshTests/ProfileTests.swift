@testable import AgentMesh
import Foundation
import Testing

/// The built-in profiles read the real agents' screens (Tests/Fixtures/screens: captures of
/// Claude Code 2.1.332 and Codex 0.147.0 under tmux 3.3a and 3.6a) the way their facts say.
@Suite("Agent profiles read the real agents' screens")
struct ProfileTests {
    static let profiles = ProfileSet.load(agentsDirectory: nil)
    static let screens = (TOMLTestSupport.packageRoot() ?? ".") + "/Tests/Fixtures/screens"

    /// A capture and its meta line (`cursor_x cursor_y width height command`) as a snapshot.
    static func snapshot(_ agent: String, _ state: String, _ tmux: String) throws -> PaneSnapshot {
        let base = "\(screens)/\(agent)/\(state).\(tmux)"
        // A blank pane was captured as no file at all (nothing to save).
        let text = (try? String(contentsOfFile: base + ".ansi", encoding: .utf8)) ?? ""
        let meta = try String(contentsOfFile: base + ".meta", encoding: .utf8).split(separator: "\n")[0].split(separator: " ")
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false)
        if rows.last?.isEmpty == true { rows.removeLast() }
        return PaneSnapshot(paneID: "%1", cursorX: Int(meta[0])!, cursorY: Int(meta[1])!, width: Int(meta[2])!,
                            height: Int(meta[3])!, currentCommand: String(meta[4]),
                            rows: rows.map { ScreenLine(parsing: $0) })
    }

    enum Expect: Equatable {
        case idle, busy, draft(String), screen(String), starting, unknown
    }

    static func reading(_ r: ScreenReading) -> Expect {
        switch r {
        case .composer(let draft, let busy): return draft.map { .draft($0) } ?? (busy ? .busy : .idle)
        case .screen(let rule): return .screen(rule.name)
        case .starting: return .starting
        case .unknown: return .unknown
        }
    }

    static let cases: [(String, String, Expect)] = [
        ("claude", "just-started-0.2s", .starting), ("claude", "just-started-0.6s", .idle),
        ("claude", "idle-fresh", .idle), ("claude", "idle-after-turn", .idle),
        ("claude", "busy", .busy), ("claude", "busy-queued", .busy),
        ("claude", "draft", .draft("a human draft, not sent")),
        ("claude", "help", .screen("help")), ("claude", "help-after-escape", .idle),
        ("claude", "model", .screen("model")), ("claude", "model-after-escape", .idle),
        ("claude", "config", .screen("config")), ("claude", "config-after-escape", .screen("config")),
        ("claude", "config-after-escape2", .idle),
        ("claude", "trust-dialog", .screen("trust")), ("claude", "api-key-question", .screen("api-key")),
        ("claude", "permission-default", .screen("permission")), ("claude", "permission-auto", .screen("permission")),
        ("claude", "permission-auto-proceed", .screen("permission")),
        ("codex", "just-started-0.2s", .starting), ("codex", "just-started-0.6s", .idle),
        ("codex", "idle-fresh", .idle), ("codex", "idle-after-turn", .idle),
        ("codex", "busy", .busy), ("codex", "busy-queued", .busy),
        ("codex", "draft", .draft("a human draft, not sent")),
        ("codex", "model", .screen("model")), ("codex", "model-after-escape", .idle),
        ("codex", "model-reasoning", .screen("model")), ("codex", "model-reasoning-after-escape", .screen("model")),
        ("codex", "model-reasoning-after-escape2", .idle),
        ("codex", "approval", .screen("approval")), ("codex", "trust-dialog", .screen("trust")),
        ("codex", "update-prompt", .screen("update")), ("codex", "update-prompt-after-escape", .idle),
    ]

    @Test("each captured screen reads as its state, in 256 colours (3.3a) and truecolor (3.6a)",
          arguments: ["3.3a", "3.6a"])
    func captures(_ tmux: String) throws {
        for (agent, state, expected) in Self.cases {
            let s = try Self.snapshot(agent, state, tmux)
            let got = Self.reading(ScreenReading.read(s, profile: Self.profiles.profile(agent)))
            #expect(got == expected, "\(agent) \(state) under \(tmux)")
        }
    }

    @Test("the built-in profiles parse, and every strict screen rule has texts to match")
    func builtins() throws {
        let table = try TOML.parse(BuiltinProfiles.text)
        #expect(table.keys == ["claude", "codex", "shell", "python", "aider", "gemini", "other"])
        for p in Self.profiles.profiles where p.isStrict {
            #expect(!p.composerPrompts.isEmpty && !p.screens.isEmpty, "\(p.kind)")
            for r in p.screens { #expect(!(r.all.isEmpty && r.any.isEmpty), "\(p.kind).\(r.name)") }
        }
        #expect(Self.profiles.kind(forProcess: "claude") == "claude" && Self.profiles.kind(forProcess: "-bash") == "shell")
        #expect(Self.profiles.kind(forProcess: "cat") == nil)
    }

    @Test("no profile can make a dialog be left with Enter")
    func neverEnter() {
        for key in ["Enter", "C-m", "KPEnter", "y", "1"] {
            #expect(ScreenRule(name: "x", state: .dialog, any: ["x"], leave: key).leave == nil)
        }
        #expect(ScreenRule(name: "x", state: .dialog, any: ["x"], leave: "Escape").leave == "Escape")
    }

    @Test("a user's profile file overrides key by key and adds screens; a broken one is reported and ignored")
    func overrides() throws {
        let dir = NSTemporaryDirectory() + "am-profiles-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        [claude]
        enter_delay_ms = 300
        [claude.screen.rewind]
        state = "blocked"
        any = ["Rewind to"]
        [myagent]
        processes = ["myagent"]
        strict = true
        composer = [">"]
        """.write(toFile: dir + "/agent-profiles.toml", atomically: true, encoding: .utf8)
        let set = ProfileSet.load(agentsDirectory: dir)
        #expect(set.warning == nil)
        let claude = set.profile("claude")
        #expect(claude.enterDelayMilliseconds == 300 && claude.isStrict && claude.composerPrompts == ["❯"])
        #expect(claude.screens.last?.name == "rewind" && claude.screens.count == Self.profiles.profile("claude").screens.count + 1)
        #expect(set.kind(forProcess: "myagent") == "myagent")
        try "[claude\nbroken".write(toFile: dir + "/agent-profiles.toml", atomically: true, encoding: .utf8)
        let broken = ProfileSet.load(agentsDirectory: dir)
        #expect(broken.warning?.contains("agent-profiles.toml:1:") == true)
        #expect(broken.profile("claude") == Self.profiles.profile("claude"))
    }

    @Test("the agent kind comes from the pane's processes, not the window name")
    func detection() {
        let d = AgentDetector(profiles: Self.profiles)
        #expect(d.kind(command: "claude", panePID: 0) == "claude")
        #expect(d.kind(command: "codex", panePID: 0) == "codex")
        #expect(d.kind(command: "bash", panePID: 0) == "shell")
        #expect(d.kind(command: "cat", panePID: 0) == "other")
        // The test process itself is no agent: a launcher name with a real tree finds nothing strict.
        #expect(d.kind(command: "node", panePID: Int(getpid())) == "other")
    }
}
