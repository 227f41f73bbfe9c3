import Glibc

/// The tmux commands of one delivery, as argument lists (unit-testable, chained into as few
/// client calls as possible by the engine).
///
/// Policy, from measurements of real receivers (the delivery tests, Tests/Benchmarks/):
/// - Targets are exact: a pane id (`%7`), or `=session:index` when an entry has none. Never
///   a bare name (tmux matches prefixes: `claude` would hit `claude-2`).
/// - Text never travels in argv: `load-buffer -b <unique> -` reads it from stdin, so no `;`,
///   leading `-`, key name or `#{}` is ever parsed. The buffer name is unique per send, so
///   concurrent senders cannot paste each other's text, and `paste-buffer -d` deletes it.
/// - `paste-buffer -p` (bracketed paste when the program asked for it: prompt_toolkit, Textual
///   and Codex take the paste as one event, and an Enter after the closing bracket is a real
///   Enter). No `-r`: the typed line never holds a line feed (the long-message rule), so the
///   LF→CR translation never applies.
/// - A mode (copy mode, view mode, choose-tree) is left with `copy-mode -q`, a command rather
///   than keys, so it cannot open a prompt and hang with a client attached.
/// - The enter delay is waited inside the tmux server (`run-shell -d <seconds>` with no
///   command: an empty command string would start `/bin/sh -c ''`), so it costs no extra
///   client round trip.
/// - The verification probe is a separate client call, not part of the send chain: commands
///   of one chain run before tmux reads the program's echo (the probe would show the screen
///   from before the send), and an in-server pause of even 1 ms (`run-shell -d 0.001`) cost
///   3–4 ms here, more than a second client call (~2 ms), which by itself gives the program
///   time to echo.
public enum DeliveryCommands {
    /// `capture-pane -p -e -t T ; display-message -p -t T <PaneSnapshot.format>`.
    public static func probe(_ target: String) -> [[String]] {
        [["capture-pane", "-p", "-e", "-t", target],
         ["display-message", "-p", "-t", target, PaneSnapshot.format]]
    }

    public static func leaveMode(_ pane: String) -> [String] { ["copy-mode", "-q", "-t", pane] }

    public static func escape(_ pane: String) -> [String] { key("Escape", pane) }

    /// One named key (`Escape`): never text, never Enter from a profile (see `ScreenRule.leave`).
    public static func key(_ name: String, _ pane: String) -> [String] { ["send-keys", "-t", pane, name] }

    public static func enter(_ pane: String) -> [String] { ["send-keys", "-t", pane, "Enter"] }

    public static func loadBuffer(_ name: String) -> [String] { ["load-buffer", "-b", name, "-"] }

    /// `paste-buffer -p -d -b <name> -t <pane>`, plus `-S` on 3.7+ so tmux pastes the bytes
    /// as they are instead of running them through vis(3).
    public static func paste(_ name: String, into pane: String, server: TmuxVersion = TmuxVersion(major: 3, minor: 3)) -> [String] {
        ["paste-buffer", "-p", "-d"] + (server.pasteNeedsRawFlag ? ["-S"] : []) + ["-b", name, "-t", pane]
    }

    /// A pause inside the server: `run-shell -d <s>` (no command, so no shell is started).
    public static func wait(milliseconds ms: Int) -> [String] {
        let whole = ms / 1_000, frac = ms % 1_000
        let padded = String(repeating: "0", count: 3 - String(frac).count) + String(frac)
        return ["run-shell", "-d", "\(whole).\(padded)"]
    }

    /// Leave any mode, paste, wait the enter delay, Enter: one client call (text on stdin).
    public static func send(buffer: String, pane: String, enterDelayMilliseconds: Int, leavingMode: Bool,
                            server: TmuxVersion = TmuxVersion(major: 3, minor: 3)) -> [[String]] {
        var chain: [[String]] = []
        if leavingMode { chain.append(leaveMode(pane)) }
        chain.append(loadBuffer(buffer))
        chain.append(paste(buffer, into: pane, server: server))
        if enterDelayMilliseconds > 0 { chain.append(wait(milliseconds: enterDelayMilliseconds)) }
        chain.append(enter(pane))
        return chain
    }

    /// A buffer name no other sender uses: `agent-mesh-<pid>-<random>`.
    public static func uniqueBufferName() -> String {
        var g = SystemRandomNumberGenerator()
        return "agent-mesh-\(getpid())-\(String(g.next() & 0xffff_ffff_ffff, radix: 36))"
    }
}
