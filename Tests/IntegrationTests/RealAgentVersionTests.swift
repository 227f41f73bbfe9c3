@testable import AgentMesh
import Foundation
import Testing

/// A profile's version tables against the real binaries: the version is read from the
/// agent running in the pane (not the window name, not a setting), and only a table whose
/// range holds it changes how the screen is read.
@Suite("Profile version tables with the real Claude Code and Codex", .serialized)
struct RealAgentVersionTests {
    static let message = "versioned profile check ✓"

    @Test("a table for the running version applies (an unknown composer: exit 6, nothing typed); one for other versions does not (exit 0, received once)",
          .timeLimit(.minutes(3)), arguments: RealAgent.allCases)
    func versionTables(_ agent: RealAgent) throws {
        guard agent.require("versionTables(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        let file = lab.mesh.home + "/.agents/" + ProfileSet.userFileName
        func override(_ range: String) throws {
            try """
            [\(agent.rawValue).versions."\(range)"]
            composer = ["no such composer"]
            startup_ms = 0
            """.write(toFile: file, atomically: true, encoding: .utf8)
        }

        try override("=\(agent.version)")
        let refused = try lab.mesh.notify([lab.address, Self.message], timeout: 30_000)
        #expect(refused.code == 6, "\(refused)")
        MonotonicClock.sleep(milliseconds: 1_500)
        #expect(lab.model.turns().isEmpty, "\(lab.model.turns())")
        let cache = (try? String(contentsOfFile: lab.mesh.home + "/.agents/cache/agent-versions", encoding: .utf8)) ?? ""
        #expect(cache.hasPrefix(agent.version + "\t"), "version cache: \(cache)")

        try override("<\(agent.version)")
        let sent = try lab.mesh.notify([lab.address, Self.message], timeout: 30_000)
        #expect(sent.code == 0, "\(sent)")
        _ = lab.model.waitForTurns(1, timeout: 15_000)
        MonotonicClock.sleep(milliseconds: 1_000)
        #expect(lab.turnsCarrying(Self.message).count == 1, "\(lab.model.turns())")
    }
}
