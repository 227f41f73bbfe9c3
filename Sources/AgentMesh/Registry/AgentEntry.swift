/// One registered agent: a tmux window on some host, under its address.
///
/// On disk it is one `[agents.<address>]` table of `key = "value"` lines. The first six
/// fields are the bash tool's (`host`, `target`, `session`, `window`, `role`, `scope`) and
/// stay strings so its line-oriented reader keeps working; the rest are ours and optional,
/// so files the bash tool wrote read fine (missing fields take defaults).
public struct AgentEntry: Sendable, Equatable {
    /// `<host>-<session>-<window slug>` (see `AddressAssigner`).
    public var address: String
    /// The host alias (from `self.conf`) whose tmux holds the window.
    public var host: String
    /// `<session>:<window_index>` as the bash tool wrote it.
    public var target: String
    public var session: String
    /// The window's name.
    public var window: String
    public var role: String
    public var scope: String
    public var windowIndex: Int?
    /// tmux window id (`@7`), stable across renames while the server lives.
    public var windowID: String?
    /// The window's active pane (`%12`): the exact delivery target.
    public var paneID: String?
    /// Every pane of the window, so a sender in any of them is recognised (`--whoami`).
    public var panes: [String]
    /// Set on the entry of one pane of a split window (`<window address>-p<index>`): the
    /// pane's index; nil on window entries.
    public var paneIndex: Int?
    /// The active pane's current command and path (for role inference and `--list --long`).
    public var command: String?
    public var path: String?
    /// The tmux server socket the window lives on (delivery talks to that server).
    public var socket: String?
    /// Per-agent delay before Enter, in milliseconds (`@agent-enter-delay`), if set.
    public var enterDelayMilliseconds: Int?
    /// When the entry was last written (`YYYY-MM-DDTHH:MM:SSZ`).
    public var updated: String?
    /// The agent-mesh protocol its host speaks; 0 = a bash-tool host (tmux only).
    public var protocolVersion: Int
    /// Where the host's agent-mesh executables live (for remote delivery), if known.
    public var binDirectory: String?
    /// Set in the assembled registry when the host could not be reached at the last sync.
    public var isStale: Bool
    /// When the host was last reached (assembled registry only).
    public var lastSeen: String?

    public init(address: String, host: String, target: String, session: String, window: String,
                role: String = "", scope: String = "", windowIndex: Int? = nil, windowID: String? = nil,
                paneID: String? = nil, panes: [String] = [], command: String? = nil, path: String? = nil,
                socket: String? = nil, enterDelayMilliseconds: Int? = nil, updated: String? = nil,
                protocolVersion: Int = 0, binDirectory: String? = nil, isStale: Bool = false,
                lastSeen: String? = nil, paneIndex: Int? = nil) {
        self.address = address; self.host = host; self.target = target; self.session = session
        self.window = window; self.role = role; self.scope = scope; self.windowIndex = windowIndex
        self.windowID = windowID; self.paneID = paneID; self.panes = panes; self.command = command
        self.path = path; self.socket = socket; self.enterDelayMilliseconds = enterDelayMilliseconds
        self.updated = updated; self.protocolVersion = protocolVersion; self.binDirectory = binDirectory
        self.isStale = isStale; self.lastSeen = lastSeen; self.paneIndex = paneIndex
    }

    /// The protocol this build speaks (written into every entry it registers).
    public static let currentProtocol = 1

    /// The table written under `[agents.<address>]`; the bash tool's six fields first.
    public func toTable() -> TOMLTable {
        var t = TOMLTable()
        t["host"] = .string(host)
        t["target"] = .string(target)
        t["session"] = .string(session)
        t["window"] = .string(window)
        t["role"] = .string(role)
        t["scope"] = .string(scope)
        if let windowIndex { t["window_index"] = .integer(Int64(windowIndex)) }
        if let windowID { t["window_id"] = .string(windowID) }
        if let paneID { t["pane_id"] = .string(paneID) }
        if !panes.isEmpty { t["panes"] = .array(panes.map { .string($0) }) }
        if let command { t["command"] = .string(command) }
        if let path { t["path"] = .string(path) }
        if let socket { t["socket"] = .string(socket) }
        if let enterDelayMilliseconds { t["enter_delay_ms"] = .integer(Int64(enterDelayMilliseconds)) }
        if let updated { t["updated"] = .string(updated) }
        if protocolVersion > 0 { t["protocol"] = .integer(Int64(protocolVersion)) }
        if let binDirectory { t["bin"] = .string(binDirectory) }
        if isStale { t["stale"] = .bool(true) }
        if let lastSeen { t["last_seen"] = .string(lastSeen) }
        if let paneIndex { t["pane_index"] = .integer(Int64(paneIndex)) }
        return t
    }

    /// Reads one `[agents.<address>]` table. Lenient about what it does not need (unknown keys
    /// ignored, wrong types treated as missing); nil only when `host` or `target` is missing.
    public init?(address: String, table t: TOMLTable) {
        guard let host = t["host"]?.string, let target = t["target"]?.string else { return nil }
        let (sessionFromTarget, indexFromTarget) = AgentEntry.splitTarget(target)
        self.init(address: address, host: host, target: target,
                  session: t["session"]?.string ?? sessionFromTarget,
                  window: t["window"]?.string ?? "",
                  role: t["role"]?.string ?? "", scope: t["scope"]?.string ?? "",
                  windowIndex: t["window_index"]?.integer.map { Int($0) } ?? indexFromTarget,
                  windowID: t["window_id"]?.string, paneID: t["pane_id"]?.string,
                  panes: t["panes"]?.array?.compactMap(\.string) ?? [],
                  command: t["command"]?.string, path: t["path"]?.string, socket: t["socket"]?.string,
                  enterDelayMilliseconds: t["enter_delay_ms"]?.integer.map { Int($0) }
                      ?? t["enter_delay"]?.string.flatMap(AgentEntry.parseDelay),
                  updated: t["updated"]?.string,
                  protocolVersion: t["protocol"]?.integer.map { Int($0) } ?? 0,
                  binDirectory: t["bin"]?.string, isStale: t["stale"]?.bool ?? false,
                  lastSeen: t["last_seen"]?.string, paneIndex: t["pane_index"]?.integer.map { Int($0) })
    }

    /// `dev:3` → ("dev", 3); the session part is everything before the last `:`.
    public static func splitTarget(_ target: String) -> (String, Int?) {
        guard let colon = target.lastIndex(of: ":") else { return (target, nil) }
        return (String(target[..<colon]), Int(target[target.index(after: colon)...]))
    }

    /// Parses a delay given in seconds (`0.15`, `1`) or milliseconds (`150ms`) to milliseconds.
    public static func parseDelay(_ text: String) -> Int? {
        var s = Substring(text)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        if s.hasSuffix("ms") { return Int(s.dropLast(2)).flatMap { $0 >= 0 ? $0 : nil } }
        if let whole = Int(s) { return whole >= 0 ? whole * 1_000 : nil }
        // Decimal seconds without Double parsing surprises: split on the point.
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let whole = Int(parts[0].isEmpty ? "0" : parts[0]), whole >= 0,
              !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber) else { return nil }
        let frac = String(parts[1].prefix(3)).padding(toLength: 3, withPad: "0")
        return whole * 1_000 + (Int(frac) ?? 0)
    }
}
