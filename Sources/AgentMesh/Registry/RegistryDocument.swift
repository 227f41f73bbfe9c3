/// Reading and writing documents made of `[agents.<address>]` tables: `local.toml`, peer
/// slices and `registry.toml`.
///
/// Policy:
/// - Only tables and comments: no top-level keys, so the bash tool can concatenate our slices
///   and its line-oriented reader still sees plain `[agents.<addr>]` / `host = "..."` lines.
/// - Metadata travels in one machine-readable comment line, `# agent-mesh: key=value …`,
///   which every TOML reader ignores.
/// - Strict TOML first; a document the strict parser rejects (for example a bash-assembled
///   registry with a repeated table) can be read leniently, line by line, as the bash tool
///   does — the caller decides, and reports the strict error either way.
public enum RegistryDocument {
    public static let metadataPrefix = "# agent-mesh: "

    /// Parses the agents of a document. Entries without `host`/`target` are skipped.
    public static func parse(_ text: String) throws(TOMLError) -> [AgentEntry] {
        let root = try TOML.parse(text)
        guard let agents = root["agents"]?.table else { return [] }
        return agents.entries.compactMap { key, value in
            value.table.flatMap { AgentEntry(address: key, table: $0) }
        }
    }

    /// The `# agent-mesh: k=v k=v` metadata line's pairs (values contain no spaces).
    public static func metadata(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n", maxSplits: 8, omittingEmptySubsequences: false).prefix(8)
        where line.hasPrefix(metadataPrefix) {
            for pair in line.dropFirst(metadataPrefix.count).split(separator: " ") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { result[String(kv[0])] = String(kv[1]) }
            }
        }
        return result
    }

    /// Writes entries as `[agents.<address>]` tables in the order given, after `comments`
    /// (each becomes a `# ` line) and the metadata line.
    public static func render(_ entries: [AgentEntry], comments: [String], metadata: [(String, String)]) -> String {
        var agents = TOMLTable()
        for e in entries { agents[e.address] = .table(e.toTable()) }
        var root = TOMLTable()
        if !entries.isEmpty { root["agents"] = .table(agents) }
        var header = comments
        if !metadata.isEmpty {
            header.append(String(metadataPrefix.dropFirst(2)) + metadata.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        }
        return TOML.write(root, headerComments: header)
    }

    /// The bash tool's way of reading: `[agents.X]` headers, then `key = "value"` lines until
    /// the next header. Used only when strict parsing fails.
    public static func parseLeniently(_ text: String) -> [AgentEntry] {
        var entries: [AgentEntry] = []
        var seen = Set<String>()
        var current: (String, TOMLTable)?
        func flush() {
            if let (address, table) = current, !seen.contains(address),
               let entry = AgentEntry(address: address, table: table) {
                entries.append(entry)
                seen.insert(address)
            }
            current = nil
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingSpaces()
            if line.hasPrefix("[") {
                flush()
                if line.hasPrefix("[agents.") && line.hasSuffix("]") {
                    var name = line.dropFirst("[agents.".count).dropLast()
                    if name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 {
                        name = name.dropFirst().dropLast()
                    }
                    current = (String(name), TOMLTable())
                }
                continue
            }
            guard current != nil, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingSpaces()
            let value = line[line.index(after: eq)...].trimmingSpaces()
            if let single = try? TOML.parse("v = \(value)")["v"] {
                current!.1[String(key)] = single
            }
        }
        flush()
        return entries
    }
}
