/// Reads a recipient's input line: is a human's draft there, did our text leave it, is a
/// Claude Code dialog open.
///
/// Draft policy (a refusal costs a retry; a false "empty" merges our text into someone's
/// half-typed command, so both directions matter):
/// - Only the cursor row counts. Ghost text (`ScreenLine` faint/grey cells) is ignored.
/// - Text after the cursor counts only when the cursor sits on a visible character (a human
///   moved left inside a draft); right-hand decorations (box borders, right prompts) sit
///   after a gap and are ignored.
/// - Text before the cursor is a prompt, not a draft, when it is empty or ends (spaces
///   trimmed) with a prompt marker: `$ # % > : ❯ › » λ ➜ →`, `...`, or a box/block drawing
///   character (U+2500–U+259F, the border of a TUI input field). That covers the empty
///   prompts of bash, zsh, fish, the python REPL (`>>> `, `... `), IPython (`In [3]: `),
///   prompt_toolkit, Claude Code (`│ > `), Codex (`› `) and Textual inputs.
public enum InputLineAnalysis {
    static let promptMarkers: Set<Unicode.Scalar> = ["$", "#", "%", ">", ":", "❯", "›", "»", "λ", "➜", "→"]

    /// The human draft on the cursor line, or nil when the input line is empty.
    public static func draft(in snapshot: PaneSnapshot) -> String? {
        draft(line: snapshot.cursorLine, cursorX: snapshot.cursorX)
    }

    public static func draft(line: ScreenLine, cursorX: Int) -> String? {
        var before = String.UnicodeScalarView()
        for c in line.cells where c.column < cursorX && !c.isGhost { before.append(c.scalar) }
        var beforeText = Substring(String(before))
        while let last = beforeText.last, last == " " || last == "\u{a0}" { beforeText = beforeText.dropLast() }
        var draftText = ""
        if !beforeText.isEmpty && !endsWithPrompt(beforeText) {
            draftText = String(afterLastPrompt(beforeText))
        }
        if let atCursor = line.cells.first(where: { $0.column >= cursorX }), atCursor.column == cursorX,
           !atCursor.isGhost, atCursor.scalar != " ", !isBoxDrawing(atCursor.scalar) {
            var run = String.UnicodeScalarView()
            for c in line.cells where c.column >= cursorX {
                if c.isGhost || c.scalar == " " { break }
                run.append(c.scalar)
            }
            draftText += String(run)
        }
        return draftText.isEmpty ? nil : draftText
    }

    static func endsWithPrompt(_ text: Substring) -> Bool {
        guard let last = text.unicodeScalars.last else { return true }
        if promptMarkers.contains(last) || isBoxDrawing(last) { return true }
        return text.hasSuffix("...")
    }

    /// The text after the last "marker + space" (the likely draft), for the error message.
    static func afterLastPrompt(_ text: Substring) -> Substring {
        let scalars = Array(text.unicodeScalars)
        var i = scalars.count - 1
        while i > 0 {
            if scalars[i] == " " && (promptMarkers.contains(scalars[i - 1]) || isBoxDrawing(scalars[i - 1])) {
                return Substring(String(String.UnicodeScalarView(scalars[(i + 1)...])))
            }
            i -= 1
        }
        return text
    }

    static func isBoxDrawing(_ s: Unicode.Scalar) -> Bool { (0x2500...0x259F).contains(s.value) }

    /// The part of `line` the verify step looks for: its last 20 non-space characters.
    public static func tail(of line: String) -> String {
        String(String.UnicodeScalarView(line.unicodeScalars.filter { $0 != " " }.suffix(20)))
    }

    /// The first 12 non-space characters of a typed line: what a program echoes first.
    public static func head(of line: String) -> String {
        String(String.UnicodeScalarView(line.unicodeScalars.filter { $0 != " " }.prefix(12)))
    }

    /// The input line (with the rows it wraps from) without spaces.
    static func compactInput(_ snapshot: PaneSnapshot) -> String {
        String(String.UnicodeScalarView(snapshot.inputText.unicodeScalars.filter { $0 != " " }))
    }

    /// True when the typed text still sits in the input line: its tail is on the cursor row
    /// (with the rows it wraps from), spaces ignored, or a composer shows it folded as
    /// `[Pasted text #N]`.
    public static func isStillInInput(_ snapshot: PaneSnapshot, tail: String) -> Bool {
        let input = compactInput(snapshot)
        if !tail.isEmpty && input.contains(tail) { return true }
        return snapshot.cursorLine.text.contains("[Pasted text")
    }

    /// A Claude Code dialog that would swallow typed text, by the bash tool's markers:
    /// `/config` (a `Status  Config  Usage  Stats` tab strip), `/help` (a lone `Help` header
    /// and a `/command ` line), `/permissions` (a lone `Permissions` header and an `Allow`,
    /// `Deny` or `Ask` word). Returns the dialog's name, or nil.
    public static func dialog(in snapshot: PaneSnapshot) -> String? {
        let rows = snapshot.plainRows.map { $0.split(whereSeparator: { $0 == " " || $0 == "\u{a0}" }) }
        if rows.contains(where: { containsRun($0, ["Status", "Config", "Usage", "Stats"]) }) { return "/config" }
        let lone = Set(rows.compactMap { $0.count == 1 ? String($0[0]) : nil })
        if lone.contains("Help") && rows.contains(where: { $0.dropLast().contains(where: isSlashCommand) }) {
            return "/help"
        }
        if lone.contains("Permissions")
            && rows.contains(where: { $0.dropLast().contains { ["Allow", "Deny", "Ask"].contains($0) } }) {
            return "/permissions"
        }
        return nil
    }

    static func containsRun(_ words: [Substring], _ run: [Substring]) -> Bool {
        guard words.count >= run.count else { return false }
        for start in 0...(words.count - run.count) where Array(words[start..<(start + run.count)]) == run {
            return true
        }
        return false
    }

    static func isSlashCommand(_ word: Substring) -> Bool {
        let u = Array(word.utf8)
        guard u.count >= 3, u[0] == UInt8(ascii: "/"), (97...122).contains(u[1]) else { return false }
        return u.dropFirst(2).allSatisfy { (97...122).contains($0) || $0 == 45 }
    }
}
