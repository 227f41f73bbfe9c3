/// A read position in a TOML document held as UTF-8 bytes, with the low-level lexing every
/// part of the parser shares: whitespace, newlines, comments and error positions.
///
/// Policy:
/// - The parser works on bytes, never on `Character`s: grapheme clustering would merge a
///   combining mark with a preceding quote, and byte offsets keep positions exact.
/// - The whole input is checked to be valid UTF-8 before parsing (`validateUTF8`), so every
///   later step may copy bytes straight into `String(decoding:as:)`.
/// - Positions are 1-based. A line ends at `\n`; the column counts Unicode scalars (not
///   bytes, not graphemes) from the start of the line, so an emoji counts as one column.
/// - Newline is `\n` or `\r\n`; a bare `\r` anywhere is an error.
struct TOMLCursor {
    let bytes: [UInt8]
    var pos = 0

    /// Starts after a UTF-8 byte order mark if there is one (TOML allows it; it is not
    /// content and not counted in columns).
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: TOMLCursor.byteOrderMark) { pos = 3 }
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    var isAtEnd: Bool { pos >= bytes.count }

    /// The byte `offset` ahead of the position, or nil past the end.
    func peek(_ offset: Int = 0) -> UInt8? {
        let i = pos + offset
        return i < bytes.count ? bytes[i] : nil
    }

    /// True when the bytes at the position spell `literal` (ASCII).
    func looksAt(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard pos + count <= bytes.count else { return false }
        let p = literal.utf8Start
        for i in 0..<count where bytes[pos + i] != p[i] { return false }
        return true
    }

    // MARK: - Errors

    /// Line and column (both 1-based, column in Unicode scalars) of a byte offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        let first = bytes.starts(with: TOMLCursor.byteOrderMark) ? 3 : 0
        for i in first..<max(first, min(offset, bytes.count)) {
            let b = bytes[i]
            if b == 0x0A {
                line += 1; column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// An "invalid TOML" error at `offset` (default: the current position).
    func invalid(_ reason: String, at offset: Int? = nil) -> TOMLError {
        let (line, column) = location(of: offset ?? pos)
        return TOMLError(line: line, column: column, reason: reason)
    }

    /// A "valid but unsupported" error at `offset`; `feature` names what was found.
    func unsupported(_ feature: String, at offset: Int) -> TOMLError {
        let (line, column) = location(of: offset)
        return TOMLError(line: line, column: column, reason: feature, isUnsupported: true)
    }

    // MARK: - Whitespace, newlines, comments

    /// Skips spaces and tabs (TOML whitespace; nothing else counts).
    mutating func skipWhitespace() {
        while let b = peek(), b == 0x20 || b == 0x09 { pos += 1 }
    }

    /// Consumes one `\n` or `\r\n`; false (nothing consumed) otherwise.
    mutating func consumeNewline() -> Bool {
        if peek() == 0x0A { pos += 1; return true }
        if peek() == 0x0D && peek(1) == 0x0A { pos += 2; return true }
        return false
    }

    /// Skips a `#` comment up to (not including) its newline. Comments may hold any
    /// character but the control characters other than tab.
    mutating func skipComment() throws(TOMLError) {
        guard peek() == UInt8(ascii: "#") else { return }
        pos += 1
        while let b = peek() {
            if b == 0x0A || (b == 0x0D && peek(1) == 0x0A) { return }
            if TOMLCursor.isControl(b) { throw invalid("control character in comment") }
            pos += 1
        }
    }

    /// After a value or header: optional whitespace and comment, then a newline or the end.
    mutating func expectLineEnd() throws(TOMLError) {
        skipWhitespace()
        try skipComment()
        if isAtEnd || consumeNewline() { return }
        if peek() == 0x0D { throw invalid("carriage return not followed by newline") }
        throw invalid("expected newline after value")
    }

    /// Skips whitespace, newlines and comments (inside arrays).
    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLError) {
        while true {
            skipWhitespace()
            try skipComment()
            if !consumeNewline() {
                if peek() == 0x0D { throw invalid("carriage return not followed by newline") }
                return
            }
        }
    }

    /// U+0000–U+001F except tab, and U+007F: never allowed raw in strings or comments
    /// (multi-line strings additionally allow their newlines, checked by the caller).
    static func isControl(_ b: UInt8) -> Bool { (b < 0x20 && b != 0x09) || b == 0x7F }

    // MARK: - UTF-8

    /// Throws at the first byte that does not start a well-formed UTF-8 sequence
    /// (overlong forms, surrogates and scalars above U+10FFFF included).
    func validateUTF8() throws(TOMLError) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int, low: UInt8, high: UInt8   // bounds for the second byte
            switch b0 {
            case 0xC2...0xDF: length = 2; low = 0x80; high = 0xBF
            case 0xE0: length = 3; low = 0xA0; high = 0xBF
            case 0xE1...0xEC, 0xEE, 0xEF: length = 3; low = 0x80; high = 0xBF
            case 0xED: length = 3; low = 0x80; high = 0x9F
            case 0xF0: length = 4; low = 0x90; high = 0xBF
            case 0xF1...0xF3: length = 4; low = 0x80; high = 0xBF
            case 0xF4: length = 4; low = 0x80; high = 0x8F
            default: throw invalid("invalid UTF-8", at: i)
            }
            guard i + length <= n, (low...high).contains(bytes[i + 1]) else {
                throw invalid("invalid UTF-8", at: i)
            }
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 {
                throw invalid("invalid UTF-8", at: i)
            }
            i += length
        }
    }
}
