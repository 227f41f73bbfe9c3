@testable import AgentMesh
import Foundation
import Testing

/// The scenarios of issue 9 against the real Claude Code and Codex, offline against the fake
/// model server. Ground truth is the server's request log: a message counts only if the model
/// received it exactly once, byte-exact after the `[from … @ …] ` tag. Where notify-pane is
/// wrong against a real agent, the test asserts the right behaviour and fails with what was
/// seen. Skipped with `SKIP <test>: <reason>` when a binary is missing.
@Suite("notify-pane scenarios against the real Claude Code and Codex", .serialized)
struct RealAgentScenarioTests {
    @Test("20 messages in a row: each exit 0, each received exactly once, in order, byte-exact", .timeLimit(.minutes(4)),
          arguments: RealAgent.allCases)
    func twentyInARow(_ agent: RealAgent) throws {
        guard agent.require("twentyInARow(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        let bodies = (1...20).map { "row message \($0) of 20 ✓ sent in a row" }
        for body in bodies {
            let r = try lab.send(body)
            #expect(r.code == 0, "\(body): \(lab.evidence(r))")
        }
        _ = eventually(60) { lab.blocksCarrying("of 20 ✓ sent in a row").count >= 20 }
        MonotonicClock.sleep(milliseconds: 2_000)
        let got = lab.blocksCarrying("of 20 ✓ sent in a row").map(maskTime)
        #expect(got == bodies.map(tagged), "\(lab.evidence())")
    }

    @Test("Busy agent (reply held 4 s): exit 0, the message reaches the model once, in the turn after the held one",
          .timeLimit(.minutes(2)), arguments: RealAgent.allCases)
    func busy(_ agent: RealAgent) throws {
        guard agent.require("busy(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        try lab.model.control(#"{"push": [{"text": "slow reply", "hold": 4}]}"#)
        try lab.typeAndSubmit("start a slow turn")
        #expect(lab.model.waitForTurns(1).count == 1)
        _ = try lab.waitForScreen("esc to interrupt", timeout: 5_000)
        let body = "sent while busy"
        let r = try lab.send(body)
        #expect(r.code == 0, "\(lab.evidence(r))")
        let blocks = lab.received(body, timeout: 20_000)
        #expect(blocks.map(maskTime) == [tagged(body)], "\(lab.evidence(r))")
        #expect(lab.model.turns().first { $0.texts.contains { $0.contains(body) } }?.n == 2, "\(lab.evidence(r))")
    }

    @Test("Human draft: exit 3, the draft untouched on screen, the model gets nothing", .timeLimit(.minutes(2)),
          arguments: RealAgent.allCases)
    func draft(_ agent: RealAgent) throws {
        guard agent.require("draft(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        let draft = "a person is typing this"
        try lab.mesh.tmux(["send-keys", "-t", lab.pane, "-l", "--", draft])
        _ = try lab.waitForScreen(draft)
        let r = try lab.send("must not be typed")
        #expect(r.code == 3, "\(lab.evidence(r))")
        MonotonicClock.sleep(milliseconds: 1_500)
        #expect(lab.model.turns().isEmpty, "\(lab.evidence(r))")
        let marker = agent == .claude ? "❯\u{00A0}" : "› "
        #expect(lab.screen.contains(marker + draft), "\(lab.evidence(r))")
        #expect(!lab.screen.contains("must not be typed"), "\(lab.evidence(r))")
    }

    @Test("Permission / approval prompt on screen: exit 6, nothing typed, the prompt stays, the command never runs",
          .timeLimit(.minutes(2)), arguments: RealAgent.allCases)
    func permissionPrompt(_ agent: RealAgent) throws {
        guard agent.require("permissionPrompt(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle(agent == .claude ? ["--mode", "default"] : ["--approval", "untrusted"]) else { return }
        let flag = lab.root + "/command-ran"
        try lab.model.control(#"{"push": [{"cmd": "touch \#(flag)"}, {"text": "done"}]}"#)
        try lab.typeAndSubmit("run the command please")
        #expect(lab.model.waitForTurns(1).count == 1)
        let prompt = agent == .claude ? "Do you want to proceed?" : "Would you like to run the following command?"
        guard try lab.waitForScreen(prompt, timeout: 20_000) else { return }
        MonotonicClock.sleep(milliseconds: 500)
        let body = "never type into a permission prompt"
        let r = try lab.send(body)
        #expect(r.code == 6, "\(lab.evidence(r))")
        MonotonicClock.sleep(milliseconds: 2_000)
        #expect(lab.screen.contains(prompt), "prompt gone: \(lab.evidence(r))")
        #expect(!lab.screen.contains(body), "\(lab.evidence(r))")
        #expect(!FileManager.default.fileExists(atPath: flag), "the command ran: \(lab.evidence(r))")
        #expect(lab.model.turns().count == 1, "the model got a new turn: \(lab.evidence(r))")
    }

    @Test("Trust dialog (no trust seeded): exit 6, the agent still running, the dialog still up, the model gets nothing",
          .timeLimit(.minutes(2)), arguments: RealAgent.allCases)
    func trustDialog(_ agent: RealAgent) throws {
        guard agent.require("trustDialog(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        try lab.start(["--no-trust"])
        let marker = agent == .claude ? "Is this a project you created or one you trust" : "Do you trust the contents of this directory?"
        guard try lab.waitForScreen(marker, timeout: 30_000) else { return }
        try lab.mesh.register("mesh")
        MonotonicClock.sleep(milliseconds: 500)
        let settings = lab.settings()
        let r = try lab.send("never answer a trust question")
        #expect(r.code == 6, "\(lab.evidence(r))")
        MonotonicClock.sleep(milliseconds: 1_500)
        #expect(lab.agentRunning, "the agent quit: \(lab.evidence(r))")
        #expect(lab.screen.contains(marker), "\(lab.evidence(r))")
        #expect(lab.model.turns().isEmpty, "\(lab.evidence(r))")
        #expect(lab.settings() == settings, "the answer changed: before \(settings)\nafter \(lab.settings())")
    }

    /// Bodies an agent's composer treats specially when typed at its start (issue 13 item 4):
    /// file pickers, slash commands, shell and memory modes. Behind the tag they are text.
    static let commandLike = ["please read @file.txt and /tmp/agent-mesh/path then reply", "@file.txt", "/help",
                              "!rm -rf x", "# remember: not a memory line", "/model gpt-0",
                              "it costs $x"]

    @Test("Autocomplete- and command-prone bodies (@file, /path, /help, !rm -rf x, #, $x): received as text, nothing run",
          .timeLimit(.minutes(3)), arguments: RealAgent.allCases)
    func commandLikeBodies(_ agent: RealAgent) throws {
        guard agent.require("commandLikeBodies(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        for name in ["file.txt", "file-two.txt", "x"] {
            FileManager.default.createFile(atPath: lab.work + "/" + name, contents: Data("keep\n".utf8))
        }
        let settings = lab.settings()
        for body in Self.commandLike {
            let r = try lab.send(body)
            #expect(r.code == 0, "\(body): \(lab.evidence(r))")
            let blocks = lab.received("] " + body, timeout: 15_000).filter { maskTime($0).hasPrefix("[from tester @ TIME] ") }
            #expect(blocks.map(maskTime) == [tagged(body)], "\(body): \(lab.evidence(r))")
            if !eventually(10, { agent.composerIsIdle(lab.screen) }) {
                // Left behind in the composer: clear it as its user would, so the next body is judged alone.
                Issue.record("\(body): composer not idle after the send: \(lab.evidence(r))")
                try lab.mesh.tmux(["send-keys", "-t", lab.pane, "Escape"])
                MonotonicClock.sleep(milliseconds: 300)
                try lab.mesh.tmux(["send-keys", "-t", lab.pane, "C-u"])
                _ = eventually(5) { agent.composerIsIdle(lab.screen) }
            }
        }
        #expect(FileManager.default.fileExists(atPath: lab.work + "/x"), "!rm -rf x ran: \(lab.evidence())")
        #expect(agent.composerIsIdle(lab.screen), "\(lab.evidence())")
        #expect(lab.settings() == settings, "settings changed")
        #expect(lab.model.turns().count <= Self.commandLike.count, "\(lab.evidence())")
    }

    @Test("Sent 1 s after the agent started: exit 0 only with the model's receipt, never more than once",
          .timeLimit(.minutes(2)), arguments: RealAgent.allCases)
    func justStarted(_ agent: RealAgent) throws {
        guard agent.require("justStarted(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        let t0 = MonotonicClock.milliseconds()
        try lab.start()
        try lab.mesh.register("mesh")
        MonotonicClock.sleep(milliseconds: max(0, 1_000 - (MonotonicClock.milliseconds() - t0)))
        let body = "sent one second after start"
        let r = try lab.send(body)
        let blocks = lab.received(body, timeout: r.code == 0 ? 20_000 : 5_000)
        print("justStarted(\(agent)): exit \(r.code), received \(blocks.count)× \(r.stderr)")
        if r.code == 0 { #expect(blocks.map(maskTime) == [tagged(body)], "exit 0 without receipt: \(lab.evidence(r))") }
        #expect(blocks.count <= 1, "\(lab.evidence(r))")
        #expect([0, 5, 6].contains(r.code), "\(lab.evidence(r))")
    }

    @Test("Sent right after the agent was restarted in its registered pane: exit 0 only with the model's receipt",
          .timeLimit(.minutes(2)), arguments: RealAgent.allCases)
    func restarted(_ agent: RealAgent) throws {
        guard agent.require("restarted(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        try lab.respawn()
        let body = "sent right after a restart"
        let r = try lab.send(body)
        let blocks = lab.received(body, timeout: r.code == 0 ? 20_000 : 5_000)
        print("restarted(\(agent)): exit \(r.code), received \(blocks.count)× \(r.stderr)")
        if r.code == 0 { #expect(blocks.map(maskTime) == [tagged(body)], "exit 0 without receipt: \(lab.evidence(r))") }
        #expect(blocks.count <= 1, "\(lab.evidence(r))")
        #expect([0, 5, 6].contains(r.code), "\(lab.evidence(r))")
    }

    @Test("A 300-character one-line body (typed, wraps on screen): exit 0, received once, byte-exact",
          .timeLimit(.minutes(2)), arguments: RealAgent.allCases)
    func wrappedBody(_ agent: RealAgent) throws {
        guard agent.require("wrappedBody(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        let body = (1...15).map { "part \($0) of a wrapped line;" }.joined(separator: " ")
        let r = try lab.send(body)
        #expect(r.code == 0, "\(lab.evidence(r))")
        let blocks = lab.received(body, timeout: 20_000)
        #expect(blocks.map(maskTime) == [tagged(body)], "\(lab.evidence(r))")
    }

    @Test("Multi-line and long bodies: the inbox pointer arrives once, the file holds the body byte-exact",
          .timeLimit(.minutes(2)), arguments: RealAgent.allCases)
    func multiLineAndLong(_ agent: RealAgent) throws {
        guard agent.require("multiLineAndLong(\(agent))") else { return }
        let lab = try RealAgentLab(agent)
        defer { lab.close() }
        guard try lab.startIdle() else { return }
        let bodies = ["first line\nsecond line ✓\n\nfourth line", String(repeating: "a long body, one line; ", count: 30)]
        for body in bodies {
            let before = lab.blocksCarrying("long message saved at").count
            let r = try lab.send(body)
            #expect(r.code == 0, "\(lab.evidence(r))")
            _ = eventually(20) { lab.blocksCarrying("long message saved at").count > before }
            MonotonicClock.sleep(milliseconds: 1_500)
            let pointers = Array(lab.blocksCarrying("long message saved at").dropFirst(before))
            let lines = body.split(separator: "\n", omittingEmptySubsequences: false).count
            let pattern = #"^\[from tester @ TIME\] long message saved at ~/\.agent-inbox/tester/(msg-[^ ]+\.txt) \("#
                + "\(body.utf8.count) bytes, \(lines) line\(lines == 1 ? "" : "s")\\)$"
            #expect(pointers.count == 1, "\(lab.evidence(r))")
            guard let pointer = pointers.first.map(maskTime),
                  let m = pointer.range(of: pattern, options: .regularExpression) else {
                Issue.record("pointer \(pointers) does not match \(pattern)"); continue
            }
            let name = pointer[m].split(separator: "/").last.map { String($0.split(separator: " ")[0]) } ?? ""
            let saved = FileManager.default.contents(atPath: "\(lab.mesh.home)/.agent-inbox/tester/\(name)")
            #expect(saved == Data(body.utf8), "inbox file \(name)")
            _ = eventually(10) { agent.composerIsIdle(lab.screen) }
        }
    }
}
