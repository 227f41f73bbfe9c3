@testable import AgentMesh
import Foundation
import Testing

/// Crash safety, for real: the sender (or the queue runner) is stopped at one step of a
/// delivery by `PausePoint` and killed with SIGKILL there. What the receiving program itself
/// recorded (a raw recorder's byte log, not the screen) must show the message at most once,
/// the outbox must say `unknown` (or still `queued` for the runner), and `--retry <id>` (or a
/// new runner) must leave it received exactly once in all, its state told honestly.
@Suite("Crash matrix: kill -9 at each step, then retry", .serialized)
struct CrashMatrixTests {
    static let text = "crash matrix payload"

    /// Runs notify-pane armed to pause at `step`, waits for it to get there, kills it (-9) and
    /// reaps it; returns its pid.
    @discardableResult
    func killSender(_ mesh: Mesh, at step: String, _ args: [String]) throws -> pid_t {
        let dir = mesh.file("pause")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let env = mesh.env(["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0",
                            "AGENT_MESH_TEST_PAUSE_AT": step, "AGENT_MESH_TEST_PAUSE_DIR": dir])
        let pid = try ProcessRunner.spawnDetached(Command(Package.binary("notify-pane"), args, timeoutMilliseconds: 0,
                                                          environment: env))
        let reached = eventually(15) { FileSystem.exists("\(dir)/\(step).\(pid)") }
        kill(pid, SIGKILL)
        var raw: Int32 = 0
        _ = waitpid(pid, &raw, 0)
        #expect(reached, "the sender never reached \(step)")
        return pid
    }

    /// How often the recorder received the payload, and whether a CR (Enter) followed it.
    func received(_ out: String) -> (count: Int, submitted: Bool) {
        let log = String(decoding: (try? FileSystem.read(out)) ?? [], as: UTF8.self)
        let parts = log.components(separatedBy: Self.text)
        return (parts.count - 1, parts.count > 1 && parts[1].hasPrefix("\r"))
    }

    /// The one record of the outbox (the killed sender's message).
    func onlyRecord(_ mesh: Mesh) throws -> Outbox.Record {
        let records = Outbox(paths: MeshPaths(home: mesh.home)).all().records
        #expect(records.count == 1, "\(records)")
        return try #require(records.first)
    }

    func retry(_ mesh: Mesh, _ id: String) throws -> Run {
        try mesh.notify(["--retry", id], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
    }

    @Test("killed after the intent: nothing typed, unknown; --retry types it, exactly once, delivered")
    func afterIntent() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        try killSender(mesh, at: "after-intent", [mesh.address("mesh", "rec"), Self.text])
        let record = try onlyRecord(mesh)
        #expect(record.effectiveState == "unknown")
        MonotonicClock.sleep(milliseconds: 300)
        #expect(received(out).count == 0)
        let r = try retry(mesh, record.id)
        #expect(r.code == 0 && r.stdout.contains("[id:\(record.id)]: \(Self.text)"), "\(r)")
        _ = mesh.waitForFile(out)
        MonotonicClock.sleep(milliseconds: 300)
        #expect(received(out) == (1, true))
        let status = try mesh.notify(["--status", record.id]).stdout
        #expect(status.contains("state: delivered") && status.contains("retry (was unknown)"), "\(status)")
        // A delivered message is not retried again.
        let again = try retry(mesh, record.id)
        #expect(again.code == 1 && again.stderr.contains("cannot be retried: it was delivered"), "\(again)")
    }

    @Test("killed after the paste, before Enter: pasted once, unknown; --retry never types it again (exit 5)")
    func afterPaste() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        try killSender(mesh, at: "after-paste", [mesh.address("mesh", "rec"), Self.text])
        let record = try onlyRecord(mesh)
        #expect(record.effectiveState == "unknown")
        #expect(received(out) == (1, false))
        let r = try retry(mesh, record.id)
        #expect(r.code == 5 && r.stderr.contains("not typed again"), "\(r)")
        MonotonicClock.sleep(milliseconds: 300)
        #expect(received(out) == (1, false), "typed again, or Enter pressed on it")
        #expect(try mesh.notify(["--status", record.id]).stdout.contains("state: unknown"))
    }

    @Test("killed after Enter, outcome unrecorded: received once, unknown; --retry never types it again (exit 5)")
    func afterEnter() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        try killSender(mesh, at: "after-enter", [mesh.address("mesh", "rec"), Self.text])
        let record = try onlyRecord(mesh)
        #expect(record.effectiveState == "unknown")
        #expect(received(out) == (1, true))
        let r = try retry(mesh, record.id)
        #expect(r.code == 5 && r.stderr.contains("not typed again"), "\(r)")
        MonotonicClock.sleep(milliseconds: 300)
        #expect(received(out) == (1, true))
        let status = try mesh.notify(["--status", record.id]).stdout
        #expect(status.contains("state: unknown") && status.contains("retry (was unknown)"), "\(status)")
    }

    @Test("the queue runner killed after the paste: still queued; a new runner never types it again, unknown")
    func runnerAfterPaste() throws {
        guard Package.require() else { return }
        let (mesh, pane, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        let dir = mesh.file("pause")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // A human draft: the send is queued, and the runner it starts inherits the pause point.
        try mesh.tmux(["send-keys", "-t", pane, "-l", "human"])
        try mesh.waitFor(pane, "rec> human")
        let q = try mesh.notify(["--queue", mesh.address("mesh", "rec"), Self.text],
                                env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0",
                                      "AGENT_MESH_TEST_PAUSE_AT": "after-paste", "AGENT_MESH_TEST_PAUSE_DIR": dir])
        #expect(q.code == 0 && q.stdout.hasPrefix("queued "), "\(q)")
        let id = String(q.stdout.dropFirst("queued ".count).dropLast())
        try mesh.tmux(["send-keys", "-t", pane, "Enter"])   // the human submits the draft
        let pid = try #require(killAtPause(dir, "after-paste"), "the runner never pasted")
        #expect(eventually(5) { kill(pid, 0) != 0 || (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") == true })
        #expect(received(out) == (1, false))
        #expect(try mesh.notify(["--status", id]).stdout.contains("state: queued"))
        // A runner starts again (as a hook or the next sender would start it).
        let run = try mesh.notify(["--run-queue"])
        #expect(run.code == 0, "\(run)")
        MonotonicClock.sleep(milliseconds: 300)
        #expect(received(out) == (1, false), "typed again, or Enter pressed on it")
        let status = try mesh.notify(["--status", id]).stdout
        #expect(status.contains("state: unknown") && status.contains("not typed again"), "\(status)")
    }
}

/// Waits (15 s at most) for a process paused at `step` (its marker `<dir>/<step>.<pid>`, see
/// `PausePoint`), kills it with SIGKILL and returns its pid; nil when none got there.
func killAtPause(_ dir: String, _ step: String) -> pid_t? {
    var marker: String?
    _ = eventually(15) {
        marker = FileSystem.list(dir).first { $0.hasPrefix(step + ".") }
        return marker != nil
    }
    guard let pid = marker.flatMap({ pid_t($0.dropFirst(step.count + 1)) }) else { return nil }
    kill(pid, SIGKILL)
    return pid
}
