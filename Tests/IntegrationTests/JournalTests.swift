@testable import AgentMesh
import Foundation
import Testing

/// The receiving host's journal makes a retry safe: one message id is typed at most once,
/// whatever route delivers it how often.
@Suite("Exactly once: the receiving journal", .serialized)
struct JournalTests {
    @Test("a second delivery of an id already typed is not typed again and reports delivered")
    func retryIsTypedOnce() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        let paths = MeshPaths(home: mesh.home)
        // The entry names its tmux socket, so no environment is needed to reach the pane.
        let entry = try #require(RegistryStore(paths: paths).readLocal(defaultHost: "testhost").slice?.entries.first)
        #expect(entry.socket == mesh.socketPath)
        let id = MessageID.make()
        let options = SendOptions(enterDelayMilliseconds: 0)
        let first = LocalDelivery.type("once only", to: entry, sender: "tester", time: 0, options: options, paths: paths, id: id)
        #expect(first.outcome.status == .delivered, "\(first.outcome)")
        let second = LocalDelivery.type("once only", to: entry, sender: "tester", time: 0, options: options, paths: paths, id: id)
        #expect(second.outcome.status == .delivered && second.outcome.detail.contains("not typed again"), "\(second.outcome)")
        MonotonicClock.sleep(milliseconds: 300)
        let typed = String(decoding: mesh.waitForFile(out), as: UTF8.self)
        #expect(typed == "[from tester @ 1970-01-01T00:00:00Z] [id:\(id)] once only\r")
        #expect(Journal(paths: paths).record(id) == .done("delivered"))
    }

    @Test("a delivery that stopped after it began typing is never retyped: unknown (exit 5)")
    func interruptedIsUnknown() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        let paths = MeshPaths(home: mesh.home)
        let entry = try #require(RegistryStore(paths: paths).readLocal(defaultHost: "testhost").slice?.entries.first)
        let id = MessageID.make()
        // As a process killed between the claim and its outcome leaves it.
        #expect(try Journal(paths: paths).claim(id))
        let r = LocalDelivery.type("maybe typed", to: entry, sender: "tester", time: 0,
                                   options: SendOptions(enterDelayMilliseconds: 0), paths: paths, id: id)
        #expect(r.outcome.status == .unknown && NotifyExitCode.for(r.outcome.status) == .notSubmitted, "\(r.outcome)")
        MonotonicClock.sleep(milliseconds: 300)
        #expect(((try? FileSystem.read(out)) ?? []).isEmpty)
    }
}

extension JournalTests {
    @Test("a corrupt journal record is reported with file:line, set aside, and its id is never typed: unknown")
    func corruptRecord() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        let paths = MeshPaths(home: mesh.home)
        let entry = try #require(RegistryStore(paths: paths).readLocal(defaultHost: "testhost").slice?.entries.first)
        // A failed message in the outbox whose journal record is garbage.
        let m = OutgoingMessage(entry: entry, sender: "tester", body: Array("never twice".utf8))
        try Outbox(paths: paths).begin(m)
        Outbox(paths: paths).update(m.id) { $0.state = "failed"; $0.reason = "refused-draft: test" }
        try FileSystem.makeDirectories(paths.journal, mode: 0o700)
        let garbage: [UInt8] = Array("typing 2026-12-01T00:00:00Z from x\n\u{1}garbage\n".utf8) + [0xff, 0x0a]
        try FileSystem.writeAtomically("\(paths.journal)/\(m.id)", garbage, mode: 0o600)
        let r = try mesh.notify(["--retry", m.id])
        #expect(r.code == 5 && r.stderr.contains("not typed again"), "\(r)")
        let warnings = r.stderr.split(separator: "\n").filter { $0.contains("corrupt journal record") }
        #expect(warnings.count == 1 && warnings[0].hasPrefix("notify-pane: warning: corrupt journal record: \(paths.journal)/\(m.id):2: "
                                                            + "not a journal line") && warnings[0].contains("set aside as"), "\(r.stderr)")
        let aside = FileSystem.list(paths.journal + "/corrupt")
        #expect(aside.count == 1 && aside.first.map { (try? FileSystem.read(paths.journal + "/corrupt/" + $0)) == garbage } == true)
        if case .corrupt = Journal(paths: paths).record(m.id) {} else { Issue.record("not read as corrupt") }
        // Read again: no second report, still never typed.
        let again = try mesh.notify(["--retry", m.id])
        #expect(again.code == 5 && !again.stderr.contains("warning"), "\(again)")
        MonotonicClock.sleep(milliseconds: 300)
        #expect(((try? FileSystem.read(out)) ?? []).isEmpty)
        // A truncated record, found by --log: reported and set aside too.
        let cut = MessageID.make()
        try FileSystem.writeAtomically("\(paths.journal)/\(cut)", Array("typing 2026-12-01T00:00:00Z fr".utf8), mode: 0o600)
        let log = try mesh.notify(["--log"])
        #expect(log.code == 0 && log.stderr.contains("corrupt journal record: \(paths.journal)/\(cut):1: truncated"), "\(log)")
        #expect(FileSystem.list(paths.journal + "/corrupt").count == 2)
    }
}

/// The sender's outbox: intent first, the outcome after, and a crash mid-send is `unknown`.
@Suite("The sender's outbox", .serialized)
struct OutboxTests {
    @Test("a refused send is recorded failed with its reason; a sender that died mid-send reads as unknown")
    func failedAndCrashed() throws {
        guard Package.require() else { return }
        let (mesh, pane, _) = try DeliveryTests().recorder()
        defer { mesh.close() }
        try mesh.tmux(["send-keys", "-t", pane, "-l", "half typed"])
        try mesh.waitFor(pane, "half typed")
        let r = try mesh.notify(["-q", mesh.address("mesh", "rec"), "refused"], env: ["AGENT_NAME": "tester"])
        #expect(r.code == 3)
        let list = try mesh.notify(["--status"]).stdout
        #expect(list.contains("  failed  testhost-mesh-rec  ") && list.contains("refused-draft"), "\(list)")
        // A record a killed sender left behind: delivering, its process gone.
        let paths = MeshPaths(home: mesh.home)
        let dead = try ProcessRunner.run(Command("sh", ["-c", "echo $$"])).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        var record = Outbox.Record(id: MessageID.make(), to: "x", host: "testhost", sender: "tester")
        record.pid = Int(dead)!
        try Outbox(paths: paths).write(record)
        let pending = try mesh.notify(["--outbox"]).stdout
        #expect(pending.contains("\(record.id)  unknown  x"), "\(pending)")
        // A corrupt record is reported with file:line:col, never dropped silently.
        try "id = \"oops\nstate".write(toFile: paths.outbox + "/\(MessageID.make()).toml", atomically: true, encoding: .utf8)
        let report = try mesh.notify(["--status"])
        #expect(report.code == 0 && report.stderr.contains("unreadable outbox record") && report.stderr.contains(".toml:1:"), "\(report)")
    }
}
