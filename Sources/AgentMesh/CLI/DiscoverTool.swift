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

    /// `--help`, rendered from `OptionTable.discover` (settings defaults from `SyncSettings`).
    public static var help: String { HelpText.render(.discover) }

    public static func main(_ argv: [String]) -> Int32 {
        let o: Options
        do {
            o = try parse(Array(argv.dropFirst()))
        } catch {
            Output.error(tool: name, error.message)
            return 1
        }
        if o.help { Output.out(help + "\n"); return 0 }
        if o.version { Output.out("\(name) \(AgentMeshVersion.string)\n"); return 0 }
        let quiet = o.quiet, localOnly = o.localOnly, syncOnly = o.syncOnly, coalesce = o.coalesce
        let exchangeSender = o.exchangeSender
        let paths = MeshPaths()
        if o.authorize != nil || o.revoke != nil { return authorizeOrRevoke(o, paths: paths) }
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
                // Peers that came back may be what queued messages wait for.
                MessageQueue(paths: paths).startRunner()
                // Records a retry or a reply could still need are kept a week.
                Outbox(paths: paths).prune(olderThan: 7 * 86_400)
                Journal(paths: paths).prune(olderThan: 7 * 86_400)
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

    /// `--authorize-peer ALIAS=PUBKEY-FILE` / `--revoke-peer ALIAS` (see `AuthorizedKeys`).
    static func authorizeOrRevoke(_ o: Options, paths: MeshPaths) -> Int32 {
        let bin = Registrar.executableDirectory() ?? paths.home + "/bin"
        do {
            if let spec = o.authorize {
                guard let eq = spec.firstIndex(of: "=") else {
                    throw UsageError("--authorize-peer takes ALIAS=PUBKEY-FILE, e.g. h1=/tmp/h1_mesh.pub")
                }
                let alias = String(spec[..<eq]), file = String(spec[spec.index(after: eq)...])
                guard let text = try FileSystem.readText(file), let key = AuthorizedKeys.keyPart(text) else {
                    throw UsageError("\(file) holds no ssh public key")
                }
                let line = try AuthorizedKeys.update(paths: paths, alias: alias, key: key, binDirectory: bin)
                Output.out("authorized \(alias): \(line ?? "")\n")
            } else if let alias = o.revoke {
                _ = try AuthorizedKeys.update(paths: paths, alias: alias, key: nil, binDirectory: bin)
                Output.out("revoked \(alias)\n")
            }
            return 0
        } catch let e as UsageError {
            Output.error(tool: name, e.message); return 1
        } catch {
            Output.error(tool: name, "\(error)"); return 4
        }
    }

    /// agent-discover's command line; the options are `OptionTable.discover`.
    struct Options: Equatable {
        var help = false, version = false, quiet = false
        var localOnly = false, syncOnly = false, coalesce = false
        var exchangeSender: String?
        var authorize: String?
        var revoke: String?
    }

    /// Options in order; --help or --version answers as soon as it is read (what follows is
    /// not looked at), then positionals and the table's exclusions are refused.
    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        let table = OptionTable.discover
        var scanner = ArgumentScanner(arguments)
        var o = Options()
        var given: Set<String> = []
        while let (option, value) = try scanner.next(valueOptions: table.valueNames) {
            guard let id = table.option(named: option)?.id else { throw UsageError("unknown option \(option) (see --help)") }
            switch id {
            case "help": o.help = true; return o
            case "version": o.version = true; return o
            case "quiet": o.quiet = true
            case "local": o.localOnly = true
            case "sync": o.syncOnly = true
            case "coalesce": o.coalesce = true
            case "exchange": o.exchangeSender = value
            case "authorize-peer": o.authorize = value
            case "revoke-peer": o.revoke = value
            default: break
            }
            given.insert(id)
        }
        if let extra = scanner.positionals.first { throw UsageError("unexpected argument '\(extra)' (see --help)") }
        if let conflict = table.conflict(among: given) { throw UsageError(conflict) }
        return o
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
