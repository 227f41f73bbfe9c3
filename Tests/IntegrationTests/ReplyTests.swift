@testable import AgentMesh
import Foundation
import Testing

/// `--reply <id>` answers a message received on this host: to its sender, tagged `[re:<id>]`.
@Suite("Replies", .serialized)
struct ReplyTests {
    @Test("B replies to A's message by id alone; A's pane gets it tagged re:<id>; an unknown id is refused")
    func replyByID() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let outA = mesh.file("a.bytes"), outB = mesh.file("b.bytes")
        let a = try mesh.window(session: "team", name: "a", "python3 \(Package.fixture("raw_recorder.py")) \(outA)")
        let b = try mesh.window(session: "team", name: "b", "python3 \(Package.fixture("raw_recorder.py")) \(outB)")
        try mesh.waitFor(a, "rec>"); try mesh.waitFor(b, "rec>")
        try mesh.register("team")
        func inPane(_ pane: String) -> [String: String?] {
            ["AGENT_NAME": nil, "TMUX_PANE": pane, "TMUX": mesh.socketPath + ",1,0", "AGENT_MESH_ENTER_DELAY": "0"]
        }
        let ask = try mesh.notify(["-q", mesh.address("team", "b"), "review my diff?"], env: inPane(a))
        #expect(ask.code == 0, "\(ask)")
        let id = String(ask.stdout.dropLast())
        #expect(String(decoding: mesh.waitForFile(outB), as: UTF8.self).contains("[from testhost-team-a @ "))
        let reply = try mesh.notify(["-q", "--reply", id, "looks", "good"], env: inPane(b))
        #expect(reply.code == 0, "\(reply)")
        let got = String(decoding: mesh.waitForFile(outA), as: UTF8.self)
        #expect(got.contains("[re:\(id)] [hop:1] looks good\r") && got.hasPrefix("[from testhost-team-b @ "), "\(got)")
        #expect(maskTime(got) == "[from testhost-team-b @ TIME] looks good\r")
        // The history: both messages, the thread of the question holds the answer.
        let log = try mesh.notify(["--log"])
        #expect(log.code == 0 && log.stdout.split(separator: "\n").count == 2 && log.stdout.contains("review my diff?"), "\(log)")
        let thread = try mesh.notify(["--log", "--thread", id, "--json"]).stdout
        #expect(thread.contains("\"re\": \"\(id)\"") && thread.contains("\"body\": \"looks good\""), "\(thread)")
        #expect(try mesh.notify(["--log", "--with", "nobody"]).stdout == "")
        let unknown = try mesh.notify(["--reply", MessageID.make(), "to nobody"], env: inPane(b))
        #expect(unknown.code == 2 && unknown.stderr.contains("not typed into a pane of this host"), "\(unknown)")
    }
}

@Suite("Loop guard", .serialized)
struct LoopGuardTests {
    @Test("two agents replying to every message: stopped at 8 in 10 minutes, and at 6 replies deep, exit 7; one-way lines are not")
    func pingPong() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let a = try mesh.window(session: "pp", name: "a", "cat")
        let b = try mesh.window(session: "pp", name: "b", "cat")
        let c = try mesh.window(session: "pp", name: "c", "cat")
        try mesh.register("pp")
        // The rate limit alone first (the hop limit, 6, would stop this chain before 8).
        try "[conversation]\nmax_hops = 0\n".write(toFile: mesh.home + "/.agents/config.toml", atomically: true, encoding: .utf8)
        let (codes, last) = try mesh.replyChain(to: mesh.address("pp", "b"), "thanks!", between: (a, b), replies: 10) {
            "thank you too \($0)"
        }
        #expect(codes.prefix(8).allSatisfy { $0 == 0 } && codes.last == 7, "\(codes)")
        #expect(last.stderr.contains("loop guard: 8 messages between"), "\(last)")
        // The hop limit, with the rate limit off: the 7th reply in a chain is refused.
        try "[conversation]\nmax_rate = 0\n".write(toFile: mesh.home + "/.agents/config.toml", atomically: true, encoding: .utf8)
        // From c, which has received nothing: a new message from a, just answered, would
        // start one hop deeper than what it last received (see LoopGuardWindowTests).
        let (chainCodes, chain) = try mesh.replyChain(to: mesh.address("pp", "b"), "new topic", between: (c, b), replies: 8) {
            "and another \($0)"
        }
        let hops = Array(chainCodes.dropFirst())
        #expect(hops == [0, 0, 0, 0, 0, 0, 7], "\(hops)")
        #expect(chain.stderr.contains("7 hops deep (limit 6"), "\(chain)")
        try FileManager.default.removeItem(atPath: mesh.home + "/.agents/config.toml")
        // One way only: 12 status lines from a script (no pane) to a all go.
        for k in 0..<12 {
            let r = try mesh.notify([mesh.address("pp", "a"), "status \(k)"], env: ["AGENT_NAME": "cron-job", "AGENT_MESH_ENTER_DELAY": "0"])
            #expect(r.code == 0, "\(k): \(r)")
        }
    }
}

@Suite("Ask and wait", .serialized)
struct AskTests {
    func team() throws -> (Mesh, asker: String, responder: String) {
        let mesh = try Mesh()
        let asker = try mesh.window(session: "ask", name: "asker", "cat")
        let responder = try mesh.window(session: "ask", name: "answers",
            "env HOME=\(mesh.home) AGENT_MESH_ENTER_DELAY=0 python3 \(Package.fixture("responder.py")) \(Package.binary("notify-pane"))")
        try mesh.waitFor(responder, "responder ready")
        try mesh.register("ask")
        return (mesh, asker, responder)
    }

    @Test("an agent asks another: the reply's text on stdout, exit 0, and it is not typed into the asker's pane")
    func askFromPane() throws {
        guard Package.require() else { return }
        let (mesh, asker, _) = try team()
        defer { mesh.close() }
        let r = try mesh.notify(["--ask", "--timeout", "20s", mesh.address("ask", "answers"), "what is 6 x 7?"],
                                env: ["AGENT_NAME": nil, "TMUX_PANE": asker, "TMUX": mesh.socketPath + ",1,0", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0 && r.stdout == "answer: what is 6 x 7?\n", "\(r)")
        MonotonicClock.sleep(milliseconds: 300)
        #expect(!(try mesh.capture(asker)).contains("answer:"))
    }

    @Test("a script outside tmux asks: the answer comes back to it; no answer in time is exit 9")
    func askFromScript() throws {
        guard Package.require() else { return }
        let (mesh, _, _) = try team()
        defer { mesh.close() }
        let r = try mesh.notify(["--ask", "--timeout", "20s", mesh.address("ask", "answers"), "ping"],
                                env: ["AGENT_NAME": nil, "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0 && r.stdout == "answer: ping\n", "\(r)")
        let silent = try mesh.notify(["--ask", "--timeout", "1s", mesh.address("ask", "answers"), "[no-reply] fyi"],
                                     env: ["AGENT_NAME": nil, "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(silent.code == 9 && silent.stderr.contains("no reply to"), "\(silent)")
    }
}
