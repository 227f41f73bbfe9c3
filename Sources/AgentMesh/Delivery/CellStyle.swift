/// The drawing attributes that matter for reading an input line, as SGR sequences set them
/// in `capture-pane -e` output — the same in 16 colours, 256 colours and 24-bit colour.
///
/// Why all three: what a program draws depends on the terminal it believes it has. tmux 3.2a's
/// default TERM gives programs 16 colours; 3.3a–3.5a give 256; 3.6+ sets COLORTERM=truecolor
/// in every pane, so the same placeholder arrives as `90`, `38;5;243` or `38;2;121;121;121`.
///
/// Policy:
/// - Ghost text (suggestions, placeholders — never a human's draft) is text drawn faint
///   (SGR 2) or in a grey foreground: 16-colour bright black (90), 256-colour 8, 59, 102,
///   145, 232–247, or a 24-bit grey of medium brightness.
/// - A cursor block is a cell a program paints as its own cursor: reverse video (SGR 7), or
///   a light background under a dark foreground. Whether it is ghost text is decided by its
///   neighbours (`ScreenLine`), since the block sits on the first character of a placeholder.
public struct CellStyle: Equatable, Sendable {
    public var isFaint = false
    public var isReverse = false
    /// Foreground and background brightness 0…255, nil for the terminal's default.
    public var foreground: Int?
    public var background: Int?
    var foregroundIsGrey = false

    public init() {}

    public var isGhost: Bool { isFaint || foregroundIsGrey }

    public var isCursorBlock: Bool {
        if isReverse { return true }
        guard let bg = background, bg >= 160 else { return false }
        return (foreground ?? 255) <= 96
    }

    /// Applies one SGR parameter list (`1;38;5;243`; empty means reset).
    public mutating func apply(_ params: Substring) {
        let codes = params.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        var k = 0
        while k < codes.count {
            let c = codes[k]
            switch c {
            case 0: self = CellStyle()
            case 2: isFaint = true
            case 22: isFaint = false
            case 7: isReverse = true
            case 27: isReverse = false
            case 30...37: setForeground(Self.ansi(c - 30), grey: false)
            case 90: setForeground(Self.ansi(8), grey: true)
            case 91...97: setForeground(Self.ansi(c - 90 + 8), grey: false)
            case 39: setForeground(nil, grey: false)
            case 40...47: background = Self.ansi(c - 40)
            case 100...107: background = Self.ansi(c - 100 + 8)
            case 49: background = nil
            case 38, 48:
                var value: Int?, grey = false
                if k + 2 < codes.count, codes[k + 1] == 5 {
                    (value, grey) = Self.indexed(codes[k + 2]); k += 2
                } else if k + 4 < codes.count, codes[k + 1] == 2 {
                    (value, grey) = Self.rgb(codes[k + 2], codes[k + 3], codes[k + 4]); k += 4
                } else {
                    k = codes.count
                }
                if c == 38 { setForeground(value, grey: grey) } else { background = value }
            default: break
            }
            k += 1
        }
    }

    mutating func setForeground(_ value: Int?, grey: Bool) {
        foreground = value
        foregroundIsGrey = grey
    }

    /// Brightness of the 16 ANSI colours (xterm's defaults).
    static func ansi(_ n: Int) -> Int {
        let table = [0, 60, 70, 120, 50, 80, 110, 200, 128, 100, 130, 180, 110, 140, 180, 255]
        return table[max(0, min(15, n))]
    }

    /// A 256-colour index: its brightness, and whether it is one of the greys.
    static func indexed(_ n: Int) -> (Int, Bool) {
        switch n {
        case 0..<16: return (ansi(n), n == 8)
        case 232...255:
            let v = 8 + (n - 232) * 10
            return (v, n <= 247)
        case 16...231:
            let i = n - 16
            let levels = [0, 95, 135, 175, 215, 255]
            let (r, g, b) = (levels[i / 36], levels[(i / 6) % 6], levels[i % 6])
            let grey = r == g && g == b && [59, 102, 145].contains(n)
            return ((r * 3 + g * 6 + b) / 10, grey)
        default: return (128, false)
        }
    }

    /// A 24-bit colour: its brightness, and whether it is a medium grey.
    static func rgb(_ r: Int, _ g: Int, _ b: Int) -> (Int, Bool) {
        let grey = abs(r - g) < 16 && abs(g - b) < 16 && (64...170).contains(r)
        return ((r * 3 + g * 6 + b) / 10, grey)
    }
}
