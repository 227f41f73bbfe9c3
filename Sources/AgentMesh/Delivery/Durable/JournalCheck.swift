@preconcurrency import Glibc

/// A journal record that cannot be read is never silently dropped, and never makes its message
/// typable again.
///
/// Policy:
/// - A record is lines (each ended by a line feed, valid UTF-8) whose first starts `typing `
///   and whose others start `to `, `line `, `done ` or `corrupt `. Anything else — unreadable,
///   garbage, a last line cut short, empty — is corrupt. An empty file less than 10 s old is a
///   claim being written (`O_EXCL` create, then its line, one write) and reads as `typing`:
///   the pane lock keeps deliveries from seeing it, but `--log` may.
/// - A corrupt record is reported on stderr as one line, `notify-pane: warning: corrupt
///   journal record: <path>:<line>: <reason> …` (as unreadable outbox records are), and set
///   aside as `~/.agents/journal/corrupt/<id>.<ms>` (0700 folder), bytes untouched.
/// - In its place comes a `corrupt` record (`typing <time>`, `corrupt <where it went>`): the
///   message may have been typed, so any later delivery of the id reports `unknown` and types
///   nothing. The corrupt file is linked aside before the replacement is renamed over it, so
///   the id is never without a record, even for a moment.
extension Journal {
    var corruptFolder: String { "\(paths.journal)/corrupt" }

    /// The record's text, nil when there is none; a corrupt one is reported, set aside and
    /// replaced first (its replacement's text is returned).
    func checked(_ id: String) -> String? {
        let path = file(id)
        let problem: (line: Int, reason: String)
        do {
            guard let bytes = try FileSystem.read(path) else { return nil }
            if bytes.isEmpty, let t = FileSystem.modificationTime(path), WallClock.now() - t < 10 { return "" }
            guard let p = Self.problem(in: bytes) else { return String(decoding: bytes, as: UTF8.self) }
            problem = p
        } catch {
            problem = (1, "cannot read it (\(error))")
        }
        let aside = setAside(id)
        let replacement = "typing \(WallClock.iso8601())\ncorrupt \(aside ?? path):\(problem.line): \(problem.reason)\n"
        let tmp = "\(paths.journal)/.\(id).\(getpid()).corrupt"
        if (try? FileSystem.writeAtomically(tmp, Array(replacement.utf8), mode: 0o600, syncFile: false)) != nil {
            if rename(tmp, path) != 0 { unlink(tmp) }
        }
        let kept = aside.map { "set aside as \($0)" } ?? "left in place (it could not be moved)"
        Output.err("notify-pane: warning: corrupt journal record: \(path):\(problem.line): \(problem.reason); \(kept); "
                   + "message \(id) may have been typed: it is never typed again\n")
        return replacement
    }

    /// Links (or, for what cannot be linked, moves) `<id>` into the corrupt folder; its new path.
    func setAside(_ id: String) -> String? {
        guard (try? paths.ensureFolder(corruptFolder, mode: 0o700)) != nil else { return nil }
        let target = "\(corruptFolder)/\(id).\(WallClock.milliseconds())"
        if link(file(id), target) == 0 { return target }
        // A directory or a special file in its place: moved (a claim could not have used the name anyway).
        return rename(file(id), target) == 0 ? target : nil
    }

    /// Where and why `bytes` is not a journal record, or nil when it is one.
    static func problem(in bytes: [UInt8]) -> (line: Int, reason: String)? {
        if bytes.isEmpty { return (1, "empty (truncated)") }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (k, line) in lines.dropLast().enumerated() {
            if line.contains("\u{FFFD}") && Array(text.utf8) != bytes { return (k + 1, "not UTF-8") }
            let known = k == 0 ? line.hasPrefix("typing ")
                : ["to ", "line ", "done ", "corrupt "].contains { line.hasPrefix($0) }
            if !known { return (k + 1, "not a journal line (\(quoted(line)))") }
        }
        if let last = lines.last, !last.isEmpty {
            return (lines.count, "truncated: the last line has no end (\(quoted(last)))")
        }
        return nil
    }

    static func quoted(_ line: Substring) -> String {
        let short = line.count > 40 ? String(line.prefix(40)) + "…" : String(line)
        return "\"" + TextSanitizer.oneLine(short) + "\""
    }
}
