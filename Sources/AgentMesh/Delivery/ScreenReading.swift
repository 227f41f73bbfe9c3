/// What a strict agent's screen means, read with its profile: its composer (idle, busy,
/// holding a draft), one of the screens its profile names, starting up, or unknown.
///
/// Precedence: blocked, dialog and starting rules first (a picker can draw a `›` or `❯`
/// cursor that looks like a composer prompt), then the composer on the cursor row, then
/// the profile's dialog hints (a dialog nobody described: unknown), then an almost empty
/// screen (starting). Everything else is unknown, and unknown is never typed into.
public enum ScreenReading: Equatable, Sendable {
    /// The composer is on the cursor row; `draft` is a human's text in it (ghost text and
    /// placeholders removed); `busy` when the agent is working (it queues what is typed).
    case composer(draft: String?, busy: Bool)
    case screen(ScreenRule)
    case starting
    case unknown(String)

    public static func read(_ s: PaneSnapshot, profile p: AgentProfile) -> ScreenReading {
        let rows = s.plainRows
        if let rule = p.screens.first(where: { [.blocked, .dialog, .starting].contains($0.state) && $0.matches(rows: rows) }) {
            return .screen(rule)
        }
        let bottom = rows.filter { !isBlank($0) }.suffix(16).joined(separator: "\n")
        let hint = p.dialogHints.first { bottom.contains($0) }
        if hint == nil, let draft = composerDraft(s, profile: p) {
            let busy = p.screens.contains { ($0.state == .busy || $0.state == .queued) && $0.matches(rows: rows) }
            return .composer(draft: draft.isEmpty ? nil : draft, busy: busy)
        }
        if let hint { return .unknown("a dialog this profile does not know (\"\(hint.trimmingBlanks())\")") }
        if rows.filter({ !isBlank($0) }).count <= 2 { return .starting }
        let last = rows.last { !isBlank($0) }.map { String($0.trimmingBlanks().prefix(60)) } ?? ""
        return .unknown("a screen this profile does not know (bottom line \"\(last)\")")
    }

    /// The composer's contents ("" when idle), or nil when the cursor row is no composer.
    static func composerDraft(_ s: PaneSnapshot, profile p: AgentProfile) -> String? {
        let line = s.cursorLine
        let text = line.text
        let lead = text.prefix { $0 == " " || $0 == "\u{a0}" }
        let body = text.dropFirst(lead.count)
        guard let prompt = p.composerPrompts.first(where: { body.hasPrefix($0) }) else { return nil }
        if let frame = p.composerFrame {
            let above = s.rows.indices.contains(s.cursorY - 1) ? s.rows[s.cursorY - 1].text : ""
            let below = s.rows.indices.contains(s.cursorY + 1) ? s.rows[s.cursorY + 1].text : ""
            guard above.trimmingBlanks().hasPrefix(frame) || below.trimmingBlanks().hasPrefix(frame) else { return nil }
        }
        let afterPrompt = body.dropFirst(prompt.count)
        guard afterPrompt.isEmpty || afterPrompt.first == " " || afterPrompt.first == "\u{a0}" else { return nil }
        // The draft: non-ghost cells after the prompt.
        let start = lead.unicodeScalars.count + prompt.unicodeScalars.count
        var kept = String.UnicodeScalarView()
        var index = 0
        for c in line.cells {
            defer { index += 1 }
            if index < start { continue }
            if !c.isGhost { kept.append(c.scalar) }
        }
        let draft = String(kept).trimmingBlanks()
        if draft.isEmpty || p.placeholders.contains(where: { draft.hasPrefix($0) }) { return "" }
        return draft
    }

    static func isBlank(_ row: String) -> Bool { row.allSatisfy { $0 == " " || $0 == "\u{a0}" } }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and no-break spaces (agent TUIs pad
    /// with U+00A0).
    func trimmingBlanks() -> String {
        let scalars = Array(unicodeScalars)
        var a = 0, b = scalars.count
        while a < b, scalars[a] == " " || scalars[a] == "\u{a0}" { a += 1 }
        while b > a, scalars[b - 1] == " " || scalars[b - 1] == "\u{a0}" { b -= 1 }
        return String(String.UnicodeScalarView(scalars[a..<b]))
    }
}
