@testable import AgentMesh
import Foundation
import Testing

/// Real interactive programs: drafts are refused and left alone, empty prompts are not
/// mistaken for drafts, agent-style receivers submit with the default delay.
@Suite("notify-pane with real programs", .serialized)
struct ProgramTests {
    static let bash = "env -i PATH=/usr/bin:/bin TERM=xterm HOME=/tmp PS1='bash$ ' bash --norc --noprofile -i"
    static let python = "env -i PATH=/usr/bin:/bin TERM=xterm python3 -q"

    func start(_ mesh: Mesh, _ window: String, _ command: String, ready: String) throws -> String {
        let pane = try mesh.window(session: "mesh", name: window, command)
        try mesh.waitFor(pane, ready)
        return pane
    }

    func lastLine(_ mesh: Mesh, _ pane: String) throws -> String {
        let cursorY = Int(try mesh.tmux(["display-message", "-p", "-t", pane, "#{cursor_y}"]).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let rows = try mesh.capture(pane).split(separator: "\n", omittingEmptySubsequences: false)
        return cursorY < rows.count ? String(rows[cursorY]) : ""
    }

    @Test("bash, python3 and prompt_toolkit: an empty prompt is no draft, a draft is refused (exit 3) and left untouched, FORCE_SEND overrides")
    func draftsAndEmptyPrompts() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let ptkOut = mesh.file("ptk.txt")
        var programs: [(String, String, String, String)] = [
            ("bash", Self.bash, "bash$", "echo draft-in-bash"),
            ("py", Self.python, ">>>", "x = 'draft'"),
        ]
        if Package.require(promptToolkit: true) {
            programs.append(("ptk", "python3 \(Package.fixture("ptk_prompt.py")) \(ptkOut)", "ptk>", "half typed"))
        }
        var panes: [String: String] = [:]
        for (name, command, ready, _) in programs { panes[name] = try start(mesh, name, command, ready: ready) }
        try mesh.register("mesh")
        let env: [String: String?] = ["AGENT_NAME": "tester"]
        for (name, _, ready, draft) in programs {
            let addr = mesh.address("mesh", name), pane = panes[name]!
            // Empty prompt: delivered.
            var r = try mesh.notify([addr, "empty-prompt check"], env: env)
            #expect(r.code == 0, "\(name): \(r)")
            try mesh.waitFor(pane, ready)
            MonotonicClock.sleep(milliseconds: 200)
            #expect(try lastLine(mesh, pane).trimmingCharacters(in: .whitespaces) == ready, "\(name)")
            // A human draft: refused, untouched.
            try mesh.tmux(["send-keys", "-t", pane, "-l", draft])
            try mesh.waitFor(pane, draft)
            r = try mesh.notify([addr, "should not land"], env: env)
            #expect(r.code == 3, "\(name): \(r)")
            #expect(r.stdout == "")
            #expect(r.stderr == "notify-pane: error: \(addr): recipient has a draft in its input line (\"\(draft)\"); not sent (FORCE_SEND=1 overrides)\n")
            #expect(try lastLine(mesh, pane) == "\(ready) \(draft)", "\(name)")
            #expect(!(try mesh.capture(pane)).contains("should not land"))
            // FORCE_SEND=1 types anyway (appended to the draft) and submits.
            r = try mesh.notify([addr, "forced"], env: ["AGENT_NAME": "tester", "FORCE_SEND": "1"])
            #expect(r.code == 0, "\(name): \(r)")
        }
        if panes["ptk"] != nil {
            let lines = String(decoding: mesh.waitForFile(ptkOut), as: UTF8.self).split(separator: "\n").map { maskTime(String($0)) }
            #expect(lines == ["[from tester @ TIME] empty-prompt check", "half typed[from tester @ TIME] forced"])
        }
    }

    /// The python3 that has IPython (pyenv's, usually), or nil.
    static let ipythonPython: String? = {
        guard let r = try? ProcessRunner.run(Command("python3", ["-c", "import sys, IPython; print(sys.executable)"])),
              r.isSuccess else { return nil }
        return r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    @Test("IPython (prompt_toolkit, numbered prompts): empty prompt delivered, a draft refused and left untouched, FORCE_SEND overrides")
    func ipython() throws {
        guard Package.require() else { return }
        guard let python = Self.ipythonPython else { print("SKIP ipython: IPython is missing (pip install ipython)"); return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let dir = mesh.file("ipython")
        let command = "env -i PATH=/usr/bin:/bin TERM=xterm HOME=\(dir) IPYTHONDIR=\(dir) \(python) -m IPython --no-banner --colors=NoColor"
        let pane = try start(mesh, "ipy", command, ready: "In [1]:")
        try mesh.register("mesh")
        let addr = mesh.address("mesh", "ipy")
        var r = try mesh.notify([addr, "delivered to IPython"], env: ["AGENT_NAME": "tester"])
        #expect(r.code == 0, "\(r)")
        try mesh.waitFor(pane, "In [2]:")
        #expect(try mesh.capture(pane).contains("In [1]: [from tester @ "))
        try mesh.tmux(["send-keys", "-t", pane, "-l", "x = 'draft'"])
        try mesh.waitFor(pane, "x = 'draft'")
        r = try mesh.notify([addr, "should not land"], env: ["AGENT_NAME": "tester"])
        #expect(r.code == 3, "\(r)")
        #expect(try lastLine(mesh, pane).hasPrefix("In [2]: x = 'draft'"))
        #expect(!(try mesh.capture(pane)).contains("should not land"))
        r = try mesh.notify([addr, "forced"], env: ["AGENT_NAME": "tester", "FORCE_SEND": "1"])
        #expect(r.code == 0, "\(r)")
        try mesh.waitFor(pane, "In [3]:")
    }

    static let hasTextual: Bool = (try? ProcessRunner.run(Command("python3", ["-c", "import textual"])))?.isSuccess ?? false

    @Test("Textual Input (placeholder, own cursor): an empty input is no draft; messages are submitted intact")
    func textual() throws {
        guard Package.require() else { return }
        guard Self.hasTextual else { print("SKIP textual: Textual is missing (pip install textual)"); return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let out = mesh.file("textual.txt")
        _ = try start(mesh, "tx", "python3 \(Package.fixture("textual_input.py")) \(out)", ready: "Type a message")
        try mesh.register("mesh")
        let addr = mesh.address("mesh", "tx")
        for body in ["first; $(x) -n", "second 👨‍💻 \\ \"q\""] {
            let r = try mesh.notify([addr, body], env: ["AGENT_NAME": "tester"])
            #expect(r.code == 0, "\(r)")
        }
        #expect(eventually { (try? FileSystem.readText(out))?.split(separator: "\n").count == 2 })
        let lines = (try FileSystem.readText(out) ?? "").split(separator: "\n").map { maskTime(String($0)) }
        #expect(lines == ["[from tester @ TIME] first; $(x) -n", "[from tester @ TIME] second 👨‍💻 \\ \"q\""])
    }

    @Test("the paste-burst receiver (Codex's rule) submits with the default enter delay; with 0 ms the Enter becomes a newline")
    func pasteBurst() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let out = mesh.file("burst.txt")
        let pane = try start(mesh, "burst", "python3 \(Package.fixture("paste_burst.py")) \(out)", ready: "burst>")
        try mesh.register("mesh")
        let addr = mesh.address("mesh", "burst")
        var r = try mesh.notify([addr, "default delay submits"])
        #expect(r.code == 0, "\(r)")
        var lines = String(decoding: mesh.waitForFile(out), as: UTF8.self).split(separator: "\n").map { maskTime(String($0)) }
        #expect(lines == ["[from tester @ TIME] default delay submits"])
        // Control: no delay. The Enter lands inside the burst window and becomes a newline;
        // verification sees the text still there and sends the one extra Enter.
        try mesh.waitFor(pane, "burst>")
        r = try mesh.notify([addr, "no delay"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0, "\(r)")
        MonotonicClock.sleep(milliseconds: 100)
        lines = String(decoding: mesh.waitForFile(out), as: UTF8.self).split(separator: "\n").map { maskTime(String($0)) }
        #expect(lines == ["[from tester @ TIME] default delay submits", "[from tester @ TIME] no delay\\n"])
    }

    @Test("a Claude Code /config-style dialog gets Escape first; SKIP_DISMISS=1 leaves it")
    func dialogDismissal() throws {
        guard Package.require() else { return }
        let mesh = try Mesh()
        defer { mesh.close() }
        let out = mesh.file("dialog.txt"), out2 = mesh.file("dialog2.txt")
        try start(mesh, "dlg", "python3 \(Package.fixture("fake_dialog.py")) \(out)", ready: "Esc to cancel")
        try start(mesh, "dlg2", "python3 \(Package.fixture("fake_dialog.py")) \(out2)", ready: "Esc to cancel")
        try mesh.register("mesh")
        var r = try mesh.notify([mesh.address("mesh", "dlg"), "after the dialog"], env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"])
        #expect(r.code == 0, "\(r)")
        #expect(r.stderr == "notify-pane: dismissed a /config dialog on testhost-mesh-dlg before delivery\n")
        #expect(maskTime(String(decoding: mesh.waitForFile(out), as: UTF8.self)) == "SUBMIT:[from tester @ TIME] after the dialog\n")
        r = try mesh.notify([mesh.address("mesh", "dlg2"), "into the dialog"],
                            env: ["AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0", "SKIP_DISMISS": "1"])
        #expect(!r.stderr.contains("dismissed"))
        #expect(maskTime(String(decoding: mesh.waitForFile(out2), as: UTF8.self)).hasPrefix("ATE:[from tester @ TIME] into the dialog"))
    }
}
