/// Who this host is and who its peers are, from the bash tool's two hand-edited files.
///
/// - `self.conf`: the first non-empty, non-comment line is this host's alias; missing or
///   empty → `hostname -s`.
/// - `peers.conf`: one ssh alias per line, `#` comments and blank lines ignored, surrounding
///   spaces trimmed, duplicates dropped; this host's own alias may be (and usually is) listed.
public enum HostIdentity {
    public static func selfAlias(_ paths: MeshPaths) -> String {
        if let text = try? FileSystem.readText(paths.selfConf), let alias = significantLines(text).first {
            return alias
        }
        return Environment.shortHostName()
    }

    /// All aliases in `peers.conf`, in file order (own alias included if listed).
    public static func peers(_ paths: MeshPaths) -> [String] {
        guard let text = try? FileSystem.readText(paths.peersConf) else { return [] }
        var seen = Set<String>()
        return significantLines(text).filter { seen.insert($0).inserted }
    }

    /// Peers other than this host.
    public static func remotePeers(_ paths: MeshPaths) -> [String] {
        let me = selfAlias(paths)
        return peers(paths).filter { $0 != me }
    }

    static func significantLines(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { raw in
            var line = raw
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingSpaces()
            // An alias is one word; take the first if someone wrote more.
            return trimmed.split(separator: " ").first.map(String.init)
        }
    }
}
