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
        try lab.start()
        guard try lab.waitForComposer() else { return }
        try lab.mesh.register("mesh")
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
}
