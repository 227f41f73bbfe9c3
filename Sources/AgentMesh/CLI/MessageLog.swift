/// `notify-pane --log`: the messages this host sent (its outbox) and received (its journal),
/// oldest first: `<time>  <id>  <from> → <to>  <status>  <first 60 characters>`.
///
/// `--with <address>` keeps messages to or from it; `--thread <id>` keeps that message and
/// every reply to it (and replies to those), with the whole typed line; `-n N` the last N;
/// `--json` the same as a list. Lines are kept (0600, with the records) for a week, then the
/// resync prunes them.
enum MessageLog {
    struct Item {
        var id: String, time: String, from: String, to: String, status: String, line: String, direction: String
        /// The id this message answers, read from its line's `[re:<id>]`.
        var replyTo: String? {
            guard let r = line.firstRange(of: "[re:") else { return nil }
            let id = String(line[r.upperBound...].prefix(MessageID.length))
            return MessageID.isValid(id) ? id : nil
        }
        /// The line without the tags (`[from … @ …] [id:…] [re:…] `).
        var body: String {
            var rest = Substring(line)
            if rest.hasPrefix("[from "), let end = rest.firstIndex(of: "]") { rest = rest[rest.index(after: end)...].drop { $0 == " " } }
            while rest.hasPrefix("[id:") || rest.hasPrefix("[re:") || rest.hasPrefix("[hop:"), let end = rest.firstIndex(of: "]") {
                rest = rest[rest.index(after: end)...].drop { $0 == " " }
            }
            return String(rest)
        }
    }

    static func items(paths: MeshPaths) -> [Item] {
        var byID: [String: Item] = [:]
        for r in Outbox(paths: paths).all().records {
            let re = r.replyTo.map { "[re:\($0)] " } ?? ""
            byID[r.id] = Item(id: r.id, time: r.created, from: r.sender, to: r.to, status: r.effectiveState,
                              line: "[id:\(r.id)] " + re + r.line, direction: "sent")
        }
        let journal = Journal(paths: paths)
        for id in journal.allIDs() {
            guard let e = journal.entry(id) else { continue }
            if var sent = byID[id] { sent.direction = "sent+received"; sent.status = e.status; byID[id] = sent; continue }
            byID[id] = Item(id: id, time: e.time, from: e.from, to: e.to, status: e.status, line: e.line, direction: "received")
        }
        return byID.values.sorted { $0.id < $1.id }
    }

    static func render(paths: MeshPaths, with: String?, thread: String?, limit: Int?, json: Bool) -> String {
        var list = items(paths: paths)
        if let with { list = list.filter { $0.from == with || $0.to == with } }
        if let thread {
            var ids: Set<String> = [thread]
            var grew = true
            while grew {
                grew = false
                for i in list where !ids.contains(i.id) { if let re = i.replyTo, ids.contains(re) { ids.insert(i.id); grew = true } }
            }
            list = list.filter { ids.contains($0.id) }
        }
        if let limit { list = Array(list.suffix(limit)) }
        if json {
            let q = RegistryListing.quote
            let objects = list.map { i in
                "  {\"id\": \(q(i.id)), \"time\": \(q(i.time)), \"from\": \(q(i.from)), \"to\": \(q(i.to)), \"status\": \(q(i.status)), "
                    + "\"direction\": \(q(i.direction)), \"re\": \(i.replyTo.map(q) ?? "null"), \"body\": \(q(i.body))}"
            }
            return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        }
        return list.map { i in
            let text = thread == nil ? String(i.body.prefix(60)) : i.body
            return "\(i.time)  \(i.id)  \(i.from) → \(i.to)  \(i.status)  \(text)\n"
        }.joined()
    }
}
