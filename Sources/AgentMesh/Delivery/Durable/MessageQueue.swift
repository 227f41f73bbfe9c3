@preconcurrency import Glibc

/// Messages that wait instead of being lost (`notify-pane --queue`): kept in the outbox and
/// sent again by a runner until the recipient can take them, they expire, or are cancelled.
///
/// Policy:
/// - Only refusals that typed nothing are queued: a human draft, a screen that is not the
///   agent's composer (dialog, prompt, starting), a busy pane lock or tmux failure before
///   typing, an unreachable host, the window gone for now. A send that may have typed
///   (`unknown`) is never queued: the receiving journal would refuse to type it again anyway.
/// - A queued message is `<id>.toml` with state `queued` and its body (kept by every record
///   since the intent: in it, or as `<id>.body`, 0600) and a
///   marker `<id>.queued` (so a hook can tell in one directory read whether a runner is
///   needed). Attempts reuse the message's id, time and options, so the receiving journal
///   still types it at most once and its tag still says when it was written. Messages to
///   one recipient are delivered in the order they were written (ids sort by time).
/// - The runner (`notify-pane --run-queue`, started detached on demand — by the sender, the
///   tmux hooks and agent-discover's resync; one per user and host, under a lock) retries
///   every queued message every 300 ms for its first minute, then every 1–2 s, and every 5 s
///   while its host is unreachable; it exits when nothing is queued. Human drafts are never
///   touched: a draft refusal is just another wait. Only the final outcome of a queued
///   message goes to the audit log, not every refused attempt.
public struct MessageQueue {
    public var paths: MeshPaths
    public var outbox: Outbox
    /// The runner's clock (its waits) and process starter.
    public var context: MeshContext

    public init(paths: MeshPaths, context: MeshContext = .live) {
        self.paths = paths
        outbox = Outbox(paths: paths)
        self.context = context
    }

    public static let defaultTTLSeconds = 24 * 3_600

    /// `[delivery] queue = true` in `~/.agents/config.toml`: every send queues when refused,
    /// as `--queue` does (an unreadable file is reported by the loop guard's reading of it).
    public static func queuesByDefault(_ paths: MeshPaths) -> Bool {
        guard let text = try? FileSystem.readText(paths.configToml), let root = try? TOML.parse(text) else { return false }
        return root["delivery"]?.table?["queue"]?.bool ?? false
    }

    /// True for refusals that typed nothing and may pass later.
    public static func isRetryable(_ status: DeliveryOutcome.Status) -> Bool {
        switch status {
        case .refusedDraft, .notReady, .tmuxFailure, .remoteUnavailable, .targetGone: return true
        // A loop-guard refusal is final: queueing it would only defer the loop.
        case .delivered, .queued, .notSubmitted, .unconfirmed, .unknown, .refusedSender, .refusedLoop: return false
        }
    }

    /// Turns a refused send into a queued one (its record exists since `Outbox.begin`).
    public func enqueue(_ m: OutgoingMessage, after outcome: DeliveryOutcome, ttlSeconds: Int) throws(SystemError) {
        // `Outbox.begin` kept the body; a record from before bodies were kept gets it now.
        if outbox.read(m.id).map({ outbox.body(of: $0) == nil }) ?? true {
            try FileSystem.writeAtomically(outbox.bodyFile(m.id), m.body, mode: 0o600, syncFile: true)
        }
        // `queued <id>` is a promise: the record, body and marker are fsynced before it is made.
        outbox.update(m.id, durably: true) { r in
            r.state = "queued"
            r.reason = "\(outcome.status.rawValue): \(outcome.detail)"
            r.expires = WallClock.iso8601(WallClock.now() + ttlSeconds)
        }
        try FileSystem.writeAtomically(outbox.queuedMarker(m.id), [], mode: 0o600, syncFile: true)
    }

    /// True when an earlier message to `address` is still queued (a new one must wait behind it).
    public func hasQueued(to address: String) -> Bool {
        queuedIDs().contains { outbox.read($0)?.to == address }
    }

    /// Ids with a queued marker (one directory read).
    public func queuedIDs() -> [String] {
        FileSystem.list(paths.outbox).filter { $0.hasSuffix(".queued") }.map { String($0.dropLast(7)) }
            .filter { MessageID.isValid($0) }.sorted()
    }

    /// Cancels a queued message; false when it is not queued (delivered, failed, unknown id).
    public func cancel(_ id: String) -> Bool {
        var cancelled = false
        outbox.update(id) { r in
            guard r.state == "queued" else { return }
            r.state = "cancelled"; r.reason = "cancelled by the sender"; cancelled = true
        }
        if cancelled { clear(id); FileSystem.remove(outbox.bodyFile(id)) }
        return cancelled
    }

    /// Takes a message off the queue; its body stays with its record (`--retry` of an expired
    /// or unknown one needs it) until the record is pruned.
    func clear(_ id: String) {
        FileSystem.remove(outbox.queuedMarker(id))
    }

    /// One attempt at every queued message that is due; returns how long until the next is
    /// due (ms), or nil when nothing is queued any more.
    public func runOnce(selfAlias: String, send: (OutgoingMessage) -> SendResult) -> Int? {
        var next: Int?
        // Order per recipient: once one message to an address is refused in a pass, the later
        // ones to it wait for the next pass (a draft cleared mid-pass must not let them pass it).
        var refused: Set<String> = []
        for id in queuedIDs() {
            guard let r = outbox.read(id), r.state == "queued" else { clear(id); continue }
            if refused.contains(r.to) { next = min(next ?? 300, 300); continue }
            if let expires = WallClock.parseISO8601(r.expires), WallClock.now() >= expires {
                outbox.update(id) { $0.state = "expired"; $0.reason = "not delivered within its time to live (last: \($0.reason))" }
                clear(id); continue
            }
            let view = RegistryStore(paths: paths).loadView(selfAlias: selfAlias)
            guard let entry = view.entries.first(where: { $0.address == r.to }) else {
                refused.insert(r.to)
                outbox.update(id) { $0.reason = "target-gone: \(r.to) is not in the registry now"; $0.attempts += 1 }
                next = min(next ?? 1_000, 1_000); continue
            }
            let body = outbox.body(of: r) ?? []
            var m = OutgoingMessage(entry: entry, sender: r.sender, body: body, filePath: r.filePath,
                                    options: r.options, time: r.time, id: id)
            m.replyTo = r.replyTo
            m.hop = r.hop
            PausePoint.reach(.afterIntent)   // test only: the crash tests kill the runner here
            let result = send(m)
            let status = result.outcome.status
            if Self.isRetryable(status) {
                refused.insert(r.to)
                outbox.update(id) { $0.state = "queued"; $0.reason = "\(status.rawValue): \(result.outcome.detail)"; $0.attempts += 1 }
                // Soon while it is fresh (a cleared draft is taken within ~0.3 s), gentler later.
                let wait = status == .remoteUnavailable ? 5_000 : (r.attempts < 200 ? 300 : r.attempts < 800 ? 1_000 : 2_000)
                next = min(next ?? wait, wait)
            } else {
                let (state, reason) = Outbox.state(of: result.outcome, route: SendRoute(entry: entry, selfAlias: selfAlias))
                outbox.update(id) { $0.state = state; $0.reason = reason; $0.attempts += 1 }
                clear(id)
            }
        }
        return next
    }

    /// The runner: holds the queue lock (another runner already holding it means nothing to
    /// do), sends until the queue is empty. `maximumMilliseconds` bounds a run (a restart on
    /// the next event picks up what is left).
    public func run(selfAlias: String, maximumMilliseconds: Int = 25 * 3_600_000,
                    send: (OutgoingMessage) -> SendResult) {
        guard (try? paths.ensureFolder(paths.locks, mode: 0o700)) != nil,
              let lock = try? FileLock.tryLock(path: paths.lock("queue-runner")) else { return }
        defer { lock.unlock() }
        let deadline = context.clock.milliseconds() + maximumMilliseconds
        while context.clock.milliseconds() < deadline, let wait = runOnce(selfAlias: selfAlias, send: send) {
            context.clock.sleep(milliseconds: wait)
        }
    }

    /// Starts a runner in the background unless one runs (it exits when the queue is empty).
    public func startRunner() {
        guard !queuedIDs().isEmpty, let exe = FileSystem.linkTarget("/proc/self/exe") else { return }
        let binary = FileSystem.directory(of: exe) + "/notify-pane"
        _ = try? context.runner.spawnDetached(Command(binary, ["--run-queue"], timeoutMilliseconds: 0))
    }
}
