@testable import AgentMesh
import Glibc
import Testing

/// Drives `Tests/MultiHost/harness.sh` for the multi-host tests: hosts h1…hN as users amhK,
/// our debug binaries installed in each `~/bin`, `self.conf`/`peers.conf`, a 1 s connect
/// timeout, and one tmux session `work` per host with a raw recorder window.
///
/// Only one harness can exist per machine, so every test using it is in the one `.serialized`
/// suite, and each test brings the hosts up and tears them down itself (`up 3` takes < 1 s).
final class MeshHarness {
    static let script = Package.root + "/Tests/MultiHost/harness.sh"
    let hosts: [String]

    /// nil (with the reason printed) when the harness cannot run here (not root, …).
    static func up(_ n: Int) throws -> MeshHarness? {
        let r = try ProcessRunner.run(Command(script, ["up", String(n)], timeoutMilliseconds: 60_000))
        if r.status == .exited(77) {
            print("skipping multi-host test: \(r.stdoutText.trimmingSpaces())")
            return nil
        }
        try r.check()
        return MeshHarness(hosts: (1...n).map { "h\($0)" })
    }

    private init(hosts: [String]) { self.hosts = hosts }

    deinit { _ = try? ProcessRunner.run(Command(MeshHarness.script, ["teardown"], timeoutMilliseconds: 60_000)) }

    func home(_ host: String) -> String { "/var/lib/amh-harness/home/amh\(host.dropFirst())" }

    /// Runs `argv` as the host's user inside its namespaces.
    @discardableResult
    func exec(_ host: String, _ argv: [String], input: [UInt8] = [], timeout: Int = 30_000) throws -> ProcessResult {
        try ProcessRunner.run(Command(MeshHarness.script, ["exec", host, "--"] + argv, input: input,
                                      timeoutMilliseconds: timeout))
    }

    /// `sh -c script` as the host's user.
    @discardableResult
    func sh(_ host: String, _ script: String, input: [UInt8] = [], timeout: Int = 30_000) throws -> ProcessResult {
        try exec(host, ["sh", "-c", script], input: input, timeout: timeout)
    }

    /// Our tool from the host's `~/bin`.
    @discardableResult
    func tool(_ host: String, _ name: String, _ args: [String], input: [UInt8] = [], timeout: Int = 60_000) throws -> ProcessResult {
        try exec(host, [home(host) + "/bin/" + name] + args, input: input, timeout: timeout)
    }

    /// Mesh files for every host; agent-mesh binaries on the hosts in `agentMesh`.
    func configure(agentMesh: Set<String>? = nil) throws {
        for host in hosts {
            let h = home(host)
            var script = "mkdir -p \(h)/.agents \(h)/bin && echo \(host) > \(h)/.agents/self.conf && "
                + "printf '\(hosts.joined(separator: "\\n"))\\n' > \(h)/.agents/peers.conf && "
                + "printf '[sync]\\nconnect_timeout = 1\\n' > \(h)/.agents/config.toml"
            if agentMesh?.contains(host) ?? true {
                for b in ["notify-pane", "agent-register-hook", "agent-discover"] {
                    script += " && cp \(Package.binary(b)) \(h)/bin/\(b)"
                }
            }
            script += " && chown -R amh\(host.dropFirst()): \(h)/.agents \(h)/bin"
            try ProcessRunner.run(Command("sh", ["-c", script])).check()
        }
    }

    /// Starts the host's tmux server: session `work` with window `agent<K>` (a shell) and
    /// window `rec` running `cat` into `~/rec.txt` (a raw recorder: bytes as typed).
    func startTmux(_ host: String) throws {
        try sh(host, "tmux new-session -d -s work -n agent\(host.dropFirst()) -x 200 -y 50 && "
               + "tmux new-window -d -t work: -n rec 'cat > $HOME/rec.txt'").check()
    }

    /// The host's assembled registry.
    func registry(_ host: String) -> [AgentEntry] {
        guard let text = try? FileSystem.readText(home(host) + "/.agents/registry.toml") else { return [] }
        return (try? RegistryDocument.parse(text)) ?? RegistryDocument.parseLeniently(text)
    }

    func file(_ host: String, _ relative: String) -> [UInt8]? { try? FileSystem.read(home(host) + "/" + relative) }
}
