@testable import AgentMesh
import Foundation
import Testing

/// Delivery into the real Claude Code and Codex (versions in RealAgent), offline against the
/// fake model server, whose request log is the ground truth: a message counts as delivered
/// only if the model received it, exactly once, byte-exact after the `[from … @ …] ` tag.
/// Skipped with a printed reason when the binaries are missing (Tests/Agents/fetch-agents.sh).
@Suite("notify-pane into the real Claude Code and Codex", .serialized)
struct RealAgentTests {
    /// Text that trips shells, TOML, JSON and autocompletion if anything along the way mangles it.
    static let message = #"hello from the mesh: ünïcødé ✓ $HOME `ticks` "double" 'single' \back & <angle> 100%"#

    /// An idle agent, one send: exit 0 and exactly one turn, whose text block is tag + message.
    func idleDelivery(_ agent: RealAgent) throws {
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        let r = try lab.mesh.notify([lab.address, Self.message], timeout: 30_000)
        #expect(r.code == 0, "\(r)")
        #expect(r.stderr == "", "\(r)")
        _ = lab.model.waitForTurns(1, timeout: 15_000)
        MonotonicClock.sleep(milliseconds: 1_500)  // a late duplicate would show up by now
        let carrying = lab.turnsCarrying(Self.message)
        let screen = (try? lab.mesh.capture(lab.pane)) ?? ""
        #expect(carrying.count == 1, "turns: \(lab.model.turns()) screen:\n\(screen)")
        let blocks = carrying.first?.texts.filter { $0.contains(Self.message) } ?? []
        #expect(blocks.map(maskTime) == ["[from tester @ TIME] \(Self.message)"], "\(blocks)")
        #expect(lab.model.turns().count == 1, "\(lab.model.turns())")
    }

    @Test("Claude Code idle: one notify-pane, exit 0, the model receives the message once, byte-exact", .timeLimit(.minutes(2)))
    func claudeIdle() throws {
        guard RealAgent.claude.require() else { return }
        try idleDelivery(.claude)
    }

    @Test("Codex idle: one notify-pane, exit 0, the model receives the message once, byte-exact", .timeLimit(.minutes(2)))
    func codexIdle() throws {
        guard RealAgent.codex.require() else { return }
        try idleDelivery(.codex)
    }

    /// Types `text` as a person would and submits it (Codex needs a gap before Enter, AGENTS.md).
    func typeAndSubmit(_ lab: RealAgentLab, _ text: String) throws {
        try lab.mesh.tmux(["send-keys", "-t", lab.pane, "-l", "--", text])
        MonotonicClock.sleep(milliseconds: 150)
        try lab.mesh.tmux(["send-keys", "-t", lab.pane, "Enter"])
    }

    @Test("Busy agent (model reply held 6 s): exit 0, the message reaches the model once, after the turn", .timeLimit(.minutes(2)),
          arguments: RealAgent.allCases)
    func busy(_ agent: RealAgent) throws {
        guard agent.require("busy(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        try lab.model.control(#"{"push": [{"text": "slow reply", "hold": 6}]}"#)
        try typeAndSubmit(lab, "start a slow turn")
        #expect(lab.model.waitForTurns(1).count == 1)
        // The model has the turn; wait until the agent's screen says so too (its composer can
        // still show the submitted text for a moment, which a sender rightly takes for a draft).
        #expect(eventually(10) { (try? lab.mesh.capture(lab.pane))?.contains("esc to interrupt") == true })
        let r = try lab.mesh.notify([lab.address, Self.message], timeout: 30_000)
        #expect(r.code == 0, "\(r)")
        let turns = lab.model.waitForTurns(2, timeout: 20_000)
        MonotonicClock.sleep(milliseconds: 1_500)
        let carrying = lab.turnsCarrying(Self.message)
        #expect(carrying.count == 1, "turns: \(lab.model.turns())")
        #expect(carrying.first?.n == 2, "delivered in the held turn, not after it: \(turns)")
        #expect(lab.model.turns().count == 2, "\(lab.model.turns())")
    }

    @Test("Human draft in the composer: exit 3, the draft untouched, nothing reaches the model", .timeLimit(.minutes(2)),
          arguments: RealAgent.allCases)
    func draft(_ agent: RealAgent) throws {
        guard agent.require("draft(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        let draft = "half typed by a person"
        try lab.mesh.tmux(["send-keys", "-t", lab.pane, "-l", "--", draft])
        try lab.mesh.waitFor(lab.pane, draft)
        let r = try lab.mesh.notify([lab.address, Self.message], timeout: 30_000)
        #expect(r.code == 3, "\(r)")
        MonotonicClock.sleep(milliseconds: 1_500)
        #expect(lab.model.turns().isEmpty, "\(lab.model.turns())")
        let screen = try lab.mesh.capture(lab.pane)
        let marker = agent == .claude ? "❯\u{00A0}" : "› "
        #expect(screen.contains(marker + draft), "draft changed:\n\(screen)")
        #expect(!screen.contains("hello from the mesh"), "\(screen)")
    }
}
