/// The private audit log: one line per send in `~/.agents/log/notify.log`.
///
/// Format: `<YYYY-MM-DDTHH:MM:SSZ> from=<sender> to=<address> status=<status> bytes=<n> ms=<n>`
/// (+ ` pane=<id>` when known). Values have spaces and control characters replaced by `_`,
/// so a record is always one parseable line. Folder 0700, file 0600; each record is a single
/// `write(2)` on an `O_APPEND` descriptor, so concurrent senders never interleave. Logging
/// never fails a delivery: errors are ignored.
public enum AuditLog {
    public static func path(_ paths: MeshPaths) -> String { "\(paths.log)/notify.log" }

    public static func record(paths: MeshPaths, from: String, to: String, status: String, bytes: Int,
                              durationMilliseconds: Int, pane: String? = nil, time: Int = WallClock.now()) {
        var line = "\(WallClock.iso8601(time)) from=\(field(from)) to=\(field(to)) status=\(field(status))"
            + " bytes=\(bytes) ms=\(durationMilliseconds)"
        if let pane { line += " pane=\(field(pane))" }
        line += "\n"
        try? paths.ensureFolder(paths.agents, mode: 0o755)
        try? paths.ensureFolder(paths.log, mode: 0o700)
        try? FileSystem.append(path(paths), Array(line.utf8), mode: 0o600)
    }

    static func field(_ value: String) -> String {
        let cleaned = String(String.UnicodeScalarView(value.unicodeScalars.map {
            $0.value <= 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) ? "_" : $0
        }))
        return cleaned.isEmpty ? "-" : cleaned
    }
}
