/// Turns arbitrary bytes into text that is safe to type into a terminal as one line.
///
/// Policy (applied to every line notify-pane types; files in the inbox stay byte-exact):
/// - Invalid UTF-8 becomes U+FFFD (the replacement character).
/// - A tab becomes one space (a typed tab is the Tab key: completion would eat it).
/// - Other C0 control characters and DEL are made visible in caret notation: ESC → `^[`,
///   BEL → `^G`, NUL → `^@`, DEL → `^?`. CR and LF never reach here in a typed line: a body
///   holding them goes to the inbox (see `MessagePlan`); if one does arrive it is shown as
///   `^M` / `^J` too. Nothing raw reaches the terminal, so a message cannot move the cursor,
///   change colours, ring the bell or inject an escape sequence into the recipient.
/// - C1 controls (U+0080–U+009F, which some terminals read as CSI and friends), the line and
///   paragraph separators and the bidi override/isolate characters (which can make text read
///   differently from what it is) are shown as `<U+XXXX>`.
/// - Everything else, including emoji with zero-width joiners and combining marks, is kept.
public enum TextSanitizer {
    /// The sanitised single-line form of `bytes`.
    public static func oneLine(_ bytes: [UInt8]) -> String {
        oneLine(String(decoding: bytes, as: UTF8.self))
    }

    /// The sanitised single-line form of `text`.
    public static func oneLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x09:
                out.append(" ")
            case 0x00...0x1F:
                out.append("^")
                out.append(Unicode.Scalar(UInt8(v + 0x40)))
            case 0x7F:
                out.append("^")
                out.append("?")
            case 0x80...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out.append(contentsOf: visibleCodePoint(v).unicodeScalars)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// True when the text holds a line break a terminal would act on (LF, CR, or the Unicode
    /// line/paragraph separators, NEL): such a body is never typed, it goes to the inbox.
    public static func hasLineBreak(_ text: String) -> Bool {
        text.unicodeScalars.contains { [0x0A, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) }
    }

    /// `<U+XXXX>` with at least four upper-case hex digits.
    static func visibleCodePoint(_ v: UInt32) -> String {
        let hex = String(v, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }
}
