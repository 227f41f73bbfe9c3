/// notify-pane's command line as a value.
///
/// Grammar (compatible with the bash tool):
/// ```
/// notify-pane [-q] <address> [--file <path>] [--] <message…>
/// notify-pane [-q] <address> [--file <path>] -          (message from stdin)
/// notify-pane --list [--long | --json] | --json | --whoami | --help | --version
/// ```
/// Before the address, anything starting with `-` is an option. After it, only `--file`/`-f`,
/// `-q`/`--quiet`, a lone `-` (stdin) and `--` are recognised, and the first other word starts
/// the message, so `notify-pane peer -5 degrees` sends "-5 degrees". `--` ends options for
/// good: `notify-pane peer -- -q` sends "-q" and `notify-pane peer -- -` sends "-".
public struct NotifyPaneOptions: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        case help, version, whoami, send
        case list(long: Bool, json: Bool)
    }

    public var mode: Mode = .send
    public var isQuiet = false
    public var address: String?
    public var filePath: String?
    public var messageWords: [String] = []
    public var readsStdin = false

    public init() {}

    public static func parse(_ arguments: [String]) throws(UsageError) -> NotifyPaneOptions {
        var o = NotifyPaneOptions()
        var list = false, long = false, json = false, whoami = false, help = false, version = false
        var i = 0
        func value(_ name: String) throws(UsageError) -> String {
            guard i + 1 < arguments.count else { throw UsageError("option \(name) needs a value") }
            i += 1
            return arguments[i]
        }
        // Options before the address.
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { i += 1; if i < arguments.count { o.address = arguments[i]; i += 1 }; break }
            if a.hasPrefix("--file=") { o.filePath = String(a.dropFirst(7)); i += 1; continue }
            guard a.count > 1, a.hasPrefix("-") else { o.address = a; i += 1; break }
            switch a {
            case "-h", "--help": help = true
            case "--version": version = true
            case "--list", "-l": list = true
            case "--long": long = true
            case "--json": json = true
            case "--whoami": whoami = true
            case "-q", "--quiet": o.isQuiet = true
            case "-f", "--file": o.filePath = try value(a)
            default: throw UsageError("unknown option '\(a)' (see --help)")
            }
            i += 1
        }
        if help { o.mode = .help; return o }
        if version { o.mode = .version; return o }
        if list || json || long {
            guard o.address == nil else { throw UsageError("--list takes no address") }
            o.mode = .list(long: long, json: json)
            return o
        }
        if whoami { o.mode = .whoami; return o }
        guard let address = o.address, !address.isEmpty else { throw UsageError("missing address (see --help)") }
        _ = address
        // After the address: a few options, then the message.
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { i += 1; break }
            if a == "-" && i == arguments.count - 1 { o.readsStdin = true; i += 1; break }
            if a == "-q" || a == "--quiet" { o.isQuiet = true; i += 1; continue }
            if a == "-f" || a == "--file" {
                guard o.filePath == nil else { throw UsageError("--file given twice") }
                o.filePath = try value(a); i += 1; continue
            }
            if a.hasPrefix("--file=") { o.filePath = String(a.dropFirst(7)); i += 1; continue }
            break
        }
        o.messageWords = Array(arguments[i...])
        if let path = o.filePath, path.isEmpty { throw UsageError("--file needs a path") }
        if !o.readsStdin && o.messageWords.isEmpty && o.filePath == nil {
            throw UsageError("missing message for \(address) (give words, '-' for stdin, or --file <path>)")
        }
        return o
    }
}
