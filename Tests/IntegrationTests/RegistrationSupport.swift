@testable import AgentMesh
import Glibc
import Testing

/// A private tmux server (`tmux -L <unique> -f /dev/null`) whose environment has HOME set to
/// a scratch home, so hooks it runs write there. Killed when released.
final class PrivateTmuxServer {
    let name: String
    let socketPath: String
    let home: ScratchHome

    init(home: ScratchHome, firstSession: String = "base") throws {
        self.home = home
        name = "am-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        socketPath = "/tmp/tmux-\(getuid())/\(name)"
        try run(["new-session", "-d", "-s", firstSession, "-x", "160", "-y", "48"]).check()
    }

    /// LC_ALL is pinned to UTF-8: a tmux client in the C locale prints non-ASCII names as `_`,
    /// and the tests compare what the hook registered with what this harness lists.
    var environment: [String: String?] {
        ["HOME": home.path, "TMUX": nil, "TMUX_PANE": nil, "TMUX_SOCKET": nil, "LC_ALL": "C.UTF-8"]
    }

    /// Runs `tmux -L <name> -f /dev/null <args>` with the scratch HOME.
    @discardableResult
    func run(_ args: [String]) throws -> ProcessResult {
        try ProcessRunner.run(Command("tmux", ["-L", name, "-f", "/dev/null"] + args,
                                      timeoutMilliseconds: 5_000, environment: environment))
    }

    /// Runs one of our built executables against this server and home.
    func tool(_ name: String, _ args: [String], extraEnvironment: [String: String?] = [:]) throws -> ProcessResult {
        var env = environment
        env["TMUX_SOCKET"] = socketPath
        for (k, v) in extraEnvironment { env[k] = v }
        return try ProcessRunner.run(Command(Package.binary(name), args, timeoutMilliseconds: 15_000,
                                             environment: env))
    }

    /// Installs `~/bin/agent-register-hook` (a link to the build) and loads tmux/hooks.conf.
    func loadHooks() throws {
        try FileSystem.makeDirectories(home.path + "/bin")
        _ = symlink(Package.binary("agent-register-hook"), home.path + "/bin/agent-register-hook")
        try run(["source-file", Package.root + "/tmux/hooks.conf"]).check()
    }

    /// (session, window index, window name) of every window, as tmux sees it.
    func liveWindows() throws -> [String] {
        let out = try run(["list-windows", "-a", "-F", "#{session_name}:#{window_index}"]).check().stdoutText
        return out.split(separator: "\n").map(String.init).sorted()
    }

    deinit { _ = try? run(["kill-server"]) }
}

/// The parsed `local.toml` of a home, or nil when missing or unparseable.
func localEntries(_ home: ScratchHome) -> [AgentEntry]? {
    guard let text = try? FileSystem.readText(home.paths.localToml) else { return nil }
    return try? LocalSlice.parse(text, defaultHost: "?").entries
}
