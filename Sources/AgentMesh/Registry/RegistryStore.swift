/// The on-disk registry: `local.toml`, the peer caches and `registry.toml`, each written
/// atomically under the one registry lock (`~/.agents/locks/registry.lock`).
public struct RegistryStore {
    public let paths: MeshPaths

    public init(paths: MeshPaths) { self.paths = paths }

    /// What reading `local.toml` found. A corrupt file is reported with `file:line:col`,
    /// never silently treated as empty.
    public struct LocalRead {
        public var slice: LocalSlice?
        public var problem: String?
    }

    public func readLocal(defaultHost: String) -> LocalRead {
        let text: String?
        do {
            text = try FileSystem.readText(paths.localToml)
        } catch {
            return LocalRead(slice: nil, problem: error.description)
        }
        guard let text else { return LocalRead(slice: nil, problem: nil) }
        do {
            return LocalRead(slice: try LocalSlice.parse(text, defaultHost: defaultHost), problem: nil)
        } catch {
            return LocalRead(slice: nil, problem: "\(paths.localToml):\(error)")
        }
    }

    /// Creates `~/.agents` (0755) and its private sub-folders (0700) as needed.
    /// Never creates the home folder itself (`MeshPaths.ensureFolder`).
    public func prepareFolders() throws(SystemError) {
        try paths.ensureFolder(paths.agents, mode: 0o755)
        try paths.ensureFolder(paths.locks, mode: 0o700)
    }

    public func lockRegistry(timeoutMilliseconds: Int = 10_000) throws(SystemError) -> FileLock {
        try prepareFolders()
        return try FileLock(path: paths.lock("registry"), timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Writes `local.toml` (caller holds the registry lock). A corrupt previous file is kept
    /// beside it as `local.toml.corrupt` for inspection.
    public func writeLocal(_ slice: LocalSlice, replacingCorrupt: Bool) throws(SystemError) {
        if replacingCorrupt, let old = try? FileSystem.read(paths.localToml) {
            try? FileSystem.writeAtomically(paths.localToml + ".corrupt", old, mode: 0o600)
        }
        try FileSystem.writeAtomically(paths.localToml, text: slice.render(), mode: 0o644)
    }

    /// The agents a sender can address: `registry.toml`, with this host's entries replaced
    /// by `local.toml` (fresher: written on every tmux event). Reads a bash-tool registry too;
    /// if strict parsing fails it falls back to the bash tool's line reader and reports why.
    public func loadView(selfAlias: String) -> RegistryView {
        var warnings: [String] = []
        var byAddress: [String: AgentEntry] = [:]
        var order: [String] = []
        func add(_ e: AgentEntry) {
            if byAddress.updateValue(e, forKey: e.address) == nil { order.append(e.address) }
        }
        if let text = try? FileSystem.readText(paths.registryToml) {
            do {
                try RegistryDocument.parse(text).forEach(add)
            } catch {
                warnings.append("\(paths.registryToml):\(error) (read line by line instead)")
                RegistryDocument.parseLeniently(text).forEach(add)
            }
        }
        let local = readLocal(defaultHost: selfAlias)
        if let problem = local.problem { warnings.append(problem) }
        if let slice = local.slice {
            // Local is authoritative for this host: drop registry rows of this host first.
            for address in order where byAddress[address]?.host == selfAlias { byAddress[address] = nil }
            order.removeAll { byAddress[$0] == nil }
            slice.entries.forEach(add)
        }
        return RegistryView(entries: order.compactMap { byAddress[$0] }, warnings: warnings)
    }
}

/// Every agent a sender can address, and what went wrong reading them (reported, not fatal).
public struct RegistryView: Sendable, Equatable {
    public var entries: [AgentEntry]
    public var warnings: [String]
}
