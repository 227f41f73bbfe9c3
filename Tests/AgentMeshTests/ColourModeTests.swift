@testable import AgentMesh
import Testing

/// The same screens drawn in 16 colours (tmux 3.2a), 256 colours (3.3a–3.5a) and 24-bit
/// colour (3.6+, COLORTERM=truecolor), as `capture-pane -e` printed them from the real
/// builds. A placeholder, a suggestion or a program's own cursor block is never a draft;
/// a human's typing is one, in every mode.
@Suite("Screen reading in every colour mode")
struct ColourModeTests {
    static let esc = "\u{1b}["
    /// Textual's empty Input after a submission: its cursor block (dark on light) sits on the
    /// placeholder's first letter, the rest of the placeholder is grey.
    static let textualAfterSubmit: [(mode: String, row: String)] = [
        ("16", "\(esc)7m▊\(esc)0m\(esc)39m\(esc)40m  \(esc)30m\(esc)107mT\(esc)90m\(esc)40mype a message and press Enter\(esc)97m      \(esc)39m  \(esc)36m▎"),
        ("256", "\(esc)7m▊\(esc)0m\(esc)39m\(esc)48;5;235m  \(esc)38;5;233m\(esc)48;5;253mT\(esc)38;5;243m\(esc)48;5;235mype a message and press Enter\(esc)38;5;253m     \(esc)39m  \(esc)38;5;32m\(esc)48;5;233m▎"),
        ("truecolor", "\(esc)7m▊\(esc)0m\(esc)48;2;39;39;39m  \(esc)38;2;18;18;18m\(esc)48;2;224;224;224mT\(esc)38;2;121;121;121m\(esc)48;2;39;39;39mype a message and press Enter\(esc)38;2;224;224;224m    \(esc)39m  \(esc)38;2;1;120;212m\(esc)48;2;18;18;18m▎"),
    ]

    @Test("Textual's placeholder under its own cursor block is no draft", arguments: [0, 1, 2])
    func textualPlaceholder(_ i: Int) {
        let (mode, row) = Self.textualAfterSubmit[i]
        let line = ScreenLine(parsing: Substring(row))
        #expect(InputLineAnalysis.draft(line: line, cursorX: 4) == nil, "mode \(mode)")
        #expect(line.cells.filter { !$0.isGhost && $0.scalar != " " }.map(\.scalar) == ["▊", "▎"], "mode \(mode)")
    }

    /// A human typed "ls" in a zsh-style prompt; an autosuggestion follows in grey and a
    /// reverse-video cursor block sits on its first letter.
    @Test("a typed draft is seen in every mode, its grey suggestion is not",
          arguments: ["90", "38;5;244", "38;2;128;128;128"])
    func draftWithSuggestion(_ grey: String) {
        let row = "$ ls\(Self.esc)7m\(Self.esc)\(grey)m -la\(Self.esc)27m\(Self.esc)\(grey)m /tmp\(Self.esc)0m"
        let line = ScreenLine(parsing: Substring(row))
        #expect(InputLineAnalysis.draft(line: line, cursorX: 4) == "ls")
    }

    @Test("faint text is ghost, bright text is not, in each colour mode",
          arguments: [("2", true), ("90", true), ("38;5;8", true), ("38;5;102", true), ("38;5;250", false),
                      ("38;2;100;100;100", true), ("38;2;230;230;230", false), ("97", false), ("38;5;33", false)])
    func ghostColours(_ sgr: String, _ ghost: Bool) {
        let line = ScreenLine(parsing: Substring("> \(Self.esc)\(sgr)mhint\(Self.esc)0m"))
        #expect(line.cells.dropFirst(2).allSatisfy { $0.isGhost == ghost })
    }

    @Test("a cursor block over real text is not ghost: a draft whose cursor sits on it")
    func cursorOnDraft() {
        // "› fix th|e tests" with a TUI-drawn light-on-dark cursor on "e": all of it is the draft.
        let row = "› fix th\(Self.esc)30;107me\(Self.esc)0m tests"
        let line = ScreenLine(parsing: Substring(row))
        #expect(!line.cells.contains { $0.isGhost })
        #expect(InputLineAnalysis.draft(line: line, cursorX: 8) == "fix the")
    }

    @Test("background colours do not change the reading of the text on them")
    func backgrounds() {
        for bg in ["44", "48;5;17", "48;2;0;0;90", "104"] {
            let line = ScreenLine(parsing: Substring("\(Self.esc)\(bg)m$ \(Self.esc)0m"))
            #expect(InputLineAnalysis.draft(line: line, cursorX: 2) == nil, "bg \(bg)")
        }
    }
}
