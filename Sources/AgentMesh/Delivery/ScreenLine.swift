/// One captured screen row (`capture-pane -p -e`): its characters, their columns, and which
/// are "ghost" text.
///
/// Policy: SGR escape sequences are read (`CellStyle`, in any colour mode), other escape
/// sequences skipped. A cell is ghost text when it is drawn faint or grey: that is how fish,
/// zsh-autosuggestions, prompt_toolkit's auto-suggest and agent TUIs draw suggestions and
/// placeholders, which are not a human's draft. A program's own cursor block drawn on the
/// first character of a placeholder (Textual: dark on light) is ghost text too when ghost
/// text follows it directly. Column widths follow the terminal: combining marks, joiners and
/// format characters take 0 columns, East Asian wide characters and emoji presentation
/// characters 2, a character after a zero-width joiner (or a skin-tone modifier) 0, as tmux
/// 3.3 draws them (it prints a wide character once, without its padding cell).
public struct ScreenLine: Equatable, Sendable {
    public struct Cell: Equatable, Sendable {
        public var scalar: Unicode.Scalar
        public var column: Int
        public var isGhost: Bool
        public var isCursorBlock: Bool = false
    }

    public var cells: [Cell]

    public init(cells: [Cell]) { self.cells = cells }

    /// The row's text without attributes.
    public var text: String {
        var s = String.UnicodeScalarView()
        for c in cells { s.append(c.scalar) }
        return String(s)
    }

    /// The number of columns the row's text occupies.
    public var width: Int { cells.last.map { $0.column + ScreenLine.columns($0.scalar) } ?? 0 }

    /// Parses one row of `capture-pane -e` output.
    public init(parsing row: Substring) {
        var cells: [Cell] = []
        var column = 0
        var style = CellStyle()
        let scalars = Array(row.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == "\u{1b}" {
                i += 1
                guard i < scalars.count else { break }
                if scalars[i] == "[" {
                    var j = i + 1
                    while j < scalars.count, !(0x40...0x7E).contains(scalars[j].value) { j += 1 }
                    if j < scalars.count, scalars[j] == "m" {
                        let params = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
                        style.apply(Substring(params))
                    }
                    i = j + 1
                } else if scalars[i] == "]" {
                    // OSC: up to BEL or ESC \.
                    var j = i + 1
                    while j < scalars.count, scalars[j] != "\u{07}", scalars[j] != "\u{1b}" { j += 1 }
                    i = j + (j < scalars.count && scalars[j] == "\u{1b}" ? 2 : 1)
                } else {
                    i += 1
                }
                continue
            }
            if s.value < 0x20 { i += 1; continue }
            cells.append(Cell(scalar: s, column: column, isGhost: style.isGhost, isCursorBlock: style.isCursorBlock))
            // tmux joins a zero-width-joiner sequence and skin-tone modifiers into one cell.
            let joined = i > 0 && (scalars[i - 1] == "\u{200D}" || (0x1F3FB...0x1F3FF).contains(s.value))
            column += joined ? 0 : ScreenLine.columns(s)
            i += 1
        }
        for k in cells.indices.dropLast() where cells[k].isCursorBlock && !cells[k].isGhost {
            let next = cells[k + 1]
            if next.isGhost && !next.isCursorBlock && next.scalar != " " { cells[k].isGhost = true }
        }
        self.cells = cells
    }

    /// Terminal columns taken by one scalar (0, 1 or 2).
    public static func columns(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x300 { return 1 }
        let p = s.properties
        switch p.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0xFE0F || v == 0xFE0E { return 0 }
        if p.isEmojiPresentation { return 2 }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
