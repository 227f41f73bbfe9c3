@preconcurrency import Glibc

/// One message to several agents: an address glob (`'hub-dev-*'`), `--role <glob>`
/// (matches `@agent-role`) or `--all`.
///
/// Policy: each recipient gets its own message (its own id, outbox record and outcome),
/// delivered one after another through the one send pipeline. A broadcast never reaches the
/// sender, skips stale agents (host unreachable at the last sync; reported), and refuses more
/// than 16 recipients unless `--max N`. Exit status: 0 when every recipient got it, else the
/// worst (highest) code of those that did not; `--json` lists each recipient's outcome.
enum Broadcast {
    static let defaultMaximum = 16

    static func isPattern(_ address: String) -> Bool { address.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    static func matches(_ pattern: String, _ text: String) -> Bool { fnmatch(pattern, text, 0) == 0 }

    struct Line {
        var address: String
        var id: String
        var status: String
        var detail: String
        var code: Int32
    }

    static func run(_ o: NotifyPaneOptions, paths: MeshPaths, selfAlias: String,
                    tool notifyPane: NotifyPaneTool = NotifyPaneTool()) -> Int32 {
        let tool = NotifyPaneTool.name, context = notifyPane.context
        let view = RegistryStore(paths: paths).loadView(selfAlias: selfAlias)
        let localEntries = view.entries.filter { $0.host == selfAlias }
        let sender = SenderIdentity.resolve(paths: paths, selfAlias: selfAlias, context: context, localEntries: localEntries)
        let selected = view.entries.filter { e in
            if let role = o.role { return matches(role, e.role) }
            if let pattern = o.address, !o.sendsToAll { return matches(pattern, e.address) }
            return true
        }.filter { e in
            // Never the sender: its address, or (inside tmux) any entry of its own pane.
            if e.address == sender { return false }
            if let pane = context.environment.nonEmpty("TMUX_PANE"), e.host == selfAlias, e.paneID == pane { return false }
            return true
        }
        let stale = selected.filter(\.isStale)
        let recipients = selected.filter { !$0.isStale }
        for e in stale { context.output.err("\(tool): skipped \(e.address): stale (its host was unreachable at the last sync)\n") }
        guard !recipients.isEmpty else {
            return notifyPane.fail("no live agent matches \(o.role.map { "--role \($0)" } ?? o.address ?? "--all")"
                                       + (stale.isEmpty ? "" : " (\(stale.count) stale skipped)"), .unknownAddress)
        }
        let limit = o.maximumRecipients ?? defaultMaximum
        guard recipients.count <= limit else {
            return notifyPane.fail("\(recipients.count) recipients, more than \(limit): nothing sent (--max \(recipients.count) to allow it)",
                                       .usage)
        }
        let body: [UInt8], delayText: String?
        switch notifyPane.readBody(o) {
        case .failure(let code): return code.rawValue
        case .success(let b): (body, delayText) = b
        }
        var lines: [Line] = []
        for entry in recipients {
            let options = SendOptions(force: context.environment.get("FORCE_SEND") == "1",
                                      skipDismiss: context.environment.get("SKIP_DISMISS") == "1",
                                      enterDelayMilliseconds: EnterDelayPolicy.override(environment: delayText,
                                                                                        entry: entry.enterDelayMilliseconds))
            let m = OutgoingMessage(entry: entry, sender: sender, body: body, filePath: o.filePath, options: options)
            var outcome = SendPipeline.send(m, paths: paths, selfAlias: selfAlias, context: context).outcome
            if o.queues && MessageQueue.isRetryable(outcome.status),
               (try? MessageQueue(paths: paths, context: context).enqueue(m, after: outcome, ttlSeconds: o.ttlSeconds)) != nil {
                outcome = DeliveryOutcome(.queued, "queued: \(outcome.detail)")
            }
            let code = NotifyExitCode.for(outcome.status).rawValue
            lines.append(Line(address: entry.address, id: m.id, status: outcome.status.rawValue, detail: outcome.detail, code: code))
        }
        if o.queues { MessageQueue(paths: paths, context: context).startRunner() }
        if o.printsJSON {
            let q = RegistryListing.quote
            let objects = lines.map { l in
                "  {\"address\": \(q(l.address)), \"id\": \(q(l.id)), \"status\": \(q(l.status)), \"exit\": \(l.code), \"detail\": \(q(l.detail))}"
            } + stale.map { "  {\"address\": \(q($0.address)), \"status\": \"skipped-stale\", \"exit\": 0}" }
            context.output.out("[\n" + objects.joined(separator: ",\n") + "\n]\n")
        } else if !o.isQuiet {
            for l in lines {
                context.output.out(l.code == 0 ? "→ \(l.address) [id:\(l.id)]: \(l.status)\n"
                                       : "✗ \(l.address) [id:\(l.id)]: \(l.status): \(TextSanitizer.oneLine(l.detail))\n")
            }
        }
        return lines.map(\.code).max() ?? 0
    }
}
