@preconcurrency import Glibc

/// `notify-pane --retry <id>`: sends a message of the outbox again, as the same message.
///
/// Policy:
/// - Same id, same tag time, same body (kept in the outbox since the intent) or file, same
///   recipient and options: the receiving host's journal then decides, so it is never typed
///   twice. Already typed and submitted there → `delivered` (exit 0, "not typed again" on
///   stderr); a journal record that began typing and never ended → `unknown` (exit 5, not
///   typed); not in the journal → typed now, as a first send would be.
/// - Only a message whose state is `unknown`, `failed` or `expired` may be retried. One that
///   is `delivered`, `cancelled`, still `queued` (the runner has it) or being sent now is
///   refused with one line and exit 1; an id not in the outbox is exit 2, as for `--status`.
/// - The retry is recorded in the message's history (`retry (was <state>)`), then the
///   attempt's states as for any send. A retry that is refused again (a draft) is not queued.
enum RetryCommand {
    static let retryable: Set<String> = ["unknown", "failed", "expired"]

    static func run(id: String, quiet: Bool, paths: MeshPaths, tool notifyPane: NotifyPaneTool = NotifyPaneTool()) -> Int32 {
        let tool = NotifyPaneTool.name, context = notifyPane.context
        let outbox = Outbox(paths: paths)
        guard let record = outbox.read(id) else {
            return notifyPane.fail("no message \(id) in \(paths.outbox)", .unknownAddress)
        }
        if let why = refusal(record) { return notifyPane.fail("message \(id) cannot be retried: \(why)", .usage) }
        guard let body = outbox.body(of: record) else {
            return notifyPane.fail("message \(id) cannot be retried: its body was not kept "
                                       + "(sent by an older version of notify-pane)", .usage)
        }
        if let path = record.filePath, let problem = NotifyPaneTool.unreadable(path) {
            return notifyPane.fail("cannot read \(path): \(problem)", .usage)
        }
        let selfAlias = HostIdentity.selfAlias(paths)
        let view = RegistryStore(paths: paths).loadView(selfAlias: selfAlias)
        guard let entry = view.entries.first(where: { $0.address == record.to }) else {
            return notifyPane.unknown(record.to, view)
        }
        // Claim the record for this attempt under the outbox lock: two retries at once do not
        // both start (the receiving journal would still type it once).
        var lost: String?
        outbox.update(id) { r in
            if let why = refusal(r) { lost = why; return }
            r.history.append("\(WallClock.iso8601()) retry (was \(r.effectiveState))")
            r.state = "delivering"; r.reason = ""; r.pid = Int(getpid())
        }
        if let why = lost { return notifyPane.fail("message \(id) cannot be retried: \(why)", .usage) }
        var m = OutgoingMessage(entry: entry, sender: record.sender, body: body, filePath: record.filePath,
                                options: record.options, time: record.time, id: id)
        m.replyTo = record.replyTo
        m.hop = record.hop
        let result = SendPipeline.attempt(m, paths: paths, selfAlias: selfAlias, context: context)
        let outcome = result.outcome
        outbox.finish(id, outcome, route: SendRoute(entry: entry, selfAlias: selfAlias), line: result.typedLine)
        guard outcome.isDelivered else {
            return notifyPane.fail("\(entry.address): \(outcome.detail)", NotifyExitCode.for(outcome.status))
        }
        context.output.out(quiet ? id + "\n" : "→ \(entry.address) (\(entry.host)[\(entry.target)]) [id:\(id)]: \(result.typedLine)\n")
        if !outcome.detail.isEmpty && !quiet { context.output.err("\(tool): \(entry.address): \(outcome.detail)\n") }
        return 0
    }

    /// Why `r` may not be retried now, or nil.
    static func refusal(_ r: Outbox.Record) -> String? {
        let state = r.effectiveState
        if retryable.contains(state) { return nil }
        switch state {
        case "delivered": return "it was delivered"
        case "cancelled": return "it was cancelled"
        case "queued": return "it is queued: the queue runner delivers it (notify-pane --cancel \(r.id) drops it)"
        case "delivering": return "it is being sent now (process \(r.pid))"
        default: return "its state is \(state)"
        }
    }
}
