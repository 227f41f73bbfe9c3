/// What one probe of a pane saw: its identity, mode and cursor, and the screen rows.
///
/// The probe is one tmux client call: `capture-pane -p -e -t T ; display-message -p -t T F`
/// (see `DeliveryCommands.probe`). capture-pane comes first because it fails on a missing
/// target, which stops the chain, whereas display-message silently falls back to another
/// pane; the identity line is still checked against what was asked for.
public struct PaneSnapshot: Equatable, Sendable {
    public var paneID: String
    public var windowID: String
    public var windowIndex: Int
    public var isInMode: Bool
    public var cursorX: Int
    public var cursorY: Int
    public var isDead: Bool
    public var width: Int
    public var height: Int
    /// `pane_current_command`: the program in the foreground (decides the enter delay).
    public var currentCommand: String
    /// Lines scrolled into history: changes when output scrolls a full screen of look-alike rows.
    public var historySize: Int
    public var rows: [ScreenLine]

    /// The server's `#{version}` (`3.3a`, `3.7c`, `next-3.8`): decides version-dependent flags.
    public var serverVersion: String = ""
    /// `#{pane_pid}`: the program the pane started (its process tree tells the agent kind).
    public var panePID: Int = 0
    /// `@agent-allow` / `@agent-deny` as tmux resolves them for the pane (pane, window,
    /// session, global): who may send here (`SenderPolicy`).
    public var allow: String = ""
    public var deny: String = ""
    /// `@agent-max-rate` as tmux resolves it: this window's loop-guard limit (`LoopGuard`).
    public var maxRate: String = ""

    /// The display-message format: tab-separated (tmux prints a tab raw on every version),
    /// the fixed first field finds the line, the one free-text field comes last (see `TmuxFormat`).
    public static let format = (["AMPROBE"] + [
        "pane_id", "window_id", "window_index", "pane_in_mode", "cursor_x", "cursor_y", "pane_dead",
        "pane_width", "pane_height", "history_size", "version", "pane_pid",
    ].map(TmuxFormat.plain) + [TmuxFormat.text("@agent-allow"), TmuxFormat.text("@agent-deny"),
                                TmuxFormat.text("@agent-max-rate"),
                                TmuxFormat.text("pane_current_command")]).joined(separator: "\t")

    /// Parses the probe's stdout; nil when the identity line is missing or malformed (a
    /// negative pane size is malformed: tmux never prints one, and `inputText` subtracts).
    public init?(probeOutput text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let index = lines.lastIndex(where: { $0.hasPrefix("AMPROBE\t") }) else { return nil }
        let f = lines[index].split(separator: "\t", maxSplits: 16, omittingEmptySubsequences: false).map(String.init)
        guard f.count == 17, let history = Int(f[10]), let wi = Int(f[3]), let cx = Int(f[5]), let cy = Int(f[6]),
              let w = Int(f[8]), let h = Int(f[9]), w >= 0, h >= 0 else { return nil }
        paneID = f[1]; windowID = f[2]; windowIndex = wi; isInMode = f[4] == "1"
        cursorX = cx; cursorY = cy; isDead = f[7] == "1"; width = w; height = h; historySize = history
        serverVersion = f[11]; panePID = Int(f[12]) ?? 0
        allow = TmuxFormat.decode(f[13]); deny = TmuxFormat.decode(f[14])
        maxRate = TmuxFormat.decode(f[15])
        currentCommand = TmuxFormat.decode(f[16])
        rows = lines[..<index].map { ScreenLine(parsing: $0) }
    }

    public init(paneID: String, windowID: String = "@0", windowIndex: Int = 0, isInMode: Bool = false,
                cursorX: Int, cursorY: Int, isDead: Bool = false, width: Int = 80, height: Int = 24,
                currentCommand: String = "bash", historySize: Int = 0, rows: [ScreenLine]) {
        self.paneID = paneID; self.windowID = windowID; self.windowIndex = windowIndex
        self.isInMode = isInMode; self.cursorX = cursorX; self.cursorY = cursorY; self.isDead = isDead
        self.width = width; self.height = height; self.currentCommand = currentCommand; self.historySize = historySize; self.rows = rows
    }

    /// The row the cursor is on (empty when the capture is shorter).
    public var cursorLine: ScreenLine {
        rows.indices.contains(cursorY) ? rows[cursorY] : ScreenLine(cells: [])
    }

    /// The plain text of every row.
    public var plainRows: [String] { rows.map(\.text) }

    /// The input line as far as it can be seen: the cursor row, preceded by the rows it
    /// wraps from (rows that fill the pane's width).
    public var inputText: String {
        guard rows.indices.contains(cursorY) else { return "" }
        var start = cursorY
        while start > 0, cursorY - start < 40, rows[start - 1].width >= width - 1 { start -= 1 }
        return rows[start...cursorY].map(\.text).joined()
    }

    /// True when `other` shows the same screen and cursor (nothing was echoed yet).
    public func looksUnchanged(from other: PaneSnapshot) -> Bool {
        cursorX == other.cursorX && cursorY == other.cursorY && historySize == other.historySize
            && plainRows == other.plainRows
    }
}
