@testable import AgentMesh
import Foundation
import Testing

/// What the scenario tests do to a real agent in a lab, and how they read the ground truth
/// (the fake model's request log) and the agent's own state files.
///
/// Policy: every wait is bounded; a failure records what was seen (exit code, stderr, the
/// screen, the turns the model got), so a report can say exactly what happened.
extension RealAgentLab {
    /// notify-pane as `tester`; `AGENT_MESH_TRACE=1` in the test's environment passes through, so
    /// a failure's evidence holds notify-pane's step trace.
    func send(_ body: String, env: [String: String?] = ["AGENT_NAME": "tester"]) throws -> Run {
        var e = env
        if ProcessInfo.processInfo.environment["AGENT_MESH_TRACE"] == "1" { e["AGENT_MESH_TRACE"] = "1" }
        return try mesh.notify([address, "--", body], env: e, timeout: 60_000)
    }

    var screen: String { (try? mesh.capture(pane)) ?? "<no pane>" }
    var work: String { root + "/work" }
    var runScript: String { root + "/run.sh" }

    /// Types `text` as a person would and submits it (Codex needs a gap before Enter).
    func typeAndSubmit(_ text: String) throws {
        try mesh.tmux(["send-keys", "-t", pane, "-l", "--", text])
        MonotonicClock.sleep(milliseconds: 300)
        try mesh.tmux(["send-keys", "-t", pane, "Enter"])
    }

    /// Opens a slash-command dialog as a person would and waits for `marker` on screen.
    func openDialog(_ command: String, marker: String) throws -> Bool {
        try mesh.tmux(["send-keys", "-t", pane, "-l", "--", command])
        MonotonicClock.sleep(milliseconds: 400)
        try mesh.tmux(["send-keys", "-t", pane, "Enter"])
        return try waitForScreen(marker, timeout: 10_000)
    }

    func waitForScreen(_ text: String, timeout: Int = 15_000) throws -> Bool {
        if eventually(Double(timeout) / 1_000, { screen.contains(text) }) { return true }
        Issue.record("\(agent) never showed \"\(text)\":\n\(screen)")
        return false
    }

    /// Every text block the model received that carries `text`, in the order received.
    func blocksCarrying(_ text: String) -> [String] {
        model.turns().flatMap { $0.texts.filter { $0.contains(text) } }
    }

    /// Waits (bounded) until `text` reached the model, then 1.5 s more (a late duplicate would
    /// show by then); the blocks carrying it.
    func received(_ text: String, timeout: Int = 20_000) -> [String] {
        _ = eventually(Double(timeout) / 1_000) { !blocksCarrying(text).isEmpty }
        MonotonicClock.sleep(milliseconds: 1_500)
        return blocksCarrying(text)
    }

    /// The pane still runs the agent (not dead, not gone, the agent's process in front).
    var agentRunning: Bool {
        guard let r = try? mesh.tmux(["display-message", "-p", "-t", pane, "#{pane_dead} #{pane_current_command}"],
                                     check: false), r.isSuccess else { return false }
        return r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "0 \(agent.rawValue)"
    }

    /// The user-facing state a dialog could change: Codex's config.toml; Claude's
    /// settings.json and the booleans and answers in ~/.claude.json (its counters and
    /// timestamps change on every run, `theme` it drops by itself, so they are left out).
    func settings() -> String {
        let home = root + "/home"
        func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<absent>" }
        if agent == .codex { return text(home + "/.codex/config.toml") }
        var kept: [String] = ["settings.json: " + text(home + "/.claude/settings.json")]
        if let data = FileManager.default.contents(atPath: home + "/.claude.json"),
           let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for key in obj.keys.sorted() {
                if let b = obj[key] as? Bool { kept.append("\(key)=\(b)") }
            }
            if let keys = obj["customApiKeyResponses"] as? [String: Any] {
                kept.append("keys=\(keys["approved"] ?? "") / \(keys["rejected"] ?? "")")
            }
            let project = (obj["projects"] as? [String: Any])?[work] as? [String: Any]
            kept.append("trusted=\(project?["hasTrustDialogAccepted"] as? Bool ?? false)")
        }
        return kept.joined(separator: "\n")
    }

    /// Kills the agent and starts it again in the same pane (the window stays registered).
    func respawn() throws {
        try mesh.tmux(["respawn-pane", "-k", "-t", pane, runScript])
    }

    /// Evidence for a failure message.
    func evidence(_ r: Run? = nil) -> String {
        let turns = model.turns().map { "#\($0.n) tool_result=\($0.isToolResult) texts=\($0.texts)" }.joined(separator: "\n")
        return "\(r.map { "\($0)\n" } ?? "")turns:\n\(turns)\nscreen:\n\(screen)"
    }
}

/// The tag notify-pane puts before a body, time masked.
func tagged(_ body: String) -> String { "[from tester @ TIME] \(body)" }
