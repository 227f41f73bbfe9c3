@testable import AgentMesh
import Foundation
import Testing

/// `--queue`: a message the recipient cannot take now waits in the outbox and is delivered
/// once, as soon as it can be; the human's draft is never touched meanwhile.
@Suite("Queued delivery", .serialized)
struct QueueTests {
    /// A prompt_toolkit prompt recording each submitted line (a draft can be typed and cleared).
    func prompt() throws -> (Mesh, String, String) {
        let mesh = try Mesh()
        let out = mesh.file("ptk.txt")
        let pane = try mesh.window(session: "mesh", name: "ptk", "python3 \(Package.fixture("ptk_prompt.py")) \(out)")
        try mesh.waitFor(pane, "ptk>")
        try mesh.register("mesh")
        return (mesh, pane, out)
    }

    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map { maskTime(String($0)) }
    }

    @Test("draft present: --queue exits 0 with 'queued <id>'; the draft is untouched; cleared → submitted once within 2 s")
    func draftThenClear() throws {
        guard Package.require(promptToolkit: true) else { return }
        let (mesh, pane, out) = try prompt()
        defer { mesh.close() }
        try mesh.tmux(["send-keys", "-t", pane, "-l", "human is typing"])
        try mesh.waitFor(pane, "human is typing")
        let r = try mesh.notify(["--queue", mesh.address("mesh", "ptk"), "wait for me"],
                                env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0, "\(r)")
        let id = String(r.stdout.dropFirst("queued ".count).dropLast())
        #expect(r.stdout.hasPrefix("queued ") && MessageID.isValid(id), "\(r)")
        // While the draft is there: nothing submitted, the draft intact, the record queued.
        MonotonicClock.sleep(milliseconds: 1_000)
        #expect(lines(out).isEmpty)
        #expect(try mesh.capture(pane).contains("ptk> human is typing"))
        #expect(try mesh.notify(["--outbox"]).stdout.contains("\(id)  queued"))
        // The human clears the line: the runner delivers it once, within 2 s.
        try mesh.tmux(["send-keys", "-t", pane, "C-u"])
        let cleared = MonotonicClock.milliseconds()
        var got: [String] = []
        while MonotonicClock.milliseconds() - cleared < 4_000 {
            got = lines(out)
            if !got.isEmpty { break }
            MonotonicClock.sleep(milliseconds: 20)
        }
        let latency = MonotonicClock.milliseconds() - cleared
        #expect(got == ["[from tester @ TIME] wait for me"], "\(got)")
        #expect(latency <= 2_000, "delivered \(latency) ms after the draft was cleared")
        MonotonicClock.sleep(milliseconds: 800)
        #expect(lines(out).count == 1)
        #expect(try mesh.notify(["--status", id]).stdout.contains("state: delivered"))
    }

    @Test("--wait gives up with the usual code and keeps it queued; --cancel removes it; --ttl expires it")
    func waitCancelExpire() throws {
        guard Package.require(promptToolkit: true) else { return }
        let (mesh, pane, out) = try prompt()
        defer { mesh.close() }
        try mesh.tmux(["send-keys", "-t", pane, "-l", "draft stays"])
        try mesh.waitFor(pane, "draft stays")
        let addr = mesh.address("mesh", "ptk")
        let w = try mesh.notify(["--wait", "1s", addr, "not now"], env: ["AGENT_NAME": "tester"])
        #expect(w.code == 3 && w.stderr.contains("still queued as"), "\(w)")
        let id = try #require(w.stderr.split(separator: " ").last.map { String($0.dropLast()) })
        #expect(MessageID.isValid(id), "\(w.stderr)")
        let c = try mesh.notify(["--cancel", id])
        #expect(c.code == 0 && c.stdout == "cancelled \(id)\n", "\(c)")
        #expect(try mesh.notify(["--cancel", id]).code == 2)
        let e = try mesh.notify(["--queue", "--ttl", "1s", addr, "too late"], env: ["AGENT_NAME": "tester"])
        let expiring = String(e.stdout.dropFirst("queued ".count).dropLast())
        MonotonicClock.sleep(milliseconds: 2_500)
        #expect(try mesh.notify(["--status", expiring]).stdout.contains("state: expired"))
        try mesh.tmux(["send-keys", "-t", pane, "C-u"])
        MonotonicClock.sleep(milliseconds: 1_000)
        #expect(lines(out).isEmpty, "\(lines(out))")
        #expect(try mesh.notify(["--queue", "--ttl", "soon", addr, "x"]).code == 1)
        // [delivery] queue = true makes every send queue when refused; without it, exit 3 as ever.
        try mesh.tmux(["send-keys", "-t", pane, "-l", "again"])
        try mesh.waitFor(pane, "again")
        #expect(try mesh.notify([addr, "plain refusal"], env: ["AGENT_NAME": "tester"]).code == 3)
        try "[delivery]\nqueue = true\n".write(toFile: mesh.home + "/.agents/config.toml", atomically: true, encoding: .utf8)
        let byConfig = try mesh.notify([addr, "queued by config"], env: ["AGENT_NAME": "tester"])
        #expect(byConfig.code == 0 && byConfig.stdout.hasPrefix("queued "), "\(byConfig)")
        let queuedID = String(byConfig.stdout.dropFirst("queued ".count).dropLast())
        #expect(try mesh.notify(["--cancel", queuedID]).code == 0)
    }

    @Test("20 messages queued to a pane with a draft: all 20 delivered in order, each once")
    func twentyInOrder() throws {
        guard Package.require(promptToolkit: true) else { return }
        let (mesh, pane, out) = try prompt()
        defer { mesh.close() }
        try mesh.tmux(["send-keys", "-t", pane, "-l", "busy human"])
        try mesh.waitFor(pane, "busy human")
        let addr = mesh.address("mesh", "ptk")
        for k in 1...20 {
            let r = try mesh.notify(["--queue", addr, "message \(k)"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
            #expect(r.code == 0 && r.stdout.hasPrefix("queued "), "\(r)")
        }
        try mesh.tmux(["send-keys", "-t", pane, "C-u"])
        let deadline = MonotonicClock.milliseconds() + 20_000
        while lines(out).count < 20 && MonotonicClock.milliseconds() < deadline { MonotonicClock.sleep(milliseconds: 50) }
        MonotonicClock.sleep(milliseconds: 500)
        #expect(lines(out) == (1...20).map { "[from tester @ TIME] message \($0)" }, "\(lines(out))")
    }
}
