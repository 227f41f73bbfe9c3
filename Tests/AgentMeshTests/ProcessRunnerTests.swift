@testable import AgentMesh
import Glibc
import Testing

@Suite("ProcessRunner runs real children without Foundation.Process")
struct ProcessRunnerTests {
    @Test("captures stdout, stderr and the exit status as a value")
    func capturesOutputAndStatus() throws {
        let r = try ProcessRunner.run(Command("sh", ["-c", "printf out; printf err >&2; exit 3"]))
        #expect(r.stdoutText == "out")
        #expect(r.stderrText == "err")
        #expect(r.status == .exited(3))
        #expect(!r.isSuccess)
        #expect(!r.timedOut)
    }

    @Test("carries input on stdin byte-exact, including NUL and 1 MB")
    func stdinIsByteExact() throws {
        var payload: [UInt8] = [0, 1, 2, 59, 10, 255]
        payload += (0..<1_000_000).map { UInt8($0 % 251) }
        let r = try ProcessRunner.run(Command("cat", [], input: payload))
        #expect(r.stdout == payload)
    }

    @Test("streams a file to stdin after the inline input")
    func streamsInputFile() throws {
        let path = "/tmp/am-runner-\(getpid()).bin"
        let body = (0..<300_000).map { UInt8($0 % 7) }
        try FileSystem.writeAtomically(path, body)
        defer { FileSystem.remove(path) }
        let r = try ProcessRunner.run(Command("cat", [], input: Array("head:".utf8), inputFile: path))
        #expect(r.stdout == Array("head:".utf8) + body)
    }

    @Test("kills a child that passes its deadline")
    func enforcesDeadline() throws {
        let start = MonotonicClock.milliseconds()
        let r = try ProcessRunner.run(Command("sleep", ["5"], timeoutMilliseconds: 150))
        let elapsed = MonotonicClock.milliseconds() - start
        #expect(r.timedOut)
        #expect(r.status == .signaled(15))
        #expect(elapsed < 1_500)
    }

    @Test("returns when the child exits even if a grandchild keeps the pipes open")
    func doesNotWaitForGrandchildren() throws {
        let start = MonotonicClock.milliseconds()
        let r = try ProcessRunner.run(Command("sh", ["-c", "sleep 3 & echo parent-done"], timeoutMilliseconds: 5_000))
        #expect(r.stdoutText == "parent-done\n")
        #expect(r.status == .exited(0))
        #expect(MonotonicClock.milliseconds() - start < 1_500)
    }

    @Test("runs several commands concurrently: total time is the slowest, not the sum")
    func runsConcurrently() throws {
        let start = MonotonicClock.milliseconds()
        let results = try ProcessRunner.runAll((0..<5).map { i in Command("sh", ["-c", "sleep 0.3; echo \(i)"]) })
        #expect(results.map(\.stdoutText) == ["0\n", "1\n", "2\n", "3\n", "4\n"])
        #expect(MonotonicClock.milliseconds() - start < 1_200)
    }

    @Test("a missing program is a SystemError naming it")
    func missingProgramThrows() {
        #expect(throws: SystemError.self) { try ProcessRunner.run(Command("no-such-program-xyz", [])) }
    }

    @Test("environment overrides set and unset variables")
    func environmentOverrides() throws {
        let r = try ProcessRunner.run(Command("sh", ["-c", "echo \"$AM_A-${HOME:-unset}\""],
                                              environment: ["AM_A": "x", "HOME": nil]))
        #expect(r.stdoutText == "x-unset\n")
    }

    @Test("shell quoting survives sh for hostile strings")
    func shellQuoteRoundTrips() throws {
        for s in ["plain", "a b", "it's", "$(touch /tmp/pwned)", "x; rm -rf ~ #", "", "-n", "\\", "ü 👨‍💻"] {
            let r = try ProcessRunner.run(Command("sh", ["-c", "printf %s " + ShellQuote.quote(s)]))
            #expect(r.stdoutText == s)
        }
    }
}
