/// This host's slice: the agents of its tmux windows, as written to `local.toml`.
///
/// The metadata line carries `host`, `serial` (milliseconds since the epoch, strictly
/// increasing per host, so a copy of a slice never replaces a newer one) and `protocol`.
public struct LocalSlice: Sendable, Equatable {
    public var host: String
    public var serial: Int
    public var entries: [AgentEntry]

    public init(host: String, serial: Int, entries: [AgentEntry]) {
        self.host = host
        self.serial = serial
        self.entries = entries
    }

    public func render() -> String {
        RegistryDocument.render(
            entries,
            comments: ["agent-mesh slice of host \(host): one table per tmux window.",
                       "Written by agent-register-hook; edits are overwritten (use @agent-role / @agent-scope)."],
            metadata: [("host", host), ("serial", String(serial)), ("protocol", String(AgentEntry.currentProtocol))])
    }

    /// Parses a slice document; `host` falls back to `defaultHost`, `serial` to 0 (a slice
    /// written by the bash tool has neither).
    public static func parse(_ text: String, defaultHost: String) throws(TOMLError) -> LocalSlice {
        let entries = try RegistryDocument.parse(text)
        let meta = RegistryDocument.metadata(text)
        return LocalSlice(host: meta["host"] ?? defaultHost, serial: meta["serial"].flatMap { Int($0) } ?? 0,
                          entries: entries)
    }

    /// The next serial after `previous`: now in milliseconds, or `previous + 1` if the clock
    /// went backwards.
    public static func nextSerial(after previous: Int) -> Int {
        max(previous + 1, WallClock.now() * 1_000 + (MonotonicClock.microseconds() / 1_000) % 1_000)
    }
}

/// Session names the hook never registers: scratch work and tests.
/// `scratch`, `tmp`, `temp`, `test`, `test-*`, `_*` (the bash tool's list).
public enum SessionFilter {
    public static func isSkipped(_ session: String) -> Bool {
        ["scratch", "tmp", "temp", "test"].contains(session) || session.hasPrefix("test-") || session.hasPrefix("_")
    }
}
