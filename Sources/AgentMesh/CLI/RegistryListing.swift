/// `--list` output: bare addresses (the bash tool's format, one per line and nothing else,
/// so `notify-pane --list | grep -q '^addr$'` works), a `--long` table, or `--json`.
public enum RegistryListing {
    public static func plain(_ entries: [AgentEntry]) -> String {
        entries.map { $0.address + "\n" }.joined()
    }

    /// Columns: address, host, target, role, live/stale — space-aligned.
    public static func long(_ entries: [AgentEntry]) -> String {
        let rows = entries.map { e in
            [e.address, e.host, e.target, TextSanitizer.oneLine(e.role.isEmpty ? "-" : e.role), e.isStale ? "stale" : "live"]
        }
        guard !rows.isEmpty else { return "" }
        var widths = [Int](repeating: 0, count: 5)
        for r in rows { for (k, v) in r.enumerated() { widths[k] = max(widths[k], v.count) } }
        return rows.map { r in
            r.enumerated().map { k, v in k == 4 ? v : v.padding(toLength: widths[k] + 2, withPad: " ") }.joined() + "\n"
        }.joined()
    }

    /// A JSON array, one object per entry.
    public static func json(_ entries: [AgentEntry]) -> String {
        let objects = entries.map { e -> String in
            var fields: [(String, String)] = [
                ("address", quote(e.address)), ("host", quote(e.host)), ("target", quote(e.target)),
                ("session", quote(e.session)), ("window", quote(e.window)), ("role", quote(e.role)),
                ("scope", quote(e.scope)),
            ]
            if let v = e.windowIndex { fields.append(("window_index", String(v))) }
            if let v = e.windowID { fields.append(("window_id", quote(v))) }
            if let v = e.paneID { fields.append(("pane_id", quote(v))) }
            if let v = e.command { fields.append(("command", quote(v))) }
            if let v = e.socket { fields.append(("socket", quote(v))) }
            if let v = e.enterDelayMilliseconds { fields.append(("enter_delay_ms", String(v))) }
            if let v = e.lastSeen { fields.append(("last_seen", quote(v))) }
            fields.append(("stale", e.isStale ? "true" : "false"))
            return "  {" + fields.map { "\(quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// A JSON string literal. TOML's basic-string escapes (`\" \\ \b \t \n \f \r \uXXXX`) are
    /// exactly JSON's, so the TOML writer's quoting serves both.
    public static func quote(_ s: String) -> String { TOML.quoteString(s) }
}
