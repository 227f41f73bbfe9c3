/// The multi-host knobs: how long ssh may take to connect, how long connections are reused,
/// when an unreachable host's agents are finally dropped.
///
/// Policy: defaults first, then `~/.agents/config.toml`'s `[sync]` table, then environment
/// variables (a test or a one-off run overrides the file). A value that does not parse is
/// ignored with a warning, never fatal: a typo in the config must not stop delivery.
///
/// It sits beside `SSH`, its main reader, below Registry (the stale-drop horizon) and
/// Sync and remote Delivery (the ssh knobs), which all read it.
///
/// ```toml
/// [sync]
/// connect_timeout = 5        # seconds, integer 1…60 (ssh ConnectTimeout)   AGENT_MESH_CONNECT_TIMEOUT
/// control_persist = 600      # seconds an idle shared ssh connection stays  AGENT_MESH_CONTROL_PERSIST
/// stale_drop_after = "7d"    # an unreachable host's agents are kept, marked stale, this long
///                            # ("90m", "36h", "7d", or seconds)             AGENT_MESH_STALE_DROP_AFTER
/// timeout = 30               # seconds for one whole exchange or remote delivery  AGENT_MESH_SSH_TIMEOUT
/// debounce_ms = 250          # the hook-triggered sync waits this long to gather a burst
/// ```
public struct SyncSettings: Sendable, Equatable {
    public var connectTimeoutSeconds = 5
    /// 600 s outlives the 5-minute resync, so steady-state syncs and sends reuse a warm
    /// connection (a cold 10-peer sync is ~3x one ssh handshake on 2 cores; warm, 0.3x).
    public var controlPersistSeconds = 600   // 0 would mean "forever" to ssh: the minimum is 1
    public var staleDropAfterSeconds = 7 * 86_400
    public var timeoutSeconds = 30
    public var debounceMilliseconds = 250
    /// Problems found while reading the settings (reported, not fatal).
    public var warnings: [String] = []

    public init() {}

    /// Defaults, overlaid with `config.toml` and then the environment.
    public static func load(_ paths: MeshPaths) -> SyncSettings {
        var s = SyncSettings()
        if let text = try? FileSystem.readText(paths.configToml) {
            do {
                let root = try TOML.parse(text)
                if let sync = root["sync"]?.table { s.apply(sync, source: paths.configToml) }
            } catch {
                s.warnings.append("\(paths.configToml):\(error) (using defaults)")
            }
        }
        s.applyEnvironment()
        return s
    }

    /// Milliseconds a send or sync allows before the remote side must have answered: the
    /// connect timeout plus half a second for the ssh handshake and the remote shell.
    public var firstAnswerMilliseconds: Int { connectTimeoutSeconds * 1_000 + 500 }

    mutating func apply(_ table: TOMLTable, source: String) {
        func integer(_ key: String, _ range: ClosedRange<Int>) -> Int? {
            guard let v = table[key] else { return nil }
            if let i = v.integer, range.contains(Int(i)) { return Int(i) }
            warnings.append("\(source): [sync] \(key) must be an integer in \(range.lowerBound)…\(range.upperBound) (ignored)")
            return nil
        }
        if let v = integer("connect_timeout", 1...60) { connectTimeoutSeconds = v }
        if let v = integer("control_persist", 1...86_400) { controlPersistSeconds = v }
        if let v = integer("timeout", 1...3_600) { timeoutSeconds = v }
        if let v = integer("debounce_ms", 0...10_000) { debounceMilliseconds = v }
        if let v = table["stale_drop_after"] {
            if let d = v.string.flatMap(SyncSettings.parseDuration) ?? v.integer.map({ Int($0) }), d > 0 {
                staleDropAfterSeconds = d
            } else {
                warnings.append("\(source): [sync] stale_drop_after must look like \"7d\", \"36h\", \"90m\" or seconds (ignored)")
            }
        }
    }

    mutating func applyEnvironment() {
        func integer(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let text = Environment.nonEmpty(name) else { return nil }
            if let i = Int(text), range.contains(i) { return i }
            warnings.append("$\(name)=\(text) is not an integer in \(range.lowerBound)…\(range.upperBound) (ignored)")
            return nil
        }
        if let v = integer("AGENT_MESH_CONNECT_TIMEOUT", 1...60) { connectTimeoutSeconds = v }
        if let v = integer("AGENT_MESH_CONTROL_PERSIST", 1...86_400) { controlPersistSeconds = v }
        if let v = integer("AGENT_MESH_SSH_TIMEOUT", 1...3_600) { timeoutSeconds = v }
        if let text = Environment.nonEmpty("AGENT_MESH_STALE_DROP_AFTER") {
            if let d = SyncSettings.parseDuration(text), d > 0 { staleDropAfterSeconds = d } else {
                warnings.append("$AGENT_MESH_STALE_DROP_AFTER=\(text) is not a duration (ignored)")
            }
        }
    }

    /// `"90"` (seconds), `"90s"`, `"15m"`, `"36h"`, `"7d"` → seconds; nil when malformed.
    public static func parseDuration(_ text: String) -> Int? {
        let t = text.trimmingSpaces()
        guard let last = t.last else { return nil }
        let unit: Int
        var digits = Substring(t)
        switch last {
        case "s": unit = 1; digits = digits.dropLast()
        case "m": unit = 60; digits = digits.dropLast()
        case "h": unit = 3_600; digits = digits.dropLast()
        case "d": unit = 86_400; digits = digits.dropLast()
        default: unit = 1
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let n = Int(digits), n <= Int.max / unit else { return nil }
        return n * unit
    }
}
