@testable import AgentMesh
import Glibc
import Testing

/// The loop guard's count over the audit log, and the time parsing it rests on.
@Suite("Loop guard counting")
struct LoopGuardCountTests {
    @Test("parseISO8601 inverts gmtime (iso8601) over 2 000 random times from 1970 to 2200")
    func isoMatchesTimegm() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Int.random(in: 0...7_258_118_400, using: &rng)
            let text = WallClock.iso8601(seconds)
            #expect(WallClock.parseISO8601(text) == seconds, "\(text)")
        }
        #expect(WallClock.parseISO8601("2026-13-01T00:00:00Z") == nil)
        #expect(WallClock.parseISO8601("2026-12-01T24:00:00Z") == nil)
        #expect(WallClock.parseISO8601("2026-12-01 00:00:00Z") == nil)
        #expect(WallClock.parseISO8601("2024-02-29T12:00:00Z") == 1_709_208_000)
    }

    @Test("counts a pair both ways, only delivered/queued lines in the window, never a longer name's lines")
    func countsPair() throws {
        let now = WallClock.now(), old = now - 3_600
        func line(_ t: Int, _ from: String, _ to: String, _ status: String) -> String {
            "\(WallClock.iso8601(t)) from=\(from) to=\(to) status=\(status) bytes=3 ms=1\n"
        }
        var log = ""
        for _ in 0..<3 { log += line(now, "a", "b", "delivered") }
        log += line(now, "b", "a", "queued")
        log += line(now, "b", "a", "refused-draft")     // typed nothing: not counted
        log += line(old, "a", "b", "delivered")          // outside the window
        log += line(now, "a", "bb", "delivered")         // another pair
        log += line(now, "xa", "b", "delivered")         // another pair
        log += "garbage from=a to=b status=delivered \n" // no time: not counted
        let paths = try Self.home(log: log)
        defer { Self.remove(paths) }
        let guardian = LoopGuard(paths: paths)
        let (forth, back) = guardian.messages(between: "a", and: "b")
        #expect(forth == 3 && back == 1)
        #expect(guardian.messages(between: "a", and: "a") == (0, 0))
        #expect(guardian.messages(between: "a", and: "bb") == (0, 0))
        #expect(guardian.messages(between: "a", and: "bb", countsOneWay: true) == (1, 0))
        #expect(guardian.refusal(sender: "a", recipient: "b") == nil)   // 4 < 8
        var strict = guardian
        strict.maxRate = 4
        #expect(strict.refusal(sender: "a", recipient: "b")?.contains("4 messages between a and b") == true)
    }

    @Test("a one-way stream is never stopped, however long")
    func oneWay() throws {
        let t = WallClock.iso8601(WallClock.now())
        let paths = try Self.home(log: String(repeating: "\(t) from=cron to=w status=delivered bytes=1 ms=1\n", count: 50))
        defer { Self.remove(paths) }
        #expect(LoopGuard(paths: paths).refusal(sender: "cron", recipient: "w") == nil)
    }
}

extension LoopGuardCountTests {
    @Test("a long log: only lines in the window count, and the read grows past 64 KB while they go on")
    func longLog() throws {
        let now = WallClock.now()
        var log = ""
        // 3 000 old lines (outside the window), then 2 000 recent ones each way (~200 KB).
        for _ in 0..<3_000 { log += "\(WallClock.iso8601(now - 7_200)) from=a to=b status=delivered bytes=1 ms=1\n" }
        for i in 0..<4_000 {
            let (f, t) = i % 2 == 0 ? ("a", "b") : ("b", "a")
            log += "\(WallClock.iso8601(now)) from=\(f) to=\(t) status=delivered bytes=1 ms=1\n"
        }
        let paths = try Self.home(log: log)
        defer { Self.remove(paths) }
        let counts = LoopGuard(paths: paths).messages(between: "a", and: "b")
        #expect(counts.forth == 2_000 && counts.back == 2_000)
    }
}

extension LoopGuardCountTests {
    /// A throw-away home whose audit log holds `log`.
    static func home(log: String) throws -> MeshPaths {
        let paths = MeshPaths(home: "/tmp/am-guard-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileSystem.makeDirectories(paths.log, mode: 0o700)
        try FileSystem.writeAtomically(AuditLog.path(paths), Array(log.utf8), mode: 0o600, syncFile: false)
        return paths
    }

    static func remove(_ paths: MeshPaths) { _ = try? ProcessRunner.run(Command("rm", ["-rf", paths.home])) }
}
