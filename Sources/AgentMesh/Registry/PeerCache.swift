/// What this host knows about one peer: its last good slice and when it was last reached.
public struct PeerRecord: Sendable, Equatable {
    public var alias: String
    /// The slice's serial (0 = a bash-tool slice, which has none).
    public var serial: Int
    /// The protocol the peer's slice declares (0 = bash tool).
    public var protocolVersion: Int
    public var entries: [AgentEntry]
    /// Epoch seconds of the last successful contact (a pull, or the peer pushing to us).
    public var lastSeen: Int
    /// False when the last attempt to reach the peer failed; its agents are then stale.
    public var isReachable: Bool

    public init(alias: String, serial: Int, protocolVersion: Int, entries: [AgentEntry], lastSeen: Int,
                isReachable: Bool) {
        self.alias = alias; self.serial = serial; self.protocolVersion = protocolVersion
        self.entries = entries; self.lastSeen = lastSeen; self.isReachable = isReachable
    }

    /// Where the peer keeps its agent-mesh executables, from any of its entries.
    public var binDirectory: String? { entries.lazy.compactMap(\.binDirectory).first }
}

/// The per-peer cache `~/.agents/peers/<alias>.toml`: the last good slice of each peer, with
/// its serial and last-seen time in the metadata comment
/// (`# agent-mesh: host=h2 serial=… protocol=1 last_seen=<epoch> reachable=yes`).
///
/// Policy:
/// - A slice is validated before it is cached (`validate`): it parses as strict TOML and every
///   entry's `host` (and the metadata `host`, if any) is the peer's alias. A bad slice is
///   reported by the caller and the cached copy stays.
/// - A slice never goes backwards (`accepts`): a serial'd slice replaces the cache only when
///   its serial is at least the cached one. A serial-0 slice (the bash tool writes none) is
///   only ever obtained by pulling the peer's live file, never pushed, so the freshest pull
///   wins: it always replaces the cache.
/// - Writes happen under the registry lock (callers hold it), atomically, mode 0644.
public struct PeerCache {
    public let paths: MeshPaths

    public init(paths: MeshPaths) { self.paths = paths }

    public func read(_ alias: String) -> PeerRecord? {
        guard let text = try? FileSystem.readText(paths.peerSlice(alias)),
              let entries = try? RegistryDocument.parse(text) else { return nil }
        let meta = RegistryDocument.metadata(text)
        return PeerRecord(alias: alias, serial: meta["serial"].flatMap { Int($0) } ?? 0,
                          protocolVersion: meta["protocol"].flatMap { Int($0) } ?? 0,
                          entries: entries.filter { $0.host == alias },
                          lastSeen: meta["last_seen"].flatMap { Int($0) }
                              ?? FileSystem.modificationTime(paths.peerSlice(alias)) ?? 0,
                          isReachable: meta["reachable"] != "no")
    }

    public func write(_ record: PeerRecord) throws(SystemError) {
        try paths.ensureFolder(paths.peerCache, mode: 0o755)
        let text = RegistryDocument.render(
            record.entries,
            comments: ["Last good slice of peer \(record.alias), kept by agent-discover's sync. Do not edit."],
            metadata: [("host", record.alias), ("serial", String(record.serial)),
                       ("protocol", String(record.protocolVersion)), ("last_seen", String(record.lastSeen)),
                       ("reachable", record.isReachable ? "yes" : "no")])
        try FileSystem.writeAtomically(paths.peerSlice(record.alias), text: text, mode: 0o644)
    }

    /// A checked slice, or why it was refused.
    public enum Validation: Equatable {
        case valid(LocalSlice, protocolVersion: Int)
        case invalid(String)
    }

    /// Checks a slice received from (or on behalf of) `alias`.
    public static func validate(_ text: String, alias: String) -> Validation {
        let entries: [AgentEntry]
        do {
            entries = try RegistryDocument.parse(text)
        } catch {
            return .invalid("slice of \(alias) does not parse: line \(error.line):\(error.column): \(error.reason)")
        }
        let meta = RegistryDocument.metadata(text)
        if let host = meta["host"], host != alias {
            return .invalid("slice of \(alias) says it is host '\(host)'")
        }
        if let wrong = entries.first(where: { $0.host != alias }) {
            return .invalid("slice of \(alias) has agent \(wrong.address) of host '\(wrong.host)'")
        }
        let serial = meta["serial"].flatMap { Int($0) } ?? 0
        let proto = meta["protocol"].flatMap { Int($0) } ?? entries.map(\.protocolVersion).max() ?? 0
        return .valid(LocalSlice(host: alias, serial: serial, entries: entries), protocolVersion: proto)
    }

    /// The "never backwards" rule (see the type's policy).
    public static func accepts(incomingSerial: Int, cached: PeerRecord?) -> Bool {
        guard let cached, incomingSerial > 0 else { return true }
        return incomingSerial >= cached.serial
    }

    /// Records a contact with `alias` that brought `slice` (already validated): stores it when
    /// it is not older than the cache, and marks the peer reachable and seen now. Returns
    /// whether the slice was taken. Caller holds the registry lock.
    @discardableResult
    public func store(_ slice: LocalSlice, protocolVersion: Int, alias: String, now: Int) throws(SystemError) -> Bool {
        let cached = read(alias)
        let taken = PeerCache.accepts(incomingSerial: slice.serial, cached: cached)
        var record = cached ?? PeerRecord(alias: alias, serial: 0, protocolVersion: 0, entries: [],
                                          lastSeen: now, isReachable: true)
        if taken {
            record.serial = slice.serial
            record.protocolVersion = protocolVersion
            record.entries = slice.entries
        }
        record.lastSeen = now
        record.isReachable = true
        try write(record)
        return taken
    }

    /// Records that `alias` was reached but sent nothing usable (the cache stays), or that it
    /// could not be reached (its agents turn stale). Caller holds the registry lock.
    public func mark(_ alias: String, reachable: Bool, now: Int) throws(SystemError) {
        guard var record = read(alias) else { return }
        if reachable {
            record.lastSeen = now
        } else if !record.isReachable {
            return   // already stale: keep the file (and its last_seen) as it is
        }
        record.isReachable = reachable
        try write(record)
    }
}
