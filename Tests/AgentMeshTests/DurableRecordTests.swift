@testable import AgentMesh
import Glibc
import Testing

/// What `--retry` and the corrupt-record check rely on, without tmux: the outbox keeps every
/// message's body byte-exact, and the journal check tells a record from anything else.
@Suite("Durable records: kept bodies and the journal check")
struct DurableRecordTests {
    func scratch() throws -> MeshPaths {
        let home = "/tmp/am-durable-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.makeDirectories(home, mode: 0o700)   // the tools never create a home themselves
        return MeshPaths(home: home)
    }

    func message(_ body: [UInt8]) -> OutgoingMessage {
        let entry = AgentEntry(address: "h-s-w", host: "h", target: "s:0", session: "s", window: "w")
        return OutgoingMessage(entry: entry, sender: "tester", body: body, time: 1_796_000_000)
    }

    @Test("every body comes back byte-exact: short UTF-8 in the record, long or binary beside it (0600)")
    func bodiesRoundTrip() throws {
        let paths = try scratch()
        defer { _ = try? ProcessRunner.run(Command("rm", ["-rf", paths.home])) }
        let outbox = Outbox(paths: paths)
        let bodies: [[UInt8]] = [Array("plain".utf8), Array("ctl \u{1}\u{7f} tab\t\"q\" \\ é 👨‍💻\r\nnext".utf8), [],
                                 Array(repeating: UInt8(ascii: "x"), count: 5_000), [0xff, 0xfe, 0x00, 0x41]]
        for body in bodies {
            let m = message(body)
            try outbox.begin(m)
            let r = try #require(outbox.read(m.id))
            #expect(outbox.body(of: r) == body, "\(body.prefix(20))")
            #expect((r.bodyText != nil) == (body.count <= Outbox.inlineBodyLimit && body.first != 0xff))
            #expect(r.time == 1_796_000_000 && r.to == "h-s-w")
            if r.bodyText == nil {
                var st = stat()
                #expect(stat(outbox.bodyFile(m.id), &st) == 0 && st.st_mode & 0o777 == 0o600)
            }
        }
    }

    @Test("a record left delivering reads unknown once its process is gone, even while it is an unreaped zombie")
    func deadSender() throws {
        var r = Outbox.Record(id: MessageID.make(), to: "x", host: "h", sender: "tester")
        #expect(r.effectiveState == "delivering")   // this process runs
        let pid = try ProcessRunner.spawnDetached(Command("sleep", ["30"], timeoutMilliseconds: 0))
        r.pid = Int(pid)
        #expect(r.effectiveState == "delivering")
        kill(pid, SIGKILL)
        #expect(eventually { r.effectiveState == "unknown" }, "a zombie read as alive")
        var raw: Int32 = 0
        _ = waitpid(pid, &raw, 0)
        #expect(r.effectiveState == "unknown")
    }

    /// Polls every 10 ms for up to 2 s.
    func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<200 where !condition() { MonotonicClock.sleep(milliseconds: 10) }
        return condition()
    }

    @Test("the journal check: records pass; empty, garbage, non-UTF-8 and cut-short files fail with their line")
    func journalProblems() {
        let good = "typing 2026-12-01T00:00:00Z from a\nto b\nline [from a @ x] hi\ndone delivered 2026-12-01T00:00:01Z\n"
        #expect(Journal.problem(in: Array(good.utf8)) == nil)
        #expect(Journal.problem(in: Array("typing 2026-12-01T00:00:00Z\ncorrupt x:1: y\n".utf8)) == nil)
        #expect(Journal.problem(in: [])?.line == 1)
        #expect(Journal.problem(in: Array("hello\n".utf8))?.line == 1)
        #expect(Journal.problem(in: Array("typing t\nto b\nwhat\n".utf8))?.line == 3)
        #expect(Journal.problem(in: Array("typing t\n".utf8) + [0xc3, 0x28, 0x0a])?.reason == "not UTF-8")
        let cut = Journal.problem(in: Array("typing t\ndone deliv".utf8))
        #expect(cut?.line == 2 && cut?.reason.hasPrefix("truncated") == true)
    }
}
