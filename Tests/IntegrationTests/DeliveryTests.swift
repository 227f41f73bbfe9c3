@testable import AgentMesh
import Foundation
import Testing

/// Real programs in real panes on a private tmux server, driven by the built notify-pane.
@Suite("notify-pane delivers exactly once, intact", .serialized)
struct DeliveryTests {
    /// A recorder window registered as `testhost-mesh-rec`; returns (mesh, pane, record file).
    func recorder(_ flags: [String] = [], window: String = "rec") throws -> (Mesh, String, String) {
        let mesh = try Mesh()
        let out = mesh.file("\(window).bytes")
        let pane = try mesh.window(session: "mesh", name: window,
                                   (["python3", Package.fixture("raw_recorder.py"), out] + flags).joined(separator: " "))
        try mesh.waitFor(pane, "rec>")
        try mesh.register("mesh")
        return (mesh, pane, out)
    }

    static let corpus: [(String, String)] = [
        ("ends with;", "ends with;"), (";", ";"), ("\\;", "\\;"), ("-leading dash", "-leading dash"), ("--", "--"),
        ("$(touch /tmp/pwned) `id` ${HOME}", "$(touch /tmp/pwned) `id` ${HOME}"),
        ("\"double\" 'single' back\\slash \\\\", "\"double\" 'single' back\\slash \\\\"),
        ("#{pane_id} #S #(echo hi)", "#{pane_id} #S #(echo hi)"), ("C-c", "C-c"), ("Enter", "Enter"),
        ("%", "%"), ("100% done", "100% done"), ("tab\there", "tab here"),
        ("esc\u{1b}[31mred\u{1b}[0m", "esc^[[31mred^[[0m"), ("bell\u{07} nul-free \u{01}\u{7f}", "bell^G nul-free ^A^?"),
        ("naïve café 日本語 Ελληνικά", "naïve café 日本語 Ελληνικά"), ("👨‍💻 pairs with 🏳️‍🌈", "👨‍💻 pairs with 🏳️‍🌈"),
        ("  padded  ", "  padded  "),
    ]

    @Test("adversarial corpus arrives byte-exact at a raw recorder, each as its own submission")
    func adversarialCorpus() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try recorder()
        defer { mesh.close() }
        let addr = mesh.address("mesh", "rec")
        for (message, _) in Self.corpus {
            let r = try mesh.notify([addr, "--", message], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
            #expect(r.code == 0, "\(message): \(r)")
            #expect(r.stderr == "")
        }
        let bytes = mesh.waitForFile(out, atLeast: 1)
        let lines = maskTime(String(decoding: bytes, as: UTF8.self)).split(separator: "\r", omittingEmptySubsequences: false)
        #expect(lines.count == Self.corpus.count + 1, "\(lines)")
        for (k, (_, expected)) in Self.corpus.enumerated() where k < lines.count {
            #expect(String(lines[k]) == "[from tester @ TIME] " + expected)
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
    }

    @Test("stdout names the recipient and the id; -q prints just the id; the outbox and the audit log record each send")
    func successOutputAndAudit() throws {
        guard Package.require() else { return }
        let (mesh, _, _) = try recorder()
        defer { mesh.close() }
        let addr = mesh.address("mesh", "rec")
        let r = try mesh.notify([addr, "hello", "there"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0)
        let printed = try #require(try Regex(#"^→ (\S+) \(testhost\[mesh:0\]\) \[id:([0-9a-z]{16})\]: hello there\n$"#)
            .wholeMatch(in: r.stdout), "\(r)")
        #expect(String(printed.output[1].substring ?? "") == addr)
        let id = String(printed.output[2].substring ?? "")
        #expect(r.stderr == "")
        let q = try mesh.notify(["-q", addr, "quiet"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(q.code == 0 && MessageID.isValid(q.stdout.dropLast()) && q.stdout.hasSuffix("\n") && q.stderr == "", "\(q)")
        // Both are in the outbox as delivered, and --status shows each with its history.
        let status = try mesh.notify(["--status", id])
        #expect(status.code == 0 && status.stdout.contains("state: delivered") && status.stdout.contains("delivering"), "\(status)")
        let all = try mesh.notify(["--status"])
        #expect(all.stdout.split(separator: "\n").count == 2 && all.stdout.contains("\(id)  delivered  \(addr)"), "\(all)")
        #expect(try mesh.notify(["--outbox"]).stdout == "")
        #expect(try mesh.notify(["--status", "--json"]).stdout.contains("\"state\": \"delivered\""))
        let missing = try mesh.notify(["--status", MessageID.make()])
        #expect(missing.code == 2)
        let logPath = mesh.home + "/.agents/log/notify.log"
        let log = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n")
        #expect(log.count == 2)
        #expect(log[0].contains("from=tester to=\(addr) status=delivered bytes=11 ms="))
        let attributes = try FileManager.default.attributesOfItem(atPath: logPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let dir = try FileManager.default.attributesOfItem(atPath: mesh.home + "/.agents/log")
        #expect((dir[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    }

    @Test("a body with newlines or over 500 characters is saved byte-exact to the inbox; a pointer is typed")
    func longMessagesGoToTheInbox() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try recorder()
        defer { mesh.close() }
        let addr = mesh.address("mesh", "rec")
        let multi = Array("first line\nsecond; line\r\nthird\u{1b}[0m\n\n".utf8)
        var r = try mesh.notify([addr, "-"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"], stdin: multi)
        #expect(r.code == 0, "\(r)")
        let big = String(repeating: "0123456789", count: 1_000)   // 10 kB, one line
        r = try mesh.notify([addr, big], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0, "\(r)")
        let inbox = mesh.home + "/.agent-inbox/tester"
        let files = try FileManager.default.contentsOfDirectory(atPath: inbox).sorted()
        #expect(files.count == 2, "\(files)")
        // stdin: exactly one trailing newline is dropped, the rest is kept byte-exact.
        let saved = try files.map { try FileSystem.read(inbox + "/" + $0) ?? [] }
        #expect(saved.contains(Array(multi.dropLast())))
        #expect(saved.contains(Array(big.utf8)))
        let typed = maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self))
        let stamp = #"msg-\d{8}T\d{6}Z-1\.txt"#
        #expect(typed.range(of: #"^\[from tester @ TIME\] long message saved at ~/\.agent-inbox/tester/"# + stamp
                            + #" \(35 bytes, 3 lines\)\r\[from tester @ TIME\] long message saved at ~/\.agent-inbox/tester/"#
                            + #"msg-\d{8}T\d{6}Z-\d\.txt \(10000 bytes, 1 line\)\r$"#, options: .regularExpression) != nil, "\(typed)")
        let mode = try FileManager.default.attributesOfItem(atPath: inbox + "/" + files[0])[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test("a pane in copy mode, detached: the mode is left and the message submitted")
    func copyModeDetached() throws {
        guard Package.require() else { return }
        let (mesh, pane, out) = try recorder()
        defer { mesh.close() }
        try mesh.tmux(["copy-mode", "-t", pane])
        let r = try mesh.notify([mesh.address("mesh", "rec"), "fg:/123 gt"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0, "\(r)")
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "[from tester @ TIME] fg:/123 gt\r")
        #expect(try mesh.tmux(["display-message", "-p", "-t", pane, "#{pane_in_mode}"]).stdoutText == "0\n")
    }

    @Test("copy mode with an attached client (vi and emacs keys): no hang, message submitted intact",
          arguments: ["vi", "emacs"])
    func copyModeAttached(keys: String) throws {
        guard Package.require() else { return }
        let (mesh, pane, out) = try recorder()
        defer { mesh.close() }
        try mesh.tmux(["set-option", "-g", "mode-keys", keys])
        try mesh.attachClient("mesh")
        try mesh.tmux(["copy-mode", "-t", pane])
        let message = "f g t : / 1 2 3 q ; search?"
        let start = MonotonicClock.milliseconds()
        let r = try mesh.notify([mesh.address("mesh", "rec"), message], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0, "\(r)")
        #expect(MonotonicClock.milliseconds() - start < 3_000)
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "[from tester @ TIME] \(message)\r")
    }

    @Test("20 concurrent senders to one pane: 20 intact, separate submissions")
    func concurrentSenders() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try recorder()
        defer { mesh.close() }
        let addr = mesh.address("mesh", "rec")
        let messages = (1...20).map { "sender \($0) says hello; with some length to interleave \($0)" }
        let commands = messages.enumerated().map { k, m in
            mesh.notifyCommand([addr, m], env: ["AGENT_NAME": "s\(k + 1)", "AGENT_MESH_ENTER_DELAY": "0"])
        }
        let results = try ProcessRunner.runAll(commands)
        for r in results { #expect(r.status == .exited(0), "\(r.stderrText)") }
        let text = maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self))
        let got = text.split(separator: "\r").map(String.init).sorted()
        let want = messages.enumerated().map { k, m in "[from s\(k + 1) @ TIME] \(m)" }.sorted()
        #expect(got == want)
    }

    @Test("a receiver that ignores Enter: exit 5 after one extra Enter, text typed once")
    func notSubmitted() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try recorder(["--ignore-enter"])
        defer { mesh.close() }
        let r = try mesh.notify([mesh.address("mesh", "rec"), "stuck message"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 5, "\(r)")
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("notify-pane: error: testhost-mesh-rec: typed, but the text still sits in the recipient's input line after two Enters"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "[from tester @ TIME] stuck message\r\r")
    }

    @Test("dim ghost text after an empty prompt is not a draft")
    func ghostText() throws {
        guard Package.require() else { return }
        let (mesh, pane, out) = try recorder(["--ghost"])
        defer { mesh.close() }
        #expect(try mesh.capture(pane).contains("rec> try: make test"))
        let r = try mesh.notify([mesh.address("mesh", "rec"), "ghost-free"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0, "\(r)")
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "[from tester @ TIME] ghost-free\r")
    }

    @Test("a busy program that has not echoed yet: exit 0 (queued, said on stderr), and it gets the text once")
    func busyProgram() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try recorder(["--busy", "3"])
        defer { mesh.close() }
        let r = try mesh.notify([mesh.address("mesh", "rec"), "while you were busy"],
                                env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0, "\(r)")
        #expect(r.stderr == "notify-pane: testhost-mesh-rec: not echoed yet: the program is busy; it reads the message when its prompt returns\n")
        #expect(maskTime(String(decoding: mesh.waitForFile(out, timeout: 5_000), as: UTF8.self)) == "[from tester @ TIME] while you were busy\r")
        let log = try String(contentsOfFile: mesh.home + "/.agents/log/notify.log", encoding: .utf8)
        #expect(log.contains("status=queued"))
    }
}
