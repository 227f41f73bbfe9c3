/// `agent-discover`: rebuild this host's slice from live tmux state (authoritative: windows
/// whose close hook was missed disappear), then assemble `registry.toml`, and print a
/// one-line summary. The systemd timer / cron line runs it every 5 minutes as a safety net.
public enum DiscoverTool {
    public static let name = "agent-discover"

    public static let help = """
    USAGE: agent-discover [--local] [-q]

    Rebuilds ~/.agents/local.toml from every live tmux window of this host (windows whose
    close hook was missed are removed), then assembles ~/.agents/registry.toml from it and
    the peers' slices, and prints one summary line.

    OPTIONS:
      --local          do not contact peers: rebuild and assemble from cached slices only
      -q, --quiet      print nothing on success
      -h, --help       show this help
      --version        show the version

    EXIT STATUS: 0 done; 1 usage; 4 tmux or file failure.
    """

    public static func main(_ argv: [String]) -> Int32 {
        var scanner = ArgumentScanner(Array(argv.dropFirst()))
        var quiet = false
        do throws(UsageError) {
            while let (option, _) = try scanner.next(valueOptions: []) {
                switch option {
                case "-h", "--help": Output.out(help + "\n"); return 0
                case "--version": Output.out("\(name) \(AgentMeshVersion.string)\n"); return 0
                case "-q", "--quiet": quiet = true
                case "--local": break
                default: throw UsageError("unknown option \(option) (see --help)")
                }
            }
            if let extra = scanner.positionals.first { throw UsageError("unexpected argument '\(extra)' (see --help)") }
        } catch {
            Output.error(tool: name, error.message)
            return 1
        }
        let paths = MeshPaths()
        let host = HostIdentity.selfAlias(paths)
        do {
            let outcome = try Registrar(paths: paths, tmux: Tmux(), host: host).run(.all)
            if let corrupt = outcome.replacedCorrupt {
                Output.err("\(name): warning: \(corrupt) (replaced by the rebuilt slice; old copy kept as local.toml.corrupt)\n")
            }
            if !quiet {
                let view = RegistryStore(paths: paths).loadView(selfAlias: host)
                let hosts = Set(view.entries.map(\.host)).count
                let stale = view.entries.filter(\.isStale).count
                Output.out("\(name): \(host): \(outcome.windows) window\(outcome.windows == 1 ? "" : "s") registered; "
                           + "registry: \(view.entries.count) agent\(view.entries.count == 1 ? "" : "s") on \(hosts) host\(hosts == 1 ? "" : "s")"
                           + (stale > 0 ? " (\(stale) stale)" : "") + "\n")
            }
            return 0
        } catch {
            Output.error(tool: name, "\(error)")
            return 4
        }
    }
}
