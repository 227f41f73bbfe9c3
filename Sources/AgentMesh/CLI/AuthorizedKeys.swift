/// Restricted mesh keys: the `~/.ssh/authorized_keys` line that lets a peer's key do only
/// agent-mesh's work on this host (`agent-discover --authorize-peer <alias> <pubkey>`).
///
/// The line: `restrict,command="<bin>/notify-pane --serve --peer <alias>" <key> agent-mesh-peer:<alias>`.
/// `restrict` takes away the shell, the pty, port, agent and X11 forwarding; the forced command
/// (`ServeTool`) serves only the slice exchange and remote delivery, and names the peer, so the
/// receiving side knows which host connected. Policy when writing: the file is rewritten
/// atomically (temp, fsync, rename; 0600) under a lock; the alias's earlier line (a rotated key)
/// and every other line holding the same key (an unrestricted copy would win: sshd uses the
/// first line that matches) are removed; every other line stays as it was.
enum AuthorizedKeys {
    static let marker = "agent-mesh-peer:"

    static func line(alias: String, key: String, binDirectory: String) -> String {
        "restrict,command=\"\(binDirectory)/notify-pane --serve --peer \(alias)\" \(key) \(marker)\(alias)"
    }

    /// `type base64` of a public key line (comments dropped); nil when it is not one.
    static func keyPart(_ text: String) -> String? {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let type = words.firstIndex(where: { $0.hasPrefix("ssh-") || $0.hasPrefix("ecdsa-") || $0.hasPrefix("sk-") }),
              type + 1 < words.count else { return nil }
        return "\(words[type]) \(words[type + 1])"
    }

    /// The new file: `lines` without the alias's line and the key's other lines, plus `entry`.
    static func rewrite(_ lines: [String], alias: String, key: String?, entry: String?) -> [String] {
        var kept = lines.filter { l in
            if l.hasSuffix(" \(marker)\(alias)") { return false }
            if let key, let k = keyPart(l), k == key { return false }
            return true
        }
        if let entry { kept.append(entry) }
        return kept
    }

    static func validAlias(_ alias: String) -> Bool {
        !alias.isEmpty && alias.utf8.allSatisfy { c in
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45 || c == 46 || c == 95
        }
    }

    /// Authorizes (`key` given) or revokes (`key` nil) a peer; returns the line written, if any.
    static func update(paths: MeshPaths, alias: String, key: String?, binDirectory: String) throws -> String? {
        guard validAlias(alias) else { throw UsageError("peer alias '\(alias)' must be letters, digits, '-', '.' or '_'") }
        let ssh = paths.home + "/.ssh"
        try paths.ensureFolder(ssh, mode: 0o700)
        try paths.ensureFolder(paths.locks, mode: 0o700)
        let lock = try FileLock(path: paths.lock("authorized-keys"), timeoutMilliseconds: 5_000)
        defer { lock.unlock() }
        let file = ssh + "/authorized_keys"
        let lines = (try FileSystem.readText(file) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).filter { !$0.isEmpty }
        let entry = key.map { line(alias: alias, key: $0, binDirectory: binDirectory) }
        let next = rewrite(lines, alias: alias, key: key, entry: entry)
        try FileSystem.writeAtomically(file, Array((next.joined(separator: "\n") + "\n").utf8), mode: 0o600)
        return entry
    }
}
