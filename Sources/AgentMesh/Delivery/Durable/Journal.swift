@preconcurrency import Glibc

/// The receiving host's memory of which message ids it has typed: what makes a retry safe,
/// so a message is typed at most once however often it is sent (exactly once with the
/// sender's retries).
///
/// One file per id, `~/.agents/journal/<id>` (0600), lines `typing <time> from <sender>` then
/// `done <status> <time>` (the sender is what `notify-pane --reply <id>` answers):
/// - `claim` creates the file with `O_EXCL` right before the paste, under the pane lock: of
///   two deliveries of one id, on any route, exactly one may type.
/// - `finish` appends the outcome.
/// - A file with `typing` and no `done` is a delivery that stopped half-way (killed, host
///   down): the text may be in the pane, so it is never typed again and reported `unknown`.
/// - A file that cannot be read as such a record is reported, set aside and replaced by a
///   `corrupt` record (`JournalCheck`): the id is never typed again either (`unknown`).
///
/// Durability: the claim is fsynced before anything is typed — losing it would let a retry
/// type the message again. The outcome (`done`) is appended without fsync: losing it leaves
/// `typing`, which reads `unknown` and is never retyped, so a power cut can only make the
/// answer less certain, never cause a second copy. (The claim's fsync: 0.25–0.45 ms here.)
public struct Journal {
    public var paths: MeshPaths

    public init(paths: MeshPaths) { self.paths = paths }

    public enum Record: Equatable, Sendable {
        case typing
        case done(String)
        /// The record was unreadable and is set aside (`JournalCheck`): the message may have been typed.
        case corrupt(String)
    }

    /// The pane address message `id` was typed for, when it was typed here.
    public func recipient(of id: String) -> String? {
        guard MessageID.isValid(id), let text = checked(id) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("to ") }.map { String($0.dropFirst(3)) }
    }

    /// One received message as `--log` shows it.
    public struct Entry: Sendable {
        public var id: String
        public var time: String
        public var from: String
        public var to: String
        public var status: String
        public var line: String
    }

    public func entry(_ id: String) -> Entry? {
        guard MessageID.isValid(id), let text = checked(id) else { return nil }
        let lines = text.split(separator: "\n").map(String.init)
        guard let first = lines.first, first.hasPrefix("typing ") else { return nil }
        let time = String(first.dropFirst(7).prefix { $0 != " " })
        var status = "typing"
        for l in lines where l.hasPrefix("done ") { status = String(l.dropFirst(5).prefix { $0 != " " }) }
        if status == "typing" && lines.contains(where: { $0.hasPrefix("corrupt ") }) { status = "unknown" }
        let line = lines.first { $0.hasPrefix("line ") }.map { String($0.dropFirst(5)) } ?? ""
        return Entry(id: id, time: time, from: sender(of: id) ?? "", to: recipient(of: id) ?? "", status: status, line: line)
    }

    /// Every id in the journal, oldest first.
    public func allIDs() -> [String] { FileSystem.list(paths.journal).filter { MessageID.isValid($0) }.sorted() }

    /// Ids created since `milliseconds` (ids carry their creation time: no file is read).
    public func ids(since milliseconds: Int) -> [String] {
        FileSystem.list(paths.journal).filter { (MessageID.milliseconds(of: $0) ?? 0) >= milliseconds }
    }

    /// The newest message typed here for `recipient` (its address, or the window address
    /// of a pane address `<window>-p<N>`) whose id is from `milliseconds` since the epoch or later: what a
    /// message sent from that pane is handling. Reads only the records of that span, newest
    /// first, at most 200.
    public func latest(typedFor recipient: String, sinceMilliseconds milliseconds: Int) -> Entry? {
        for id in ids(since: milliseconds).sorted(by: >).prefix(200) {
            guard let text = try? FileSystem.readText(file(id)),
                  let to = text.split(separator: "\n").first(where: { $0.hasPrefix("to ") }).map({ String($0.dropFirst(3)) })
            else { continue }
            if to == recipient || Self.isPane(recipient, of: to) { return entry(id) }
        }
        return nil
    }

    /// True when `address` is `<window>-p<digits>`.
    static func isPane(_ address: String, of window: String) -> Bool {
        guard address.hasPrefix(window + "-p") else { return false }
        let rest = address.dropFirst(window.count + 2)
        return !rest.isEmpty && rest.allSatisfy(\.isASCII) && rest.allSatisfy(\.isNumber)
    }

    /// Removes records older than `seconds` (the resync calls it; retries come within hours).
    public func prune(olderThan seconds: Int) {
        let cutoff = (WallClock.now() - seconds) * 1_000
        for name in FileSystem.list(paths.journal) where (MessageID.milliseconds(of: name) ?? Int.max) < cutoff {
            FileSystem.remove(file(name))
        }
    }

    /// Who sent message `id` (the `from` of its tag), when it was typed here.
    public func sender(of id: String) -> String? {
        guard MessageID.isValid(id), let text = checked(id),
              let first = text.split(separator: "\n").first, let range = first.firstRange(of: " from ") else { return nil }
        let name = String(first[range.upperBound...])
        return name.isEmpty ? nil : name
    }

    func file(_ id: String) -> String { "\(paths.journal)/\(id)" }

    /// What the journal knows of `id`, or nil when it was never typed here. A record that
    /// cannot be read is reported and set aside (`checked`), and reads as `.corrupt`.
    public func record(_ id: String) -> Record? {
        guard MessageID.isValid(id), let text = checked(id) else { return nil }
        var record: Record = .typing
        for line in text.split(separator: "\n") {
            if line.hasPrefix("done ") { record = .done(String(line.dropFirst(5).split(separator: " ").first ?? "")) }
            if line.hasPrefix("corrupt "), case .typing = record { record = .corrupt(String(line.dropFirst(8))) }
        }
        return record
    }

    /// Claims `id` for typing; false when another delivery claimed it first.
    public func claim(_ id: String, sender: String? = nil, recipient: String? = nil, text: String? = nil) throws(SystemError) -> Bool {
        guard MessageID.isValid(id) else { return true }
        try paths.ensureFolder(paths.journal, mode: 0o700)
        let from = sender.map { " from " + TextSanitizer.oneLine($0) } ?? ""
        let to = recipient.map { "\nto " + TextSanitizer.oneLine($0) } ?? ""
        // The typed line (one line, tag included) for `notify-pane --log --thread`.
        let line = text.map { "\nline " + TextSanitizer.oneLine($0) } ?? ""
        let fd = retryingEINTR { open(file(id), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        if fd < 0 {
            if errno == EEXIST { return false }
            throw SystemError("open", path: file(id))
        }
        defer { close(fd) }
        do throws(SystemError) {
            try FileSystem.writeAll(fd, Array("typing \(WallClock.iso8601())\(from)\(to)\(line)\n".utf8), path: file(id))
            if retryingEINTR({ fsync(fd) }) != 0 { throw SystemError("fsync", path: file(id)) }
        } catch {
            // Not durably claimed: nothing is typed, and the id stays free for a retry.
            unlink(file(id))
            throw error
        }
        return true
    }

    public func finish(_ id: String, status: String) {
        guard MessageID.isValid(id) else { return }
        try? FileSystem.append(file(id), Array("done \(status) \(WallClock.iso8601())\n".utf8))
    }
}
