/// Formats whose output reads the same on every tmux from 3.2a to 3.7c.
///
/// Why: tmux 3.4 and 3.5a print command output (`list-panes -F`, `display-message -p`)
/// through vis(3) with `VIS_OCTAL|VIS_CSTYLE|VIS_NOSLASH`: control bytes arrive as text
/// (`\036`, `\r`, `\a`, `\0`), tab and newline stay raw, and a backslash is NOT doubled — so
/// a name holding the text `\036` would be indistinguishable from one holding the byte.
/// 3.2a, 3.3a and 3.6+ print the same values raw.
///
/// Policy:
/// - Markers and separators are printable ASCII only (never a control byte), so they reach
///   us unchanged on every version.
/// - Every free-text value (names, paths, commands, user options) is asked for as
///   `#{s/[\\]/\\\\/;s/<TAB>/\\t/;s/<LF>/\\n/:name}`: tmux doubles each backslash and writes a tab
///   or a newline as `\t` / `\n` before printing (chained substitutions work from 3.2a on).
///   A single backslash in the output is then always an escape, a value never holds the
///   tab or newline that separate fields and lines, and `decode` undoes it exactly, whichever
///   version printed it.
/// - Numbers and ids (`#{pane_id}`, `#{window_index}`) are asked for plainly.
public enum TmuxFormat {
    /// `#{name}` for ids and numbers, which never hold a backslash or a control byte.
    public static func plain(_ name: String) -> String { "#{\(name)}" }

    /// `#{name}` with every backslash doubled by tmux (see the type's policy).
    public static func text(_ name: String) -> String { "#{s/[\\\\]/\\\\\\\\/;s/\t/\\\\t/;s/\n/\\\\n/:\(name)}" }

    /// Undoes `text`'s backslash doubling and tmux 3.4/3.5a's vis(3) escapes: `\\` → `\`,
    /// `\n \r \t \b \a \v \f \s \0` → their bytes, `\ooo` (three octal digits) → that byte.
    /// Anything else is kept as it came. Bytes that are not UTF-8 become U+FFFD.
    public static func decode<S: StringProtocol>(_ field: S) -> String {
        let input = Array(field.utf8)
        guard input.contains(UInt8(ascii: "\\")) else { return String(field) }
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let c = input[i]
            guard c == UInt8(ascii: "\\"), i + 1 < input.count else { out.append(c); i += 1; continue }
            let n = input[i + 1]
            if let octal = octalByte(input, at: i + 1) {
                out.append(octal); i += 4; continue
            }
            switch n {
            case UInt8(ascii: "\\"): out.append(n)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "v"): out.append(0x0b)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "s"): out.append(0x20)
            case UInt8(ascii: "0"): out.append(0x00)
            default: out.append(c); out.append(n)
            }
            i += 2
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The byte written as three octal digits at `start`, if there are three.
    static func octalByte(_ bytes: [UInt8], at start: Int) -> UInt8? {
        guard start + 2 < bytes.count else { return nil }
        var value = 0
        for k in 0..<3 {
            let d = bytes[start + k]
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + Int(d - UInt8(ascii: "0"))
        }
        return value <= 0xff ? UInt8(value) : nil
    }

    /// A marker no window name can predict: `AM` plus 12 random lowercase letters and digits
    /// (printable, so vis(3) leaves it alone).
    public static func randomMarker() -> String {
        var g = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "AM" + String((0..<12).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
    }
}
