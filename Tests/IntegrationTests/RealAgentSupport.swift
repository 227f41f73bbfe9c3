@testable import AgentMesh
import Foundation
import Testing

/// The real Claude Code and Codex binaries, found without network: `AGENT_MESH_CLAUDE` /
/// `AGENT_MESH_CODEX`, else the cache Tests/Agents/fetch-agents.sh fills
/// (`${AGENT_MESH_AGENTS_CACHE:-~/.cache/agent-mesh/agents}/<agent>-<version>/<agent>`).
/// A test never downloads them; when one is missing it skips with the reason.
enum RealAgent: String, CaseIterable {
    case claude, codex

    /// The versions fetch-agents.sh pins and the fixtures under Tests/Fixtures/screens record.
    var version: String { self == .claude ? "2.1.332" : "0.147.0" }

    var binary: String {
        let env = ProcessInfo.processInfo.environment
        if let path = env[self == .claude ? "AGENT_MESH_CLAUDE" : "AGENT_MESH_CODEX"], !path.isEmpty { return path }
        let cache = env["AGENT_MESH_AGENTS_CACHE"] ?? NSHomeDirectory() + "/.cache/agent-mesh/agents"
        return "\(cache)/\(rawValue)-\(version)/\(rawValue)"
    }

    /// Why this agent cannot run here, or nil when it can.
    var missing: String? {
        if !Package.hasTmux { return "tmux is not installed" }
        if !FileManager.default.isExecutableFile(atPath: binary) {
            return "\(binary) is missing (run Tests/Agents/fetch-agents.sh, or set AGENT_MESH_\(rawValue.uppercased()))"
        }
        return nil
    }

    /// Prints `SKIP <test>: <reason>` and returns false when the agent is missing.
    func require(_ test: String = #function) -> Bool {
        guard let reason = missing else { return true }
        print("SKIP \(test): \(reason)")
        return false
    }

    /// The agent's own composer, idle: Claude draws `❯` + U+00A0 at a line start (history lines
    /// use a plain space, its menus indent their `❯`); for Codex the last two non-blank lines are
    /// the composer `› …` (maybe a dim placeholder) and its footer `  <model> … · <cwd>` (its
    /// pickers end with "Press enter to confirm" instead). Neither while "esc to interrupt" shows.
    func composerIsIdle(_ screen: String) -> Bool {
        if screen.contains("esc to interrupt") { return false }
        let lines = screen.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
        switch self {
        case .claude:
            return lines.contains { $0.hasPrefix("❯\u{00A0}") }
        case .codex:
            guard lines.count >= 2 else { return false }
            let composer = lines[lines.count - 2], footer = lines[lines.count - 1]
            return composer.hasPrefix("›") && footer.hasPrefix("  ") && footer.contains(" · ")
        }
    }
}

/// A lab part that did not come up, with what was seen.
struct LabError: Error, CustomStringConvertible {
    var description: String
}

/// One agent-loop request the fake model server logged: the ground truth of what the agent received.
struct ModelTurn {
    var n: Int
    var api: String
    var text: String
    var texts: [String]
    var isToolResult: Bool
}

/// Tests/Fixtures/fake_model_server.py on 127.0.0.1, logging to `<dir>/requests.jsonl`.
/// Started detached in its own session; `stop()` kills that session.
final class FakeModel {
    let dir: String
    let log: String
    private(set) var port = 0
    private var pid: pid_t = 0

    init(dir: String) throws {
        self.dir = dir
        log = dir + "/requests.jsonl"
        let portFile = dir + "/port"
        pid = try ProcessRunner.spawnDetached(Command("python3", [Package.fixture("fake_model_server.py"), "serve",
                                                                  "--log", log, "--port-file", portFile]))
        let deadline = MonotonicClock.milliseconds() + 10_000
        while MonotonicClock.milliseconds() < deadline {
            if let bytes = try? FileSystem.read(portFile), let p = Int(String(decoding: bytes, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)) { port = p; return }
            MonotonicClock.sleep(milliseconds: 20)
        }
        stop()
        throw LabError(description: "fake model server wrote no port to \(portFile) within 10 s")
    }

    /// Scripts the next replies (see the server's /control): e.g. `{"push": [{"text": "x", "hold": 5}]}`.
    func control(_ json: String) throws {
        let r = try ProcessRunner.run(Command("python3", [Package.fixture("fake_model_server.py"), "control",
                                                          String(port), json], timeoutMilliseconds: 10_000))
        if !r.isSuccess { throw CommandFailed(r) }
    }

    func turns() -> [ModelTurn] {
        guard let bytes = try? FileSystem.read(log) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return ModelTurn(n: obj["n"] as? Int ?? 0, api: obj["api"] as? String ?? "", text: obj["text"] as? String ?? "",
                             texts: obj["texts"] as? [String] ?? [], isToolResult: obj["tool_result"] as? Bool ?? false)
        }
    }

    /// Waits (bounded) until at least `count` turns are logged; returns what is logged then.
    func waitForTurns(_ count: Int, timeout: Int = 10_000) -> [ModelTurn] {
        let deadline = MonotonicClock.milliseconds() + timeout
        while MonotonicClock.milliseconds() < deadline {
            if turns().count >= count { break }
            MonotonicClock.sleep(milliseconds: 50)
        }
        return turns()
    }

    func stop() {
        if pid > 0 { kill(-pid, SIGTERM); kill(pid, SIGTERM) }
        pid = 0
    }
}

/// A real agent in a window of a Mesh (private tmux server, private HOME), talking to its own
/// fake model. The agent's HOME, cwd and TMPDIR live under `~/.cache/agent-mesh/lab/` (Codex
/// refuses a TMPDIR under /tmp), seeded by Tests/Agents/agent_lab.py so the lab and the tests
/// run the agents the same way. `close()` stops everything and removes the folders.
final class RealAgentLab {
    let agent: RealAgent
    let mesh: Mesh
    let model: FakeModel
    let root: String
    private(set) var pane = ""

    init(_ agent: RealAgent) throws {
        self.agent = agent
        mesh = try Mesh()
        root = NSHomeDirectory() + "/.cache/agent-mesh/lab/\(mesh.name)-\(agent.rawValue)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        model = try FakeModel(dir: root)
    }

    /// Starts the agent in window `<agent>` of session `mesh`; `options` go to agent_lab.py
    /// prepare (e.g. `--mode default`, `--approval untrusted`, `--no-trust`).
    func start(_ options: [String] = []) throws {
        let r = try ProcessRunner.run(Command("python3", [Package.root + "/Tests/Agents/agent_lab.py", "prepare",
                                                          agent.rawValue, "--root", root, "--port", String(model.port)] + options,
                                              timeoutMilliseconds: 10_000,
                                              environment: ["AGENT_MESH_CLAUDE": RealAgent.claude.binary,
                                                            "AGENT_MESH_CODEX": RealAgent.codex.binary]))
        if !r.isSuccess { throw CommandFailed(r) }
        pane = try mesh.window(session: "mesh", name: agent.rawValue, r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    var address: String { mesh.address("mesh", agent.rawValue) }

    /// Starts the agent, registers its window and waits for its idle composer.
    func startIdle(_ options: [String] = []) throws -> Bool {
        try start(options)
        guard try waitForComposer(timeout: 45_000) else { return false }
        try mesh.register("mesh")
        return true
    }

    /// Waits (bounded) for the agent's idle composer, then `settle` ms more: a composer just
    /// drawn may not take input yet. Records an issue with the screen when it never shows.
    @discardableResult
    func waitForComposer(timeout: Int = 30_000, settle: Int = 1_000) throws -> Bool {
        let deadline = MonotonicClock.milliseconds() + timeout
        while MonotonicClock.milliseconds() < deadline {
            if agent.composerIsIdle(try mesh.capture(pane)) {
                MonotonicClock.sleep(milliseconds: settle)
                return true
            }
            MonotonicClock.sleep(milliseconds: 50)
        }
        Issue.record("\(agent) never showed its idle composer:\n\(try mesh.capture(pane))")
        return false
    }

    /// Turns whose last user message carries `text` in any of its text blocks.
    func turnsCarrying(_ text: String) -> [ModelTurn] { model.turns().filter { $0.texts.contains { $0.contains(text) } } }

    /// Stops the tmux server, waits (bounded, 3 s, then SIGKILL) for the agent process to be
    /// gone — an agent still exiting writes into its HOME and would recreate the folder — then
    /// stops the fake model and removes the lab folder.
    func close() {
        let pid = pane.isEmpty ? nil : (try? mesh.tmux(["display-message", "-p", "-t", pane, "#{pane_pid}"], check: false))
            .flatMap { pid_t($0.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) }
        mesh.close()
        if let pid, pid > 0 {
            let deadline = MonotonicClock.milliseconds() + 3_000
            while kill(pid, 0) == 0 && MonotonicClock.milliseconds() < deadline { MonotonicClock.sleep(milliseconds: 50) }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL); MonotonicClock.sleep(milliseconds: 100) }
        }
        model.stop()
        try? FileManager.default.removeItem(atPath: root)
    }
}
