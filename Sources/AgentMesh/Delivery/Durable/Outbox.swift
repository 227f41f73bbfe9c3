@preconcurrency import Glibc

/// The sender's record of every message it sent: written before anything is typed (intent
/// first), brought up to date at each step, read by `notify-pane --status` and `--outbox`.
///
/// One file per message, `~/.agents/outbox/<id>.toml` (0600, folder 0700), holding its body
/// too (so `--retry` can send it again), except a long or non-UTF-8 one, kept beside it as
/// `<id>.body` (0600); written atomically
/// (temp + rename) under the outbox lock. States: `delivering` (intent recorded, the send
/// under way) → `delivered` | `failed` (nothing was typed: a draft, a dialog, the window
/// gone, tmux or a host unreachable, with the reason) | `unknown` (it may have reached the
/// pane and could not be confirmed: typed but not submitted, an unconfirmed agent screen, a
/// cut connection after the request went out). A record left `delivering` by a process that
/// no longer runs is reported `unknown`: the sender died mid-send.
///
/// Durability: a record is fsynced when the sender is told something it must be able to rely
/// on later — `queued <id>` (the record, its body and marker, before the exit). The intent
/// and the outcome of a plain send are not: until the command ends no promise was made (a
/// power cut kills the sender with it), and once it reports delivered the receiving journal
/// holds the truth; a lost outcome reads `unknown`, and `--retry` is then safe.
public struct Outbox {
    public var paths: MeshPaths

    public init(paths: MeshPaths) { self.paths = paths }

    public struct Record: Equatable, Sendable {
        public var id: String
        public var to: String
        public var host: String
        public var sender: String
        public var created: String
        public var state: String
        public var reason: String
        public var pid: Int
        /// `<ISO time> <state>[: <reason>]`, oldest first.
        public var history: [String]
        /// What a later attempt (the queue runner, `--retry`) needs to send it again, unchanged
        /// (with `bodyText`). `expires`: queued messages only.
        public var expires: String = ""
        public var attempts: Int = 0
        public var filePath: String?
        public var options = SendOptions()
        /// The tag's time (epoch seconds): a queued message keeps the time it was written.
        public var time: Int = 0
        /// The id the message answers (`--reply`).
        public var replyTo: String?
        /// What was typed after the tag (`--log`), once the send ended.
        public var line: String = ""
        public var hop = 0
        /// The body as given, when it is UTF-8 of at most `inlineBodyLimit` bytes (else it is
        /// `<id>.body`); read it with `Outbox.body(of:)`.
        public var bodyText: String?

        /// The state as a reader should take it: `delivering` of a process that is gone is
        /// `unknown` (gone: no such process, or a zombie its parent has not reaped yet).
        public var effectiveState: String {
            guard state == "delivering" && pid > 0 else { return state }
            if kill(pid_t(pid), 0) != 0 { return errno == ESRCH ? "unknown" : state }
            let stat = (try? FileSystem.readText("/proc/\(pid)/stat")) ?? nil
            return stat?.contains(") Z ") == true ? "unknown" : state
        }

        func table() -> TOMLTable {
            var t = TOMLTable([("id", .string(id)), ("to", .string(to)), ("host", .string(host)), ("sender", .string(sender)),
                               ("created", .string(created)), ("state", .string(state)), ("reason", .string(reason)),
                               ("pid", .integer(Int64(pid))), ("history", .array(history.map { .string($0) })),
                               ("time", .integer(Int64(time)))])
            if !expires.isEmpty { t["expires"] = .string(expires) }
            if attempts > 0 { t["attempts"] = .integer(Int64(attempts)) }
            if let filePath { t["file"] = .string(filePath) }
            if options.force { t["force"] = .bool(true) }
            if options.skipDismiss { t["skip_dismiss"] = .bool(true) }
            if let d = options.enterDelayMilliseconds { t["enter_delay_ms"] = .integer(Int64(d)) }
            if let replyTo { t["re"] = .string(replyTo) }
            if !line.isEmpty { t["line"] = .string(line) }
            if hop > 0 { t["hop"] = .integer(Int64(hop)) }
            if let bodyText { t["body"] = .string(bodyText) }
            return t
        }

        init?(_ t: TOMLTable) {
            guard let id = t["id"]?.string, MessageID.isValid(id), let state = t["state"]?.string else { return nil }
            self.id = id; self.state = state
            to = t["to"]?.string ?? ""; host = t["host"]?.string ?? ""; sender = t["sender"]?.string ?? ""
            created = t["created"]?.string ?? ""; reason = t["reason"]?.string ?? ""
            pid = t["pid"]?.integer.map { Int($0) } ?? 0
            history = t["history"]?.array?.compactMap(\.string) ?? []
            expires = t["expires"]?.string ?? ""
            attempts = t["attempts"]?.integer.map { Int($0) } ?? 0
            filePath = t["file"]?.string
            options = SendOptions(force: t["force"]?.bool ?? false, skipDismiss: t["skip_dismiss"]?.bool ?? false,
                                  enterDelayMilliseconds: t["enter_delay_ms"]?.integer.map { Int($0) })
            time = t["time"]?.integer.map { Int($0) } ?? 0
            replyTo = t["re"]?.string
            line = t["line"]?.string ?? ""
            hop = t["hop"]?.integer.map { Int($0) } ?? 0
            bodyText = t["body"]?.string
        }

        init(id: String, to: String, host: String, sender: String) {
            self.id = id; self.to = to; self.host = host; self.sender = sender
            created = WallClock.iso8601(); state = "delivering"; reason = ""; pid = Int(getpid())
            history = ["\(created) pending", "\(created) delivering"]
        }
    }

    func file(_ id: String) -> String { "\(paths.outbox)/\(id).toml" }

    /// Records the intent to send `m`; called before anything is typed.
    public func begin(_ m: OutgoingMessage) throws(SystemError) {
        var r = Record(id: m.id, to: m.entry.address, host: m.entry.host, sender: m.sender)
        r.time = m.time
        r.filePath = m.filePath
        r.options = m.options
        r.replyTo = m.replyTo
        r.hop = m.hop
        r.line = TextSanitizer.oneLine(String(String(decoding: m.body, as: UTF8.self).prefix(200)))
        // The body as given, so `--retry` and the queue runner can send it again unchanged: in
        // the record when it is short UTF-8 (no second file on the hot path), else beside it.
        r.bodyText = Self.inlineText(m.body)
        if r.bodyText == nil {
            try paths.ensureFolder(paths.outbox, mode: 0o700)
            try FileSystem.writeAtomically(bodyFile(m.id), m.body, mode: 0o600, syncFile: false)
        }
        try write(r)
    }

    static let inlineBodyLimit = 4_096

    /// `body` as text when it is valid UTF-8 of at most `inlineBodyLimit` bytes.
    static func inlineText(_ body: [UInt8]) -> String? {
        guard body.count <= inlineBodyLimit else { return nil }
        let text = String(decoding: body, as: UTF8.self)
        return Array(text.utf8) == body ? text : nil
    }

    /// The message's body as it was given, nil when it was not kept (a record of an older version).
    public func body(of r: Record) -> [UInt8]? {
        if let text = r.bodyText { return Array(text.utf8) }
        return (try? FileSystem.read(bodyFile(r.id))) ?? nil
    }

    /// Changes a record's state (history appended), under the outbox lock; false when missing.
    @discardableResult
    public func update(_ id: String, durably: Bool = false, _ change: (inout Record) -> Void) -> Bool {
        guard let lock = try? takeLock() else { return false }
        defer { lock.unlock() }
        guard var r = read(id) else { return false }
        let before = (r.state, r.reason)
        change(&r)
        if (r.state, r.reason) != before {
            r.history.append("\(WallClock.iso8601()) \(r.state)" + (r.reason.isEmpty ? "" : ": \(r.reason)"))
        }
        return (try? store(r, durably: durably)) != nil
    }

    func bodyFile(_ id: String) -> String { "\(paths.outbox)/\(id).body" }
    func queuedMarker(_ id: String) -> String { "\(paths.outbox)/\(id).queued" }
    /// The folder of an `--encrypt`ed message's sealed file (`<id>.sealed/<name>.age`), kept
    /// with the record so `--retry` sends the same ciphertext.
    public func sealedFolder(_ id: String) -> String { "\(paths.outbox)/\(id).sealed" }

    /// Records how the send ended.
    public func finish(_ id: String, _ outcome: DeliveryOutcome, route: SendRoute, line: String = "") {
        let (state, reason) = Self.state(of: outcome, route: route)
        update(id) { r in
            r.state = state; r.reason = reason
            if !line.isEmpty { r.line = TextSanitizer.oneLine(line) }
            // The same state again (a queued message still not deliverable) adds no history line.
        }
    }

    /// The outcome as an outbox state and reason.
    static func state(of o: DeliveryOutcome, route: SendRoute) -> (String, String) {
        switch o.status {
        case .delivered, .queued: return ("delivered", o.status == .queued ? o.detail : "")
        case .notSubmitted, .unconfirmed, .unknown: return ("unknown", "\(o.status.rawValue): \(o.detail)")
        case .remoteUnavailable where route != .localPane:
            // The request may have gone out before the connection failed; the receiving
            // journal decides a retry (never typed twice).
            return ("unknown", "\(o.status.rawValue): \(o.detail)")
        case .refusedDraft, .notReady, .targetGone, .tmuxFailure, .remoteUnavailable, .refusedSender, .refusedLoop:
            return ("failed", "\(o.status.rawValue): \(o.detail)")
        }
    }

    /// Ids of records created since `milliseconds` (from the ids themselves: no file is read).
    public func ids(since milliseconds: Int) -> [String] {
        FileSystem.list(paths.outbox).filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }
            .filter { (MessageID.milliseconds(of: $0) ?? 0) >= milliseconds }
    }

    /// Removes finished records older than `seconds` (queued ones stay until they end).
    public func prune(olderThan seconds: Int) {
        let cutoff = (WallClock.now() - seconds) * 1_000
        for name in FileSystem.list(paths.outbox) where name.hasSuffix(".toml") {
            let id = String(name.dropLast(5))
            guard let t = MessageID.milliseconds(of: id), t < cutoff, let r = read(id), r.state != "queued" else { continue }
            FileSystem.remove(file(id))
            FileSystem.remove(bodyFile(id))
            for f in FileSystem.list(sealedFolder(id)) { FileSystem.remove(sealedFolder(id) + "/" + f) }
            rmdir(sealedFolder(id))
        }
    }

    public func read(_ id: String) -> Record? {
        guard MessageID.isValid(id), let bytes = try? FileSystem.read(file(id)),
              let t = try? TOML.parse(bytes: bytes) else { return nil }
        return Record(t)
    }

    /// Every readable record, oldest first; unreadable files are named in `problems`.
    public func all() -> (records: [Record], problems: [String]) {
        var records: [Record] = [], problems: [String] = []
        for name in FileSystem.list(paths.outbox).sorted() where name.hasSuffix(".toml") && !name.hasPrefix(".") {
            let path = "\(paths.outbox)/\(name)"
            do {
                guard let bytes = try FileSystem.read(path) else { continue }
                guard let r = Record(try TOML.parse(bytes: bytes)) else { problems.append("\(path): not an outbox record"); continue }
                records.append(r)
            } catch let e as TOMLError {
                problems.append("\(path):\(e.line):\(e.column): \(e.reason)")
            } catch {
                problems.append("\(path): \(error)")
            }
        }
        return (records, problems)
    }

    func write(_ r: Record, durably: Bool = false) throws(SystemError) {
        let lock = try takeLock()
        defer { lock.unlock() }
        try store(r, durably: durably)
    }

    func takeLock() throws(SystemError) -> FileLock {
        try paths.ensureFolder(paths.outbox, mode: 0o700)
        try paths.ensureFolder(paths.locks, mode: 0o700)
        return try FileLock(path: paths.lock("outbox"), timeoutMilliseconds: 2_000)
    }

    /// Writes a record; the caller holds the outbox lock.
    func store(_ r: Record, durably: Bool = false) throws(SystemError) {
        try FileSystem.writeAtomically(file(r.id), Array(TOML.write(r.table()).utf8), mode: 0o600, syncFile: durably)
    }
}
