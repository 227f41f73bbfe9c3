@testable import AgentMesh
import Foundation
import Testing

/// The whole notify-pane send — options, registry, outbox, pane lock, journal, probe, paste,
/// Enter, verify, exit code and output — in process, over a scripted pane (`ScriptedContext`):
/// the branches real tmux makes slow or racy to reach, in milliseconds.
@Suite("Send path over a scripted pane")
struct ScriptedSendTests {
    @Test("a ready prompt: exit 0, the tagged line submitted once, the journal and outbox say delivered")
    func delivered() throws {
        let mesh = try ScriptedMesh()
        defer { mesh.remove() }
        let code = mesh.notify(["-q", ScriptedMesh.address, "hello; $(rm -rf x)"])
        #expect(code == 0, "\(mesh.output.stderr)")
        #expect(mesh.pane.submitted.count == 1, "\(mesh.pane.commands.map { $0[0] }) \(mesh.pane.submitted)")
        let line = try #require(mesh.pane.submitted.first)
        #expect(line.hasPrefix("[from tester @ ") && line.hasSuffix("] hello; $(rm -rf x)"), "\(line)")
        let id = mesh.output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(MessageID.isValid(id) && line.contains("[id:\(id)]"))
        let journal = Journal(paths: MeshPaths(home: mesh.home))
        #expect(journal.record(id) == .done("delivered"))
        #expect(Outbox(paths: MeshPaths(home: mesh.home)).read(id)?.state == "delivered")
        // The text went through load-buffer's stdin, never argv.
        #expect(!mesh.pane.commands.joined().contains { $0.contains("rm -rf") })
    }

    @Test("a human draft on the input line: exit 3, nothing pasted, no Enter, the draft kept")
    func draft() throws {
        let mesh = try ScriptedMesh()
        defer { mesh.remove() }
        mesh.pane.input = "half a thought"
        #expect(mesh.notify([ScriptedMesh.address, "hello"]) == NotifyExitCode.draft.rawValue)
        #expect(mesh.pane.pastes == 0 && mesh.pane.enters == 0 && mesh.pane.input == "half a thought")
        #expect(mesh.output.stderr.hasPrefix("notify-pane: error: \(ScriptedMesh.address): recipient has a draft"), "\(mesh.output.stderr)")
    }

    @Test("a program that ignores Enter: a second Enter, then exit 5 'not submitted'; never typed twice")
    func ignoresEnter() throws {
        let mesh = try ScriptedMesh()
        defer { mesh.remove() }
        mesh.pane.ignoresEnter = true
        #expect(mesh.notify([ScriptedMesh.address, "hello"]) == NotifyExitCode.notSubmitted.rawValue)
        #expect(mesh.pane.pastes == 1 && mesh.pane.enters == 2)
        #expect(mesh.output.stderr.contains("error"), "\(mesh.output.stderr)")
    }

    @Test("the pane disappears right after the paste: reported gone; a retry of the id later types nothing")
    func goneMidway() throws {
        let mesh = try ScriptedMesh()
        defer { mesh.remove() }
        mesh.pane.goneAfterPaste = true
        let code = mesh.notify(["-q", ScriptedMesh.address, "hello"])
        #expect(code != 0 && mesh.pane.submitted.isEmpty, "\(code) \(mesh.output.stderr)")
        #expect(mesh.output.stderr.contains("gone"), "\(mesh.output.stderr)")
        // The pane is back: a retry of the id finds the journal's record of that attempt
        // (typed, then the window went) and types nothing.
        let id = try #require(Outbox(paths: MeshPaths(home: mesh.home)).all().records.first?.id)
        mesh.pane.goneAfterPaste = false
        mesh.pane.gone = false
        let retried = mesh.notify(["--retry", id])
        #expect(retried == NotifyExitCode.unknownAddress.rawValue && mesh.output.stderr.contains("not typed again"),
                "\(retried) \(mesh.output.stderr)")
        #expect(mesh.pane.pastes == 1 && mesh.pane.submitted.isEmpty)
    }

    @Test("the second send to an already-typed id is not typed again (journal), in the engine itself")
    func duplicateID() throws {
        let mesh = try ScriptedMesh()
        defer { mesh.remove() }
        var request = DeliveryRequest(socket: "/nonexistent/scripted.sock", paneID: "%1", windowID: "@1", session: "work",
                                      windowIndex: 0, text: "[from a @ 2026-12-01T00:00:00Z] once", messageID: MessageID.make())
        request.sender = "a"; request.recipient = ScriptedMesh.address
        let engine = DeliveryEngine(paths: MeshPaths(home: mesh.home), context: mesh.context)
        #expect(engine.deliver(request).status == .delivered)
        let again = engine.deliver(request)
        #expect(again.status == .delivered && again.detail.contains("already delivered"))
        #expect(mesh.pane.submitted.count == 1 && mesh.pane.pastes == 1)
    }

    @Test("a window whose @agent-max-rate is reached: exit 7 from the engine's guard, nothing typed")
    func windowRate() throws {
        let mesh = try ScriptedMesh()
        defer { mesh.remove() }
        // Two messages each way just now between tester and the window, in the audit log.
        let paths = MeshPaths(home: mesh.home)
        for (f, t) in [("tester", ScriptedMesh.address), (ScriptedMesh.address, "tester"),
                       ("tester", ScriptedMesh.address), (ScriptedMesh.address, "tester")] {
            AuditLog.record(paths: paths, from: f, to: t, status: "delivered", bytes: 1, durationMilliseconds: 1)
        }
        try "[conversation]\nmax_rate = 4\n".write(toFile: mesh.home + "/.agents/config.toml", atomically: true, encoding: .utf8)
        #expect(mesh.notify([ScriptedMesh.address, "thanks!"]) == NotifyExitCode.loopGuard.rawValue)
        #expect(mesh.pane.pastes == 0 && mesh.output.stderr.contains("loop guard: 4 messages"), "\(mesh.output.stderr)")
    }
}

extension ScriptedSendTests {
    @Test("a busy program that echoes nothing: exit 0 'queued' in the pty, submitted once when it catches up")
    func busyProgram() throws {
        let mesh = try ScriptedMesh()
        defer { mesh.remove() }
        mesh.pane.isBusy = true
        #expect(mesh.notify([ScriptedMesh.address, "when you can"]) == 0, "\(mesh.output.stderr)")
        #expect(mesh.output.stderr.contains("not echoed"), "\(mesh.output.stderr)")
        #expect(mesh.pane.pastes == 1 && mesh.pane.enters == 1 && mesh.pane.submitted.isEmpty)
        mesh.pane.catchUp()
        #expect(mesh.pane.submitted.count == 1 && mesh.pane.submitted[0].hasSuffix("] when you can"))
    }

    @Test("--queue behind a draft: 'queued <id>', the draft untouched; cleared, the runner delivers it once")
    func queuedBehindDraft() throws {
        let mesh = try ScriptedMesh()
        defer { mesh.remove() }
        mesh.pane.input = "my draft"
        #expect(mesh.notify(["--queue", ScriptedMesh.address, "later"]) == 0, "\(mesh.output.stderr)")
        let id = try #require(mesh.output.stdout.split(separator: " ").last.map { String($0.dropLast()) })
        #expect(mesh.output.stdout == "queued \(id)\n" && mesh.pane.pastes == 0 && mesh.pane.input == "my draft")
        #expect(Outbox(paths: MeshPaths(home: mesh.home)).read(id)?.state == "queued")
        // The human sends the draft; the runner (its waits on the stepped clock) delivers.
        mesh.pane.input = ""
        #expect(mesh.notify(["--run-queue"]) == 0)
        #expect(mesh.pane.submitted.count == 1 && mesh.pane.submitted[0].contains("[id:\(id)] later"), "\(mesh.pane.submitted)")
        #expect(Outbox(paths: MeshPaths(home: mesh.home)).read(id)?.state == "delivered")
        // A second runner finds nothing to do: still typed once.
        #expect(mesh.notify(["--run-queue"]) == 0 && mesh.pane.pastes == 1)
    }
}
