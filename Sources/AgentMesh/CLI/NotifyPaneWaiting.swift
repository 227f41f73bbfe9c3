/// notify-pane's two ways of waiting after a send: `--ask` for the reply, `--queue --wait`
/// for the runner to deliver a queued message. Both wait on `context.clock`.
extension NotifyPaneTool {
    /// `--ask`: after the question was delivered, the reply's text on stdout (exit 0), or exit 9.
    func awaitReply(_ m: OutgoingMessage, outcome: DeliveryOutcome, timeout: Int, paths: MeshPaths) -> Int32 {
        let waiters = Waiters(paths: paths)
        guard outcome.isDelivered else {
            waiters.end(m.id)
            return fail("\(m.entry.address): \(outcome.detail)", NotifyExitCode.for(outcome.status))
        }
        let start = context.clock.milliseconds(), deadline = start + timeout * 1_000
        while context.clock.milliseconds() < deadline {
            if let text = waiters.reply(m.id) {
                waiters.end(m.id)
                context.output.out(text + "\n")
                return 0
            }
            // An answer that comes at once is seen within ~2 ms; a slow one costs no busy loop.
            let waited = context.clock.milliseconds() - start
            context.clock.sleep(milliseconds: waited < 1_000 ? 2 : waited < 10_000 ? 20 : 100)
        }
        // The waiting file stays: a late reply finds the asker gone and lands in the inbox too.
        return fail("\(m.entry.address): no reply to \(m.id) within \(timeout) s (a late one lands in ~/.agent-inbox)", .noReply)
    }

    /// `--queue`: the refused message waits in the outbox for the runner; `--wait` watches it.
    func queue(_ m: OutgoingMessage, after outcome: DeliveryOutcome, options o: NotifyPaneOptions,
               paths: MeshPaths) -> Int32 {
        let queue = MessageQueue(paths: paths, context: context)
        do { try queue.enqueue(m, after: outcome, ttlSeconds: o.ttlSeconds) } catch {
            return fail("\(m.entry.address): \(outcome.detail); and it could not be queued: \(error)", NotifyExitCode.for(outcome.status))
        }
        queue.startRunner()
        guard let wait = o.waitSeconds else {
            context.output.out("queued \(m.id)\n")
            if !o.isQuiet { context.output.err("\(Self.name): \(m.entry.address): queued (\(outcome.detail))\n") }
            return 0
        }
        let deadline = context.clock.milliseconds() + wait * 1_000
        while context.clock.milliseconds() < deadline {
            context.clock.sleep(milliseconds: 100)
            guard let r = queue.outbox.read(m.id) else { break }
            switch r.state {
            case "delivered":
                context.output.out(o.isQuiet ? "\(m.id)\n" : "→ \(m.entry.address) (\(m.entry.host)[\(m.entry.target)]) [id:\(m.id)]: delivered after waiting\n")
                return 0
            case "queued": continue
            default:
                let status = DeliveryOutcome.Status(rawValue: String(r.reason.prefix { $0 != ":" })) ?? .unknown
                return fail("\(m.entry.address): \(r.state): \(r.reason)", NotifyExitCode.for(status))
            }
        }
        let last = queue.outbox.read(m.id)
        let status = last.flatMap { DeliveryOutcome.Status(rawValue: String($0.reason.prefix { $0 != ":" })) } ?? outcome.status
        if o.cancelsAfterWait { _ = queue.cancel(m.id) }
        let kept = o.cancelsAfterWait ? "cancelled" : "still queued as \(m.id)"
        return fail("\(m.entry.address): not delivered within \(wait) s (\(last?.reason ?? outcome.detail)); \(kept)",
                    NotifyExitCode.for(status))
    }
}
