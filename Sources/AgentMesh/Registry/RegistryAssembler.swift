/// Builds `registry.toml`: this host's slice plus the last good slice of every peer in
/// `peers.conf`, sorted by host then address, written atomically (caller holds the registry
/// lock). Deterministic: the same inputs give the same tables in the same order.
public struct RegistryAssembler {
    public let paths: MeshPaths
    public let selfAlias: String

    public init(paths: MeshPaths, selfAlias: String) {
        self.paths = paths
        self.selfAlias = selfAlias
    }

    /// Peer entries from the cache `peers/<alias>.toml` (written by the sync), for the
    /// aliases in `peers.conf` other than this host.
    public func cachedPeerEntries() -> [AgentEntry] {
        var entries: [AgentEntry] = []
        for alias in HostIdentity.remotePeers(paths) {
            guard let text = try? FileSystem.readText(paths.peerSlice(alias)),
                  let parsed = try? RegistryDocument.parse(text) else { continue }
            entries += parsed.filter { $0.host == alias }
        }
        return entries
    }

    public func assemble(local: [AgentEntry]) throws(SystemError) {
        let all = (local + cachedPeerEntries()).sorted { ($0.host, $0.address) < ($1.host, $1.address) }
        var seen = Set<String>()
        let unique = all.filter { seen.insert($0.address).inserted }
        let mesh = ([selfAlias] + HostIdentity.remotePeers(paths)).joined(separator: " ")
        let text = RegistryDocument.render(
            unique,
            comments: ["agent-mesh registry: every agent of mesh [\(mesh)], assembled on \(selfAlias) at \(WallClock.iso8601()).",
                       "Rebuilt by agent-discover and the hooks; read by notify-pane. Do not edit."],
            metadata: [("assembled_by", Slug.host(selfAlias)), ("protocol", String(AgentEntry.currentProtocol))])
        try FileSystem.writeAtomically(paths.registryToml, text: text, mode: 0o644)
    }
}
