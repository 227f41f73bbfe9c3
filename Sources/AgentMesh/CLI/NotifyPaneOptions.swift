/// notify-pane's command line as a value; the options themselves are `OptionTable.notifyPane`.
///
/// Grammar (compatible with the bash tool):
/// ```
/// notify-pane [-q] <address> [--file <path>] [--] <message…>
/// notify-pane [-q] <address> [--file <path>] -          (message from stdin)
/// notify-pane --list [--long | --json] | --json | --whoami | --help | --version
/// notify-pane --completion bash|zsh
/// ```
/// Before the address, anything starting with `-` is an option. After it, only `--file`/`-f`,
/// `-q`/`--quiet`, a lone `-` (stdin) and `--` are recognised, and the first other word starts
/// the message, so `notify-pane peer -5 degrees` sends "-5 degrees". `--` ends options for
/// good: `notify-pane peer -- -q` sends "-q" and `notify-pane peer -- -` sends "-".
/// Terminal options win in this order, whatever else is given: help, version, completion,
/// a listing (`--list`, `--long`, `--json`), whoami.
public struct NotifyPaneOptions: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        case help, version, whoami, send, profiles
        /// `--status [<id>]` (one message, or every record) and `--outbox` (the unfinished ones).
        case status(id: String?, json: Bool)
        case outbox(json: Bool)
        case cancel(id: String)
        /// `--retry <id>`: send an unknown, failed or expired message again, as the same message.
        case retry(id: String)
        case log(with: String?, thread: String?, limit: Int?, json: Bool)
        /// Hidden: the queue runner (`--run-queue`, alone), started detached by senders and hooks.
        case runQueue
        /// Hidden: a restricted mesh key's forced command (`--serve --peer <alias>`).
        case serve(peer: String)
        case list(long: Bool, json: Bool)
        case completion(shell: String)
        /// Hidden: the receive side of a remote send (`--deliver-stdin`, alone).
        case deliverStdin
    }

    public var mode: Mode = .send
    public var isQuiet = false
    public var address: String?
    public var filePath: String?
    public var messageWords: [String] = []
    public var readsStdin = false
    /// `--queue` (or `AGENT_MESH_QUEUE=1`, or `--wait`): keep an undeliverable message.
    public var queues = false
    public var waitSeconds: Int?
    public var ttlSeconds = MessageQueue.defaultTTLSeconds
    public var cancelsAfterWait = false
    var cancelID = ""
    var retryID = ""
    /// Broadcast: `--all`, `--role <glob>`, or an address holding `*`, `?` or `[`.
    public var sendsToAll = false
    public var role: String?
    public var maximumRecipients: Int?
    public var printsJSON = false
    /// `--reply <id>`: the address is that message's sender, and the tag says `[re:<id>]`.
    public var replyTo: String?
    /// `--encrypt`: the body or file travels as an age file (`Encryption`).
    public var encrypts = false
    /// `--ask`: wait for the reply on stdout, up to `askTimeoutSeconds`.
    public var asks = false
    public var askTimeoutSeconds = 600
    var logWith: String?, logThread: String?, logLimit: Int?
    public var isBroadcast: Bool { sendsToAll || role != nil || (address.map(Broadcast.isPattern) ?? false) }

    public init() {}

    /// The options still recognised after the address (the rest starts the message).
    static let afterAddress: Set<String> = ["quiet", "file"]

    public static func parse(_ arguments: [String]) throws(UsageError) -> NotifyPaneOptions {
        if let send = commonSend(arguments) { return send }
        return try parseWithTable(arguments)
    }

    /// The send every loop and hook makes, `notify-pane [-q|--quiet] <address> <word> …` with
    /// neither the address nor the first word starting with `-`, read without the option table.
    /// Building that table is most of a send's parse time (~0.15 ms of a cold process), and
    /// nothing in such a command needs it. nil for anything else; `parseWithTable` then decides.
    /// Policy: the result equals `parseWithTable`'s for every input it accepts (tested).
    static func commonSend(_ arguments: [String]) -> NotifyPaneOptions? {
        var i = 0
        var o = NotifyPaneOptions()
        if let first = arguments.first, first == "-q" || first == "--quiet" { o.isQuiet = true; i = 1 }
        guard arguments.count >= i + 2 else { return nil }
        let address = arguments[i], first = arguments[i + 1]
        guard !address.isEmpty, !address.hasPrefix("-"), !first.hasPrefix("-") else { return nil }
        o.queues = Environment.get("AGENT_MESH_QUEUE") == "1"
        o.address = address
        o.messageWords = Array(arguments[(i + 1)...])
        return o
    }

    /// The whole grammar, every option looked up in `OptionTable.notifyPane`.
    static func parseWithTable(_ arguments: [String]) throws(UsageError) -> NotifyPaneOptions {
        let table = OptionTable.notifyPane
        var o = NotifyPaneOptions()
        if arguments.count == 1, let hidden = table.option(id: "deliver-stdin"), hidden.names == arguments {
            o.mode = .deliverStdin
            return o
        }
        if arguments == ["--run-queue"] { o.mode = .runQueue; return o }
        if arguments.count == 3, arguments[0] == "--serve", arguments[1] == "--peer", !arguments[2].isEmpty {
            o.mode = .serve(peer: arguments[2]); return o
        }
        o.queues = Environment.get("AGENT_MESH_QUEUE") == "1"
        var given: Set<String> = []
        var completionShell = ""
        var i = 0
        func value(_ name: String) throws(UsageError) -> String {
            guard i + 1 < arguments.count else { throw UsageError("option \(name) needs a value") }
            i += 1
            return arguments[i]
        }
        /// `--name=value` for a long option that takes a value; nil when `a` is not one.
        func inlineValue(_ a: String, allowed: Set<String>) -> (ToolOption, String)? {
            guard a.hasPrefix("--"), let eq = a.firstIndex(of: "="),
                  let option = table.option(named: String(a[..<eq])), option.argument.takesValue,
                  allowed.contains(option.id) else { return nil }
            return (option, String(a[a.index(after: eq)...]))
        }
        let everyValueOption = Set(table.options.filter { $0.argument.takesValue && !$0.isHidden }.map(\.id))
        // Options before the address.
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { i += 1; if i < arguments.count { o.address = arguments[i]; i += 1 }; break }
            if let (option, v) = inlineValue(a, allowed: everyValueOption) {
                try o.setChecked(option, v, shell: &completionShell)
                given.insert(option.id); i += 1; continue
            }
            guard a.count > 1, a.hasPrefix("-") else { o.address = a; i += 1; break }
            guard let option = table.option(named: a), !option.isHidden else {
                throw UsageError("unknown option '\(a)' (see --help)")
            }
            try o.setChecked(option, option.argument.takesValue ? try value(a) : "", shell: &completionShell)
            given.insert(option.id)
            i += 1
        }
        if given.contains("help") { o.mode = .help; return o }
        if given.contains("version") { o.mode = .version; return o }
        if given.contains("completion") {
            guard ["bash", "zsh"].contains(completionShell) else {
                throw UsageError("--completion takes bash or zsh, not '\(completionShell)'")
            }
            o.mode = .completion(shell: completionShell)
            return o
        }
        if given.contains("cancel") {
            guard MessageID.isValid(o.cancelID) else { throw UsageError("--cancel takes a message id, not '\(o.cancelID)'") }
            o.mode = .cancel(id: o.cancelID)
            return o
        }
        if given.contains("retry") {
            guard MessageID.isValid(o.retryID) else { throw UsageError("--retry takes a message id, not '\(o.retryID)'") }
            o.mode = .retry(id: o.retryID)
            return o
        }
        if given.contains("log") {
            guard o.address == nil else { throw UsageError("--log takes no address (use --with <address>)") }
            o.mode = .log(with: o.logWith, thread: o.logThread, limit: o.logLimit, json: given.contains("json"))
            return o
        }
        if given.contains("status") {
            if let id = o.address, !MessageID.isValid(id) { throw UsageError("--status takes a message id, not '\(id)'") }
            o.mode = .status(id: o.address, json: given.contains("json"))
            return o
        }
        if given.contains("outbox") {
            guard o.address == nil else { throw UsageError("--outbox takes no address") }
            o.mode = .outbox(json: given.contains("json"))
            return o
        }
        if o.replyTo != nil, let first = o.address {
            // --reply names no address: the first word is the message's.
            guard !o.sendsToAll && o.role == nil else { throw UsageError("--reply answers one message; drop --all/--role") }
            o.address = nil; i -= 1; _ = first
        }
        let selectsMany = o.sendsToAll || o.role != nil
        if selectsMany || (given.contains("json") && o.address.map(Broadcast.isPattern) == true && !given.contains("list")) {
            if given.contains("list") || given.contains("long") { throw UsageError("--list does not send; drop --all/--role") }
            if o.sendsToAll && o.role != nil { throw UsageError("--all and --role exclude each other") }
            o.printsJSON = given.contains("json")
            given.remove("json")
            // --all and --role name no address: the first word is the message's.
            if selectsMany, let first = o.address { o.address = nil; i -= 1; _ = first }
        }
        if !given.isDisjoint(with: ["list", "long", "json"]) {
            guard o.address == nil else { throw UsageError("--list takes no address") }
            o.mode = .list(long: given.contains("long"), json: given.contains("json"))
            return o
        }
        if given.contains("whoami") { o.mode = .whoami; return o }
        if given.contains("profiles") { o.mode = .profiles; return o }
        guard selectsMany || o.replyTo != nil || !(o.address ?? "").isEmpty else { throw UsageError("missing address (see --help)") }
        let address = o.address ?? (o.replyTo.map { "--reply \($0)" } ?? (o.sendsToAll ? "--all" : "--role \(o.role ?? "")"))
        // After the address: a few options, then the message.
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { i += 1; break }
            if a == "-" && i == arguments.count - 1 { o.readsStdin = true; i += 1; break }
            if let option = table.option(named: a), afterAddress.contains(option.id) {
                if option.id == "file" && o.filePath != nil { throw UsageError("--file given twice") }
                o.set(option, option.argument.takesValue ? try value(a) : "", shell: &completionShell)
                i += 1; continue
            }
            if let (option, v) = inlineValue(a, allowed: afterAddress) {
                try o.setChecked(option, v, shell: &completionShell)
                i += 1; continue
            }
            break
        }
        o.messageWords = Array(arguments[i...])
        if let path = o.filePath, path.isEmpty { throw UsageError("--file needs a path") }
        if !o.readsStdin && o.messageWords.isEmpty && o.filePath == nil {
            throw UsageError("missing message for \(address) (give words, '-' for stdin, or --file <path>)")
        }
        return o
    }

    /// `set`, plus the options whose value must be checked (durations).
    private mutating func setChecked(_ option: ToolOption, _ value: String, shell: inout String) throws(UsageError) {
        switch option.id {
        case "wait", "ttl":
            guard let seconds = Self.duration(value), seconds > 0 else {
                throw UsageError("\(option.names[0]) takes a duration such as 30s, 10m, 2h or 1d, not '\(value)'")
            }
            if option.id == "wait" { waitSeconds = seconds; queues = true } else { ttlSeconds = seconds }
        case "queue": queues = true
        case "all": sendsToAll = true
        case "ask": asks = true
        case "encrypt": encrypts = true
        case "with": logWith = value
        case "thread":
            guard MessageID.isValid(value) else { throw UsageError("--thread takes a message id, not '\(value)'") }
            logThread = value
        case "limit":
            guard let n = Int(value), n > 0 else { throw UsageError("-n takes a number of messages, not '\(value)'") }
            logLimit = n
        case "timeout":
            guard let seconds = Self.duration(value), seconds > 0 else {
                throw UsageError("--timeout takes a duration such as 30s, 10m or 1h, not '\(value)'")
            }
            askTimeoutSeconds = seconds
        case "reply":
            guard MessageID.isValid(value) else { throw UsageError("--reply takes a message id, not '\(value)'") }
            replyTo = value
        case "role": role = value
        case "max":
            guard let n = Int(value), n > 0 else { throw UsageError("--max takes a number of recipients, not '\(value)'") }
            maximumRecipients = n
        case "no-queue": cancelsAfterWait = true
        case "cancel": cancelID = value
        case "retry": retryID = value
        default: set(option, value, shell: &shell)
        }
    }

    /// `90`, `90s`, `10m`, `2h`, `1d` → seconds; nil when unreadable.
    static func duration(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        if let last = text.last, let unit = units[last] { return Int(text.dropLast()).map { $0 * unit } }
        return Int(text)
    }

    /// Records one option's effect; modes are decided once every option is read.
    private mutating func set(_ option: ToolOption, _ value: String, shell: inout String) {
        switch option.id {
        case "quiet": isQuiet = true
        case "file": filePath = value
        case "completion": shell = value
        default: break
        }
    }
}
