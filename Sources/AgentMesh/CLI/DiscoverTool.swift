@preconcurrency import Glibc

/// `agent-discover`: rebuild this host's slice from live tmux state (authoritative: windows
/// whose close hook was missed disappear), exchange slices with every peer, assemble
/// `registry.toml`, and print a one-line summary. The systemd timer / cron line runs it every
/// 5 minutes as a safety net.
///
/// Exit status: 0 done — also when some peers were unreachable (the summary names them and
/// their agents stay, marked stale); 1 usage; 4 this host's tmux or files failed.
public enum DiscoverTool {
    public static let name = "agent-discover"

    public static let help = """
    USAGE: agent-discover [--local | --sync] [-q]

    Rebuilds ~/.agents/local.toml from every live tmux window of this host (windows whose
    close hook was missed are removed), exchanges slices with every peer in
    ~/.agents/peers.conf (one ssh each, all at once), assembles ~/.agents/registry.toml and
    prints one summary line. Unreachable peers keep their agents, marked stale.

    OPTIONS:
      --local          do not contact peers: rebuild and assemble from cached slices only
      --sync           do not rebuild: only exchange slices with the peers and assemble
      -q, --quiet      print nothing on success
      -h, --help       show this help
      --version        show the version

    SETTINGS: ~/.agents/config.toml [sync] connect_timeout (5 s), control_persist (300 s),
    stale_drop_after ("7d"), timeout (30 s); see the README.

    EXIT STATUS: 0 done (also when some peers were unreachable); 1 usage; 4 tmux or file failure.
    """

    public static func main(_ argv: [String]) -> Int32 {
        var scanner = ArgumentScanner(Array(argv.dropFirst()))
        var quiet = false, localOnly = false, syncOnly = false, coalesce = false
        var exchangeSender: String?
        do throws(UsageError) {
            while let (option, value) = try scanner.next(valueOptions: ["--exchange"]) {
                switch option {
                case "-h", "--help": Output.out(help + "\n"); return 0
                case "--version": Output.out("\(name) \(AgentMeshVersion.string)\n"); return 0
                case "-q", "--quiet": quiet = true
                case "--local": localOnly = true
                case "--sync": syncOnly = true
                case "--coalesce": coalesce = true
                case "--exchange": exchangeSender = value
                default: throw UsageError("unknown option \(option) (see --help)")
                }
            }
            if let extra = scanner.positionals.first { throw UsageError("unexpected argument '\(extra)' (see --help)") }
            if localOnly && syncOnly { throw UsageError("--local and --sync exclude each other") }
            if coalesce && !syncOnly { throw UsageError("--coalesce goes with --sync") }
        } catch {
            Output.error(tool: name, error.message)
            return 1
        }
        let paths = MeshPaths()
        if let sender = exchangeSender {
            do {
                try Exchange.serve(sender: sender, paths: paths, input: readStandardInput(), tool: name)
                return 0
            } catch {
                Output.error(tool: name, "exchange with \(sender): \(error)")
                return 4
            }
        }
        let host = HostIdentity.selfAlias(paths)
        let settings = SyncSettings.load(paths)
        for warning in settings.warnings { Output.err("\(name): warning: \(warning)\n") }
        do {
            if coalesce {
                try SyncTrigger.runCoalesced(paths: paths, debounceMilliseconds: settings.debounceMilliseconds) {
                    // Background rounds leave one line each in ~/.agents/log/sync.log.
                    let line: String
                    do { line = try MeshSync(paths: paths, settings: settings).run().summary } catch { line = "failed: \(error)" }
                    try? paths.ensureFolder(paths.log, mode: 0o700)
                    try? FileSystem.append(paths.log + "/sync.log", Array("\(WallClock.iso8601()) \(line)\n".utf8))
                }
                return 0
            }
            var parts: [String] = []
            if !syncOnly {
                let outcome = try Registrar(paths: paths, tmux: Tmux(), host: host).run(.all)
                if let corrupt = outcome.replacedCorrupt {
                    Output.err("\(name): warning: \(corrupt) (replaced by the rebuilt slice; old copy kept as local.toml.corrupt)\n")
                }
                parts.append("\(outcome.windows) window\(outcome.windows == 1 ? "" : "s") registered")
            }
            if !localOnly {
                let report = try MeshSync(paths: paths, settings: settings).run()
                for w in report.warnings { Output.err(w + "\n") }
                for (alias, outcome) in report.peers {
                    if case .badSlice(let why) = outcome { Output.err("\(name): warning: \(why); kept the last good copy of \(alias)\n") }
                    if case .unreachable(let why) = outcome, !quiet { Output.err("\(name): \(alias) unreachable: \(why)\n") }
                }
                parts.append(report.summary)
            } else {
                let store = RegistryStore(paths: paths)
                let lock = try store.lockRegistry()
                try RegistryAssembler(paths: paths, selfAlias: host, staleDropAfterSeconds: settings.staleDropAfterSeconds)
                    .assemble(local: store.readLocal(defaultHost: host).slice?.entries ?? [])
                lock.unlock()
            }
            if !quiet {
                let view = RegistryStore(paths: paths).loadView(selfAlias: host)
                let hosts = Set(view.entries.map(\.host)).count
                let stale = view.entries.filter(\.isStale).count
                parts.append("registry: \(view.entries.count) agent\(view.entries.count == 1 ? "" : "s") on \(hosts) host\(hosts == 1 ? "" : "s")"
                             + (stale > 0 ? " (\(stale) stale)" : ""))
                Output.out("\(name): \(host): " + parts.joined(separator: "; ") + "\n")
            }
            return 0
        } catch {
            Output.error(tool: name, "\(error)")
            return 4
        }
    }

    /// All of stdin (the exchange's pushed slice; small).
    static func readStandardInput() -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { buf in retryingEINTR { read(0, buf.baseAddress, buf.count) } }
            if n <= 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
    }
}
