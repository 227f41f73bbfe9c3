@testable import AgentMesh
import Glibc
import Testing

/// Locations in this package: its root (walking up from this file) and the built binaries.
enum PackageLayout {
    static let root: String = {
        var dir = FileSystem.directory(of: #filePath)
        while dir != "/" && !FileSystem.exists(dir + "/Package.swift") { dir = FileSystem.directory(of: dir) }
        return dir
    }()

    /// The debug build of an executable (`swift test` builds them first).
    static func binary(_ name: String) -> String { root + "/.build/debug/" + name }

    static var hasTmux: Bool {
        (try? ProcessRunner.run(Command("tmux", ["-V"])))?.isSuccess ?? false
    }
}

/// A throw-away HOME folder, removed with everything in it when released.
final class ScratchHome {
    let path: String

    init(_ label: String = "home") {
        var template = Array("/tmp/am-\(label)-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    var paths: MeshPaths { MeshPaths(home: path) }

    deinit { _ = try? ProcessRunner.run(Command("rm", ["-rf", path])) }
}

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

    var environment: [String: String?] {
        ["HOME": home.path, "TMUX": nil, "TMUX_PANE": nil, "TMUX_SOCKET": nil]
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
        return try ProcessRunner.run(Command(PackageLayout.binary(name), args, timeoutMilliseconds: 15_000,
                                             environment: env))
    }

    /// Installs `~/bin/agent-register-hook` (a link to the build) and loads tmux/hooks.conf.
    func loadHooks() throws {
        try FileSystem.makeDirectories(home.path + "/bin")
        _ = symlink(PackageLayout.binary("agent-register-hook"), home.path + "/bin/agent-register-hook")
        try run(["source-file", PackageLayout.root + "/tmux/hooks.conf"]).check()
    }

    /// (session, window index, window name) of every window, as tmux sees it.
    func liveWindows() throws -> [String] {
        let out = try run(["list-windows", "-a", "-F", "#{session_name}:#{window_index}"]).check().stdoutText
        return out.split(separator: "\n").map(String.init).sorted()
    }

    deinit { _ = try? run(["kill-server"]) }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass.
func eventually(_ seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = MonotonicClock.milliseconds() + Int(seconds * 1000)
    while MonotonicClock.milliseconds() < deadline {
        if try condition() { return true }
        MonotonicClock.sleep(milliseconds: 20)
    }
    return try condition()
}

/// The parsed `local.toml` of a home, or nil when missing or unparseable.
func localEntries(_ home: ScratchHome) -> [AgentEntry]? {
    guard let text = try? FileSystem.readText(home.paths.localToml) else { return nil }
    return try? LocalSlice.parse(text, defaultHost: "?").entries
}
