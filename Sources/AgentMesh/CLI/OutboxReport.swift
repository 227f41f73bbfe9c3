/// `notify-pane --status [<id>]` and `--outbox`: what became of the messages sent from here,
/// as the outbox records it (plain lines, or `--json`).
///
/// Plain: one line per message, `<id>  <state>  <to>  <age>  <last reason>`, oldest first;
/// with an id, that message's fields and its whole history. A record that cannot be read is
/// reported on stderr (`file:line:col: reason`) and skipped, never silently dropped.
/// Exit codes: 0; 2 when the id is not in the outbox.
enum OutboxReport {
    static let finalStates: Set<String> = ["delivered", "failed", "expired", "cancelled"]

    static func status(_ outbox: Outbox, id: String?, json: Bool, tool: String,
                       output: any OutputSink = StandardOutput()) -> Int32 {
        if let id {
            guard let r = outbox.read(id) else {
                output.error(tool: tool, "no message \(id) in \(outbox.paths.outbox)")
                return NotifyExitCode.unknownAddress.rawValue
            }
            if json { output.out(jsonArray([r]) ) } else { output.out(detail(r)) }
            return 0
        }
        return list(outbox, json: json, tool: tool, output: output) { _ in true }
    }

    static func outbox(_ outbox: Outbox, json: Bool, tool: String, output: any OutputSink = StandardOutput()) -> Int32 {
        list(outbox, json: json, tool: tool, output: output) { !finalStates.contains($0.effectiveState) }
    }

    static func list(_ outbox: Outbox, json: Bool, tool: String, output: any OutputSink,
                     _ keep: (Outbox.Record) -> Bool) -> Int32 {
        let (records, problems) = outbox.all()
        for p in problems { output.err("\(tool): warning: unreadable outbox record: \(p)\n") }
        let shown = records.filter(keep)
        output.out(json ? jsonArray(shown) : shown.map(line).joined())
        return 0
    }

    static func line(_ r: Outbox.Record) -> String {
        let age = WallClock.parseISO8601(r.created).map { Self.age(seconds: WallClock.now() - $0) } ?? "?"
        let reason = r.reason.isEmpty ? "" : "  " + TextSanitizer.oneLine(String(r.reason.prefix(100)))
        return "\(r.id)  \(r.effectiveState)  \(r.to)  \(age)\(reason)\n"
    }

    static func detail(_ r: Outbox.Record) -> String {
        var out = "id: \(r.id)\nto: \(r.to) (host \(r.host))\nfrom: \(r.sender)\ncreated: \(r.created)\nstate: \(r.effectiveState)\n"
        if r.effectiveState != r.state { out += "  (recorded as \(r.state) by process \(r.pid), which is gone)\n" }
        if !r.reason.isEmpty { out += "reason: \(TextSanitizer.oneLine(r.reason))\n" }
        out += "history:\n" + r.history.map { "  \(TextSanitizer.oneLine($0))\n" }.joined()
        return out
    }

    static func age(seconds s: Int) -> String {
        if s < 120 { return "\(max(0, s))s" }
        if s < 7_200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3_600)h" }
        return "\(s / 86_400)d"
    }

    static func jsonArray(_ records: [Outbox.Record]) -> String {
        let q = RegistryListing.quote
        let objects = records.map { r in
            "  {" + [("id", q(r.id)), ("to", q(r.to)), ("host", q(r.host)), ("from", q(r.sender)),
                     ("created", q(r.created)), ("state", q(r.effectiveState)), ("reason", q(r.reason)),
                     ("history", "[" + r.history.map(q).joined(separator: ", ") + "]")]
                .map { "\(q($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }
}
