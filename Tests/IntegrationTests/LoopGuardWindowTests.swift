import AgentMesh
import Foundation
import Testing

/// The loop guard's per-window limit and the hops of messages that are not replies, with a
/// real tmux server and `cat` panes (what is typed is read back from the pane).
@Suite("Loop guard: per-window limit and hops", .serialized)
struct LoopGuardWindowTests {
    func from(_ mesh: Mesh, _ pane: String) -> [String: String?] { mesh.fromPane(pane) }

    func config(_ mesh: Mesh, _ text: String) throws {
        try text.write(toFile: mesh.home + "/.agents/config.toml", atomically: true, encoding: .utf8)
    }

    @Test("@agent-max-rate: a window set to 2 stops a conversation at 2, one set to 0 is never stopped; exit 7 names the option")
    func windowRate() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let a = try mesh.window(session: "wr", name: "a", "cat")
        let b = try mesh.window(session: "wr", name: "b", "cat")
        let c = try mesh.window(session: "wr", name: "c", "cat")
        try mesh.register("wr")
        try config(mesh, "[conversation]\nmax_rate = 4\nmax_hops = 0\n")
        try mesh.tmux(["set-option", "-w", "-t", b, "@agent-max-rate", "2"])
        try mesh.tmux(["set-option", "-w", "-t", c, "@agent-max-rate", "0"])
        // a ⇄ b: b's own limit, 2, applies to what is typed into b.
        var (codes, last) = try mesh.replyChain(to: mesh.address("wr", "b"), "hello b", between: (a, b), replies: 3) { "thanks \($0)" }
        #expect(codes == [0, 0, 7], "\(codes)")
        #expect(last.stderr.contains("loop guard: 2 messages between") && last.stderr.contains("@agent-max-rate"), "\(last)")
        // The refused message was not typed into b.
        #expect(try !mesh.capture(b).contains("thanks 1"))
        // a ⇄ c: c turned its guard off, and a's messages are typed into c; c's into a stop at
        // the host's limit, 4 (a has no override).
        (codes, last) = try mesh.replyChain(to: mesh.address("wr", "c"), "hello c", between: (a, c), replies: 6) { "more \($0)" }
        // c → a is refused once 4 messages are counted before it (a's window has the host
        // limit): the 6th message, the third of c's.
        #expect(codes == [0, 0, 0, 0, 0, 7], "\(codes)")
        #expect(last.stderr.contains("(limit 4)") && last.stderr.contains("max_rate in ~/.agents/config.toml"), "\(last)")
        // Into c the conversation goes on past 4: c's 0 turns the guard off there.
        let more = try mesh.notify(["-q", mesh.address("wr", "c"), "still talking"], env: from(mesh, a))
        #expect(more.code == 0, "\(more)")
    }

    @Test("a message sent from a pane soon after one was typed into it is one hop deeper; past max_hops exit 7; after hop_window it starts at 0")
    func handlingHops() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let a = try mesh.window(session: "hh", name: "a", "cat")
        let b = try mesh.window(session: "hh", name: "b", "cat")
        let c = try mesh.window(session: "hh", name: "c", "cat")
        try mesh.register("hh")
        try config(mesh, "[conversation]\nmax_rate = 0\nmax_hops = 2\nhop_window = 2\n")
        // b → a (hop 0); a, handling it, tells c (hop 1); c, handling that, tells b (hop 2).
        #expect(try mesh.notify([mesh.address("hh", "a"), "first"], env: from(mesh, b)).code == 0)
        #expect(try mesh.notify([mesh.address("hh", "c"), "second"], env: from(mesh, a)).code == 0)
        #expect(try eventually { try mesh.capture(c).contains("[hop:1] second") })
        #expect(try mesh.notify([mesh.address("hh", "b"), "third"], env: from(mesh, c)).code == 0)
        #expect(try eventually { try mesh.capture(b).contains("[hop:2] third") })
        // b, handling a hop-2 message, would send hop 3: over max_hops 2.
        let over = try mesh.notify([mesh.address("hh", "a"), "fourth"], env: from(mesh, b))
        #expect(over.code == 7 && over.stderr.contains("3 hops deep (limit 2"), "\(over)")
        #expect(try !mesh.capture(a).contains("fourth"))
        // A script (no pane) is never handling anything: hop 0.
        let script = try mesh.notify([mesh.address("hh", "a"), "from cron"], env: ["AGENT_NAME": "cron", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(script.code == 0, "\(script)")
        // hop_window (2 s) later, b's next message is a new one again.
        Thread.sleep(forTimeInterval: 2.5)
        let fresh = try mesh.notify([mesh.address("hh", "a"), "fifth"], env: from(mesh, b))
        #expect(fresh.code == 0, "\(fresh)")
        #expect(try eventually { try mesh.capture(a).contains("fifth") })
        #expect(try !mesh.capture(a).contains("[hop:3]"))
    }
}

extension Mesh {
    /// The environment of notify-pane run by an agent in `pane` (no AGENT_NAME).
    func fromPane(_ pane: String) -> [String: String?] {
        ["AGENT_NAME": nil, "TMUX_PANE": pane, "TMUX": socketPath + ",1,0", "AGENT_MESH_ENTER_DELAY": "0"]
    }

    /// `first` from pane `between.0` to `address`, then up to `replies` replies by id, from
    /// `between.1`, `between.0`, … in turn, stopping at the first refusal: every exit code
    /// and the last run.
    func replyChain(to address: String, _ first: String, between panes: (String, String), replies: Int,
                    text: (Int) -> String) throws -> (codes: [Int32], last: Run) {
        var last = try notify(["-q", address, first], env: fromPane(panes.0))
        var codes = [last.code]
        for k in 0..<replies where last.code == 0 {
            last = try notify(["-q", "--reply", String(last.stdout.dropLast()), text(k)],
                              env: fromPane(k % 2 == 0 ? panes.1 : panes.0))
            codes.append(last.code)
        }
        return (codes, last)
    }
}
