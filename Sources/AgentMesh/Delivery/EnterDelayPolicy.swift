/// How long to wait between the paste and the Enter that submits it.
///
/// Order: `AGENT_MESH_ENTER_DELAY` (seconds, or `150ms`) > the registry entry's
/// `enter_delay` / `enter_delay_ms` > the default for the program in the pane.
///
/// Defaults, from measurement (Tests/Benchmarks/enter_delay.sh with the paste-burst receiver,
/// and the real receivers of the delivery tests):
/// - Shells (bash, zsh, fish, … — readline and line editors): 0 ms. None of bash, the python
///   REPL, IPython, prompt_toolkit or Textual lost an Enter sent right after the text, idle or
///   loaded, and 150–400 ms bought nothing.
/// - Everything else, agent TUIs and unknown programs alike: 150 ms. Codex treats an Enter
///   within 120 ms of a burst of fast input as a newline and Claude Code joins an Enter inside
///   its ~100 ms paste window to the paste; 150 ms clears both with margin. For unknown
///   programs we cannot tell a readline REPL from a paste-detecting TUI (both may show as
///   `python3` or `node`), and the costs are lopsided: a delay that is too long costs 150 ms
///   once, one that is too short leaves the message stuck in the composer or split in two.
public enum EnterDelayPolicy {
    public static let agentDefaultMilliseconds = 150

    /// The default for the program `pane_current_command` names.
    public static func defaultMilliseconds(command: String) -> Int {
        RoleInference.isShell(command) ? 0 : agentDefaultMilliseconds
    }

    /// The explicit delay, if any: the environment's, else the entry's.
    public static func override(environment: String?, entry: Int?) -> Int? {
        if let environment, let ms = AgentEntry.parseDelay(environment) { return ms }
        return entry
    }
}
