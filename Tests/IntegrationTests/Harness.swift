@testable import AgentMesh
import Foundation
import Testing

/// Paths of the package, its built binaries and the receiver fixtures: the one place the
/// integration tests find them.
enum Package {
    /// The package root: walk up from this file to the folder holding Package.swift.
    static let root: String = {
        var dir = FileSystem.directory(of: #filePath)
        while dir != "/" && !FileSystem.exists(dir + "/Package.swift") { dir = FileSystem.directory(of: dir) }
        return dir
    }()

    /// The debug build of an executable (`swift test` builds them first).
    static func binary(_ name: String) -> String { "\(root)/.build/debug/\(name)" }
    static func fixture(_ name: String) -> String { "\(root)/Tests/Fixtures/\(name)" }

    static let hasTmux: Bool = (try? ProcessRunner.run(Command("tmux", ["-V"])))?.isSuccess ?? false
    static let hasPromptToolkit: Bool =
        (try? ProcessRunner.run(Command("python3", ["-c", "import prompt_toolkit"])))?.isSuccess ?? false

    /// Prints why a test is skipped; true when it may run.
    static func require(tmux: Bool = true, promptToolkit: Bool = false, _ test: String = #function) -> Bool {
        if tmux && !hasTmux { print("SKIP \(test): tmux is not installed"); return false }
        if promptToolkit && !hasPromptToolkit { print("SKIP \(test): prompt_toolkit is missing (pip install prompt_toolkit)"); return false }
        return true
    }
}

/// A throw-away HOME folder, removed with everything in it by `remove()` or when released.
final class ScratchHome {
    let path: String

    init(_ label: String = "home") {
        var template = Array("/tmp/am-\(label)-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    var paths: MeshPaths { MeshPaths(home: path) }

    func remove() { _ = try? ProcessRunner.run(Command("rm", ["-rf", path])) }

    deinit { remove() }
}

/// What a run of a built binary printed.
struct Run: CustomStringConvertible {
    var stdout: String
    var stderr: String
    var code: Int32
    var description: String { "exit \(code)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// A private tmux server (`tmux -L am-<unique> -f /dev/null`) and a private HOME holding
/// `~/.agents` for host alias `testhost`. Killed and removed by `close()`.
final class Mesh {
    let name: String
    let scratch = ScratchHome("mesh")
    var home: String { scratch.path }
    var socketPath = ""
    /// The tmux binary this mesh's server and the harness's own calls use.
    var tmuxBinary = "tmux"
    private var helpers: [pid_t] = []

    init() throws {
        name = "am-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: home + "/.agents", withIntermediateDirectories: true)
        try "testhost\n".write(toFile: home + "/.agents/self.conf", atomically: true, encoding: .utf8)
    }

    /// `tmux -L <name> -f /dev/null <args…>`, checked.
    @discardableResult
    func tmux(_ args: [String], check: Bool = true) throws -> ProcessResult {
        let r = try ProcessRunner.run(Command(tmuxBinary, ["-L", name, "-f", "/dev/null"] + args,
                                              environment: ["TMUX": nil, "TMUX_PANE": nil]))
        if check && !r.isSuccess { throw CommandFailed(r) }
        return r
    }

    /// Starts (or adds to) a session whose first/new window runs `command`; returns its pane id.
    @discardableResult
    func window(session: String, name window: String, _ command: String) throws -> String {
        let exists = try tmux(["has-session", "-t", "=\(session)"], check: false).isSuccess
        let args = exists
            ? ["new-window", "-d", "-P", "-F", "#{pane_id}", "-t", "=\(session):", "-n", window, command]
            : ["new-session", "-d", "-P", "-F", "#{pane_id}", "-s", session, "-n", window, "-x", "120", "-y", "30", command]
        let pane = try tmux(args).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        if socketPath.isEmpty {
            try tmux(["set-option", "-g", "remain-on-exit", "off"])
            socketPath = try tmux(["display-message", "-p", "#{socket_path}"]).stdoutText
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return pane
    }

    /// Registers every window by running the built hook, as tmux would.
    func register(_ session: String) throws {
        let r = try ProcessRunner.run(Command(Package.binary("agent-register-hook"), ["on", session],
                                              environment: env([:])))
        #expect(r.isSuccess, "hook: \(r.stderrText)")
    }

    func address(_ session: String, _ window: String) -> String { "testhost-\(Slug.make(session))-\(Slug.make(window))" }

    /// The environment of a sender outside tmux: HOME, the server socket, no AGENT_NAME.
    func env(_ extra: [String: String?]) -> [String: String?] {
        var e: [String: String?] = ["HOME": home, "TMUX_SOCKET": socketPath, "TMUX": nil, "TMUX_PANE": nil,
                                    "AGENT_NAME": nil, "FORCE_SEND": nil, "SKIP_DISMISS": nil,
                                    "AGENT_MESH_ENTER_DELAY": nil]
        for (k, v) in extra { e[k] = v }
        return e
    }

    /// Runs the built notify-pane.
    func notify(_ args: [String], env extra: [String: String?] = ["AGENT_NAME": "tester"], stdin: [UInt8] = [],
                timeout: Int = 20_000) throws -> Run {
        let r = try ProcessRunner.run(Command(Package.binary("notify-pane"), args, input: stdin,
                                              timeoutMilliseconds: timeout, environment: env(extra)))
        let code: Int32 = { if case .exited(let c) = r.status { return c } else { return -1 } }()
        return Run(stdout: r.stdoutText, stderr: r.stderrText, code: code)
    }

    func notifyCommand(_ args: [String], env extra: [String: String?] = ["AGENT_NAME": "tester"]) -> Command {
        Command(Package.binary("notify-pane"), args, timeoutMilliseconds: 60_000, environment: env(extra))
    }

    func capture(_ pane: String) throws -> String { try tmux(["capture-pane", "-p", "-t", pane]).stdoutText }

    /// Waits until the pane shows `text` (a program finished starting); fails after 10 s.
    func waitFor(_ pane: String, _ text: String, timeout: Int = 10_000) throws {
        if try eventually(Double(timeout) / 1_000, { try capture(pane).contains(text) }) { return }
        Issue.record("pane \(pane) never showed \(text):\n\(try capture(pane))")
    }

    /// Waits until `path` holds at least `count` bytes (a receiver recorded something).
    func waitForFile(_ path: String, atLeast count: Int = 1, timeout: Int = 5_000) -> [UInt8] {
        var bytes: [UInt8] = []
        _ = eventually(Double(timeout) / 1_000) {
            bytes = (try? FileSystem.read(path)) ?? []
            return bytes.count >= count
        }
        return bytes
    }

    /// Attaches a client on a pseudo-terminal (a person watching); killed by close().
    func attachClient(_ session: String) throws {
        let pid = try ProcessRunner.spawnDetached(Command("python3", [Package.fixture("attach_client.py"),
                                                                      "-L", name, "attach", "-t", "=\(session)"],
                                                          environment: ["TMUX": nil, "TMUX_PANE": nil]))
        helpers.append(pid)
        if try eventually(5, { !(try tmux(["list-clients"]).stdoutText.isEmpty) }) { return }
        Issue.record("no client attached")
    }

    func file(_ name: String) -> String { "\(home)/\(name)" }

    func close() {
        for pid in helpers { kill(pid, SIGTERM) }
        _ = try? tmux(["kill-server"], check: false)
        scratch.remove()
    }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; the last answer. The one
/// waiting loop of the integration tests.
func eventually(_ seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = MonotonicClock.milliseconds() + Int(seconds * 1000)
    while MonotonicClock.milliseconds() < deadline {
        if try condition() { return true }
        MonotonicClock.sleep(milliseconds: 20)
    }
    return try condition()
}

/// `[from <sender> @ YYYY-MM-DDTHH:MM:SSZ] [id:<id>] ` with the time and the message id masked,
/// for exact comparisons (tests of the id itself read it unmasked).
func maskTime(_ s: String) -> String {
    s.replacingOccurrences(of: #"@ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\]( \[id:[0-9a-z]{16}\])?( \[re:[0-9a-z]{16}\])?( \[hop:\d+\])?"#, with: "@ TIME]",
                           options: .regularExpression)
}
