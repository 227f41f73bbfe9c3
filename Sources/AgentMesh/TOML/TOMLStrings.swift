/// Keys and the four TOML string forms.
///
/// Policy:
/// - Basic strings accept exactly the TOML 1.0 escapes: `\b \t \n \f \r \" \\ \uXXXX
///   \UXXXXXXXX`. Anything else (including TOML 1.1's `\e` and `\xHH`) is invalid, as is a
///   `\u` escape naming a surrogate or a value above U+10FFFF.
/// - Raw control characters (U+0000–U+001F but tab, and U+007F) are invalid in every string;
///   multi-line strings also allow their newlines, which are kept as `\n` even when the file
///   uses CRLF.
/// - Multi-line strings drop a newline right after the opening delimiter and may end with up
///   to two quote characters before the closing delimiter.
/// - Keys are bare (`A-Za-z0-9_-`), basic or literal strings (single-line only), joined by
///   dots with optional whitespace around each dot.
extension TOMLCursor {
    /// A dotted key; the cursor stops after the last part (trailing whitespace not skipped).
    mutating func parseKey() throws(TOMLError) -> [String] {
        var parts = [try parseSimpleKey()]
        while true {
            let save = pos
            skipWhitespace()
            guard peek() == UInt8(ascii: ".") else { pos = save; return parts }
            pos += 1
            skipWhitespace()
            parts.append(try parseSimpleKey())
        }
    }

    private mutating func parseSimpleKey() throws(TOMLError) -> String {
        switch peek() {
        case UInt8(ascii: "\""):
            if looksAt("\"\"\"") { throw invalid("multi-line string cannot be a key") }
            return try parseBasicString()
        case UInt8(ascii: "'"):
            if looksAt("'''") { throw invalid("multi-line string cannot be a key") }
            return try parseLiteralString()
        default:
            let start = pos
            while let b = peek(), TOMLCursor.isBareKeyByte(b) { pos += 1 }
            if pos == start {
                throw invalid(isAtEnd || peek() == 0x0A ? "expected a key" : "invalid character in key")
            }
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }
    }

    static func isBareKeyByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Any of the four string forms; the cursor is on the opening quote.
    mutating func parseString() throws(TOMLError) -> String {
        if looksAt("\"\"\"") { return try parseMultilineBasicString() }
        if looksAt("'''") { return try parseMultilineLiteralString() }
        if peek() == UInt8(ascii: "'") { return try parseLiteralString() }
        return try parseBasicString()
    }

    mutating func parseBasicString() throws(TOMLError) -> String {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw invalid("unterminated string") }
            switch b {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            case 0x0A, 0x0D:
                throw invalid("newline in single-line string")
            default:
                if TOMLCursor.isControl(b) { throw invalid("control character in string") }
                out.append(b); pos += 1
            }
        }
    }

    mutating func parseLiteralString() throws(TOMLError) -> String {
        pos += 1
        let start = pos
        while true {
            guard let b = peek() else { throw invalid("unterminated string") }
            if b == UInt8(ascii: "'") { break }
            if b == 0x0A || b == 0x0D { throw invalid("newline in single-line string") }
            if TOMLCursor.isControl(b) { throw invalid("control character in string") }
            pos += 1
        }
        defer { pos += 1 }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    private mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        pos += 3
        _ = consumeNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw invalid("unterminated multi-line string") }
            if b == UInt8(ascii: "\"") {
                if try closeMultiline(quote: b, into: &out) { return String(decoding: out, as: UTF8.self) }
            } else if b == UInt8(ascii: "\\") {
                let escape = pos
                pos += 1
                skipWhitespace()
                if consumeNewline() {   // line-ending backslash: drop all whitespace after it
                    try skipWhitespaceAndNewlines()
                } else {
                    pos = escape
                    try parseEscape(into: &out)
                }
            } else {
                try appendMultilineByte(b, into: &out)
            }
        }
    }

    private mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        pos += 3
        _ = consumeNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw invalid("unterminated multi-line string") }
            if b == UInt8(ascii: "'") {
                if try closeMultiline(quote: b, into: &out) { return String(decoding: out, as: UTF8.self) }
            } else {
                try appendMultilineByte(b, into: &out)
            }
        }
    }

    /// On a quote inside a multi-line string: a run of 3–5 quotes closes it (the extra one or
    /// two belong to the content); a shorter run is content. True when closed.
    private mutating func closeMultiline(quote: UInt8, into out: inout [UInt8]) throws(TOMLError) -> Bool {
        var run = 0
        while peek(run) == quote { run += 1 }
        if run < 3 {
            out.append(contentsOf: repeatElement(quote, count: run)); pos += run
            return false
        }
        if run > 5 { throw invalid("too many quotes at end of multi-line string", at: pos + 5) }
        out.append(contentsOf: repeatElement(quote, count: run - 3)); pos += run
        return true
    }

    private mutating func appendMultilineByte(_ b: UInt8, into out: inout [UInt8]) throws(TOMLError) {
        if consumeNewline() { out.append(0x0A); return }
        if TOMLCursor.isControl(b) {
            throw invalid(b == 0x0D ? "carriage return not followed by newline" : "control character in string")
        }
        out.append(b); pos += 1
    }

    private mutating func skipWhitespaceAndNewlines() throws(TOMLError) {
        while true {
            skipWhitespace()
            if !consumeNewline() { return }
        }
    }

    /// On a backslash in a basic string: appends the escaped scalar's UTF-8.
    private mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
        let start = pos
        pos += 1
        guard let c = peek() else { throw invalid("unterminated string") }
        pos += 1
        switch c {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = c == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<digits {
                guard let h = peek(), let d = TOMLCursor.hexValue(h) else {
                    throw invalid("invalid unicode escape", at: start)
                }
                value = value << 4 | UInt32(d)
                pos += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw invalid("unicode escape is not a scalar value", at: start)
            }
            out.append(contentsOf: String(scalar).utf8)
        default:
            throw invalid("invalid escape sequence", at: start)
        }
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
