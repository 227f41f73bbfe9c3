@testable import AgentMesh
import Foundation
import Testing

/// Every dialog of the real agents that a send may meet: Claude Code's /help, /model and
/// /config (two Escapes: the first only leaves its search box, where typed text toggles
/// settings), Codex's /model picker and its reasoning-level list (an Enter there saves a
/// choice). Each must be left with Escape, then the message delivered: exit 0, received
/// exactly once and byte-exact, the agent's settings unchanged, the composer back.
/// (Part of RealAgentScenarioTests, so it runs serialized with the other scenarios: two real
/// agents starting at once on two cores make every timing worse.)
extension RealAgentScenarioTests {
    struct Dialog: CustomStringConvertible, Sendable {
        var agent: RealAgent
        var command: String
        /// Text on screen once the dialog is open.
        var marker: String
        /// Codex's reasoning list: one Enter on the model picker opens it (the lab does that,
        /// as a person would; it picks the current model, it saves nothing).
        var enterOnce = false
        var then = ""
        var description: String { "\(agent) \(command)\(enterOnce ? " → reasoning" : "")" }
    }

    static let dialogs = [
        Dialog(agent: .claude, command: "/help", marker: "For more help"),
        Dialog(agent: .claude, command: "/model", marker: "Select model"),
        Dialog(agent: .claude, command: "/config", marker: "Search settings"),
        Dialog(agent: .codex, command: "/model", marker: "Select Model"),
        Dialog(agent: .codex, command: "/model", marker: "Select Model", enterOnce: true, then: "Select Reasoning Level"),
    ]

    @Test("A dialog open: left with Escape, then delivered once, byte-exact, settings unchanged", .timeLimit(.minutes(2)),
          arguments: Self.dialogs)
    func throughDialog(_ d: Dialog) throws {
        guard d.agent.require("throughDialog(\(d))") else { return }
        let lab = try RealAgentLab(d.agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        MonotonicClock.sleep(milliseconds: 1_500)  // Claude rewrites its state files once after start
        let settings = lab.settings()
        guard try lab.openDialog(d.command, marker: d.marker) else { return }
        if d.enterOnce {
            MonotonicClock.sleep(milliseconds: 500)
            try lab.mesh.tmux(["send-keys", "-t", lab.pane, "Enter"])
            guard try lab.waitForScreen(d.then, timeout: 10_000) else { return }
        }
        MonotonicClock.sleep(milliseconds: 800)
        let body = "after the \(d.command) dialog: hello ✓"
        let r = try lab.send(body)
        #expect(r.code == 0, "\(lab.evidence(r))")
        let blocks = lab.received(body, timeout: 20_000)
        #expect(blocks.map(maskTime) == [tagged(body)], "\(lab.evidence(r))")
        _ = eventually(10) { d.agent.composerIsIdle(lab.screen) }
        #expect(d.agent.composerIsIdle(lab.screen), "\(lab.evidence(r))")
        #expect(!lab.screen.contains(d.marker), "the dialog is still open: \(lab.evidence(r))")
        #expect(lab.settings() == settings, "settings changed:\nbefore: \(settings)\nafter: \(lab.settings())")
        #expect(!lab.screen.contains("Model changed"), "\(lab.evidence(r))")
    }
}
