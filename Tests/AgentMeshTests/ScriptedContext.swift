@testable import AgentMesh
import Foundation

/// A `MeshContext` for unit tests: a scripted pane answers every tmux command the send path
/// runs (as data, through `CommandRunning`), the clock advances only when slept, and output
/// is recorded. What it stands for is a line-editing program at a `$ ` prompt; each test
/// sets how it behaves (a draft, ignoring Enter, vanishing after the paste).
final class ScriptedPane: CommandRunning, @unchecked Sendable {
    private let lock = NSLock()
    var rows: [String] = ["$ "]
    /// What sits on the input line after the prompt.
    var input = ""
    var submitted: [String] = []
    var ignoresEnter = false
    var goneAfterPaste = false
    /// A busy program: keys wait in its pty, nothing is echoed until `catchUp()`.
    var isBusy = false
    private var pending: [String] = []
    var gone = false
    private(set) var enters = 0
    private(set) var pastes = 0
    private(set) var commands: [[String]] = []
    private var buffers: [String: String] = [:]

    var allowsTmuxWire: Bool { false }

    func run(_ command: Command) throws(SystemError) -> ProcessResult {
        lock.lock(); defer { lock.unlock() }
        var out = "", err = "", code: Int32 = 0
        // `tmux -u -S <socket> a ; b ; c`: the words after the global options, split at `;`.
        let words = Array(TmuxClient.splitGlobalOptions(command.arguments).rest)
        for part in words.split(separator: ";", omittingEmptySubsequences: true).map(Array.init) {
            commands.append(part)
            guard !gone else { err += "can't find pane: %1\n"; code = 1; break }
            switch part.first {
            case "capture-pane": out += screen().joined(separator: "\n") + "\n"
            case "display-message": out += identity() + "\n"
            case "load-buffer": buffers[part[2]] = String(decoding: command.input, as: UTF8.self)
            case "paste-buffer" where isBusy:
                if let i = part.firstIndex(of: "-b"), let text = buffers.removeValue(forKey: part[i + 1]) { pending.append(text) }
                pastes += 1
            case "send-keys" where isBusy && part.last == "Enter":
                enters += 1
                pending.append("\n")
            case "paste-buffer":
                if let i = part.firstIndex(of: "-b"), let text = buffers.removeValue(forKey: part[i + 1]) { input += text }
                pastes += 1
                if goneAfterPaste { gone = true }
            case "send-keys" where part.last == "Enter":
                enters += 1
                if !ignoresEnter {
                    submitted.append(input)
                    rows[rows.count - 1] = "$ " + input
                    rows.append("$ ")
                    input = ""
                }
            default: break
            }
        }
        return ProcessResult(command: command, status: .exited(code), stdout: Array(out.utf8), stderr: Array(err.utf8),
                             timedOut: false, elapsedMilliseconds: 0)
    }

    /// The busy program reads what waited in its pty.
    func catchUp() {
        lock.lock(); defer { lock.unlock() }
        isBusy = false
        for p in pending {
            if p == "\n" { submitted.append(input); rows[rows.count - 1] = "$ " + input; rows.append("$ "); input = "" } else { input += p }
        }
        pending = []
    }

    func runAll(_ commands: [Command]) throws(SystemError) -> [ProcessResult] {
        var results: [ProcessResult] = []
        for c in commands { results.append(try run(c)) }
        return results
    }

    func spawnDetached(_ command: Command) throws(SystemError) -> pid_t { 0 }

    private func screen() -> [String] { Array(rows.dropLast()) + ["$ " + input] }

    /// The probe's `AMPROBE` line: pane %1 of window @1, 200×50, cursor after the input.
    private func identity() -> String {
        let y = rows.count - 1, x = 2 + input.count
        return ["AMPROBE", "%1", "@1", "0", "0", "\(x)", "\(y)", "0", "200", "50", "0", "3.3a", "0", "", "", "", "bash"]
            .joined(separator: "\t")
    }
}

/// Time that passes only when someone sleeps.
final class SteppedClock: MeshClock, @unchecked Sendable {
    private let lock = NSLock()
    private var ms = 1_000_000
    func milliseconds() -> Int { lock.lock(); defer { lock.unlock() }; return ms }
    func sleep(milliseconds: Int) { lock.lock(); ms += max(milliseconds, 1); lock.unlock() }
    func now() -> Int { 1_790_000_000 + milliseconds() / 1_000 }
}

final class RecordedOutput: OutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var stdout = ""
    private(set) var stderr = ""
    func out(_ text: String) { lock.lock(); stdout += text; lock.unlock() }
    func err(_ text: String) { lock.lock(); stderr += text; lock.unlock() }
}

/// A throw-away HOME whose registry lists one window, `testhost-work-shell` (pane %1 on the
/// socket `/nonexistent/scripted.sock`, which nothing but the script ever answers).
struct ScriptedMesh {
    let home: String
    let pane = ScriptedPane()
    let clock = SteppedClock()
    let output = RecordedOutput()
    static let address = "testhost-work-shell"

    init() throws {
        home = "/tmp/am-scripted-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: home + "/.agents", withIntermediateDirectories: true)
        try "testhost\n".write(toFile: home + "/.agents/self.conf", atomically: true, encoding: .utf8)
        try """
        # agent-mesh: host=testhost serial=1 protocol=1

        [agents.\(Self.address)]
        host = "testhost"
        target = "work:0"
        session = "work"
        window = "shell"
        role = "shell"
        window_index = 0
        window_id = "@1"
        pane_id = "%1"
        panes = ["%1"]
        command = "bash"
        socket = "/nonexistent/scripted.sock"
        updated = "2026-12-01T00:00:00Z"
        protocol = 1

        """.write(toFile: home + "/.agents/local.toml", atomically: true, encoding: .utf8)
    }

    var context: MeshContext {
        MeshContext(environment: .fixed(["HOME": home, "AGENT_NAME": "tester", "AGENT_MESH_ENTER_DELAY": "0"]),
                    runner: pane, clock: clock, output: output)
    }

    func notify(_ args: [String]) -> Int32 { NotifyPaneTool.main(["notify-pane"] + args, context: context) }

    func remove() { try? FileManager.default.removeItem(atPath: home) }
}
