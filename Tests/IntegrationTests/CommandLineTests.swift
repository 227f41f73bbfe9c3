@testable import AgentMesh
import Foundation
import Testing

/// The command line without tmux: help, version, usage errors, listing, whoami, unknown and
/// remote addresses. A registry is written by hand into a private HOME.
@Suite("notify-pane command line")
struct CommandLineTests {
    static let registry = """
    [agents.testhost-dev-build]
    host = "testhost"
    target = "dev:0"
    session = "dev"
    window = "build"
    role = "claude-code agent"
    scope = "~/src"
    window_id = "@1"
    pane_id = "%1"
    panes = ["%1", "%4"]
    socket = "/tmp/am-none/sock"

    [agents.testhost-dev-test]
    host = "testhost"
    target = "dev:1"
    session = "dev"
    window = "test"
    role = "shell"
    scope = "~"
    window_id = "@2"
    pane_id = "%2"
    panes = ["%2"]
    socket = "/tmp/am-none/sock"

    [agents.worker-1-ci-codex]
    host = "worker-1"
    target = "ci:0"
    session = "ci"
    window = "codex"
    role = "codex agent"
    scope = "~"
    stale = true

    """

    /// A home whose registry holds `registry`, pointed at a tmux socket that does not exist.
    static func offlineMesh() throws -> Mesh {
        let m = try Mesh()
        m.socketPath = "/tmp/am-none/sock"
        try registry.write(toFile: m.home + "/.agents/registry.toml", atomically: true, encoding: .utf8)
        return m
    }

    func mesh() throws -> Mesh { try Self.offlineMesh() }

    @Test("--help prints usage on stdout and exits 0; --version prints the version")
    func helpAndVersion() throws {
        let m = try mesh()
        defer { m.close() }
        let h = try m.notify(["--help"])
        #expect(h.code == 0 && h.stderr == "" && h.stdout.hasPrefix("USAGE: notify-pane [-q] <address> <message…>\n"))
        #expect(h.stdout.contains("5 typed but not submitted"))
        let v = try m.notify(["--version"])
        #expect(v.code == 0 && v.stdout == "notify-pane \(AgentMeshVersion.string)\n" && v.stderr == "")
    }

    @Test("usage errors: exit 1, one line on stderr", arguments: [
        ([], "missing address (see --help)"),
        (["testhost-dev-build"], "missing message for testhost-dev-build (give words, '-' for stdin, or --file <path>)"),
        (["--bogus"], "unknown option '--bogus' (see --help)"),
        (["testhost-dev-build", "--file"], "option --file needs a value"),
        (["--completion", "fish"], "--completion takes bash or zsh, not 'fish'"),
    ])
    func usageErrors(args: [String], message: String) throws {
        let m = try mesh()
        defer { m.close() }
        let r = try m.notify(args)
        #expect(r.code == 1 && r.stdout == "" && r.stderr == "notify-pane: error: \(message)\n")
    }

    @Test("--completion bash|zsh prints the script, naming the binary by the path it was run as")
    func completion() throws {
        let m = try mesh()
        defer { m.close() }
        for shell in ["bash", "zsh"] {
            let r = try m.notify(["--completion", shell])
            #expect(r.code == 0 && r.stderr == "")
            #expect(r.stdout.contains("list=$(\"\(Package.binary("notify-pane"))\" --list 2>/dev/null)"))
            let binary = Package.binary("notify-pane")
            #expect(r.stdout == (shell == "zsh" ? CompletionScript.zsh(.notifyPane, binary: binary)
                                                : CompletionScript.bash(.notifyPane, binary: binary)))
        }
        #expect(try m.notify(["--completion", "bash"]).stdout.hasSuffix("complete -o default -F _notify_pane notify-pane\n"))
        #expect(try m.notify(["--completion", "zsh"]).stdout.hasPrefix("#compdef notify-pane\n"))
    }

    @Test("--list prints addresses only; --long and --json describe them")
    func listing() throws {
        let m = try mesh()
        defer { m.close() }
        let plain = try m.notify(["--list"])
        #expect(plain.code == 0 && plain.stderr == "")
        #expect(plain.stdout == "testhost-dev-build\ntesthost-dev-test\nworker-1-ci-codex\n")
        let long = try m.notify(["--list", "--long"])
        #expect(long.stdout == """
            testhost-dev-build  testhost  dev:0  claude-code agent  live
            testhost-dev-test   testhost  dev:1  shell              live
            worker-1-ci-codex   worker-1  ci:0   codex agent        stale

            """)
        let json = try m.notify(["--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 3)
        #expect(parsed?[0]["pane_id"] as? String == "%1")
        #expect(parsed?[2]["stale"] as? Bool == true)
    }

    @Test("--whoami: AGENT_NAME, else the window holding $TMUX_PANE (from local.toml), else the host alias")
    func whoami() throws {
        let m = try mesh()
        defer { m.close() }
        try FileManager.default.copyItem(atPath: m.home + "/.agents/registry.toml", toPath: m.home + "/.agents/local.toml")
        #expect(try m.notify(["--whoami"], env: ["AGENT_NAME": "named"]).stdout == "named\n")
        let inPane: [String: String?] = ["TMUX_PANE": "%4", "TMUX": "/tmp/am-none/sock,123,0"]
        #expect(try m.notify(["--whoami"], env: inPane).stdout == "testhost-dev-build\n")
        #expect(try m.notify(["--whoami"], env: [:]).stdout == "testhost\n")
        // Speed: no tmux call when the pane is listed. Printed, not asserted.
        let start = MonotonicClock.microseconds()
        for _ in 0..<20 { _ = try m.notify(["--whoami"], env: inPane) }
        print("whoami: \((MonotonicClock.microseconds() - start) / 20) µs per run (including the test's spawn)")
    }

    @Test("unknown address → exit 2 with the closest addresses")
    func unknownAddress() throws {
        let m = try mesh()
        defer { m.close() }
        var r = try m.notify(["testhost-dev-buld", "hi"])
        #expect(r.code == 2 && r.stdout == "")
        #expect(r.stderr == "notify-pane: error: unknown address 'testhost-dev-buld' (did you mean: testhost-dev-build, testhost-dev-test?); see --list\n")
        r = try m.notify(["zzz", "hi"])
        #expect(r.stderr == "notify-pane: error: unknown address 'zzz'; see --list\n")
    }

    @Test("a malformed AGENT_MESH_ENTER_DELAY is a usage error")
    func badDelay() throws {
        let m = try mesh()
        defer { m.close() }
        let r = try m.notify(["testhost-dev-build", "hi"], env: ["AGENT_NAME": "t", "AGENT_MESH_ENTER_DELAY": "soon"])
        #expect(r.code == 1)
        #expect(r.stderr == "notify-pane: error: AGENT_MESH_ENTER_DELAY takes seconds (0.15) or milliseconds (150ms), got 'soon'\n")
    }

    @Test("a recipient on a host ssh cannot reach → exit 4, one line naming the host and ssh's reason")
    func remoteUnreachable() throws {
        let m = try mesh()
        defer { m.close() }
        let r = try m.notify(["worker-1-ci-codex", "hi"])
        #expect(r.code == 4)
        #expect(r.stderr.hasPrefix("notify-pane: error: worker-1-ci-codex: ssh worker-1: "))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}

@Suite("notify-pane transport failures")
struct TransportFailureTests {
    func mesh() throws -> Mesh { try CommandLineTests.offlineMesh() }

    @Test("tmux missing or failing → exit 4; the server gone → exit 2 (window gone)")
    func tmuxFailures() throws {
        let m = try mesh()
        defer { m.close() }
        var r = try m.notify(["testhost-dev-build", "hi"], env: ["AGENT_NAME": "t", "TMUX_BIN": "/nonexistent/tmux"])
        #expect(r.code == 4)
        #expect(r.stderr == "notify-pane: error: testhost-dev-build: cannot run tmux: spawn /nonexistent/tmux: No such file or directory\n")
        r = try m.notify(["testhost-dev-build", "hi"], env: ["AGENT_NAME": "t", "TMUX_BIN": "/bin/false"])
        #expect(r.code == 4)
        #expect(r.stderr == "notify-pane: error: testhost-dev-build: false capture-pane: exit 1\n")
        guard Package.require() else { return }
        r = try m.notify(["testhost-dev-build", "hi"])
        #expect(r.code == 2)
        #expect(r.stderr == "notify-pane: error: testhost-dev-build: the recipient's window is gone (error connecting to /tmp/am-none/sock (No such file or directory))\n")
        let log = try String(contentsOfFile: m.home + "/.agents/log/notify.log", encoding: .utf8)
        #expect(log.split(separator: "\n").map { $0.contains("status=tmux-failure") } == [true, true, false])
    }

    @Test("a pane lock held past the deadline → tmux failure (exit 4), nothing typed")
    func lockTimeout() throws {
        let m = try mesh()
        defer { m.close() }
        let paths = MeshPaths(home: m.home)
        let held = try PaneLock.acquire(paths: paths, socket: "/tmp/am-none/sock", paneID: "%1")
        defer { held.unlock() }
        var engine = DeliveryEngine(paths: paths, tmux: Tmux(binary: "/bin/false", socketPath: "/tmp/am-none/sock"))
        engine.lockTimeoutMilliseconds = 100
        let o = engine.deliver(DeliveryRequest(socket: "/tmp/am-none/sock", paneID: "%1", windowID: "@1", session: "dev",
                                               windowIndex: 0, text: "hi"))
        #expect(o.status == .tmuxFailure && NotifyExitCode.for(o.status) == .transport)
        #expect(o.detail.hasPrefix("pane %1 is busy: could not take its delivery lock"))
    }
}
