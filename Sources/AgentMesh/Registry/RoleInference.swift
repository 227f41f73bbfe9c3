/// Fills `role` and `scope` when the window has no `@agent-role` / `@agent-scope`, from the
/// active pane's current command and path, as the bash tool's placeholders did.
///
/// Roles: `claude-code agent`, `codex agent`, `aider agent`, `gemini agent`, `shell`, or the
/// command's own name (`python3`, `vim`, …), or `other` when tmux reports none.
/// Scope: the pane's path with the home folder written as `~`.
public enum RoleInference {
    static let shells: Set<String> = ["bash", "zsh", "sh", "dash", "fish", "ksh", "tcsh", "csh", "nu", "elvish", "xonsh"]

    public static func role(command: String) -> String {
        let c = command.lowercased()
        if c.contains("claude") { return "claude-code agent" }
        if c.contains("codex") { return "codex agent" }
        if c.contains("aider") { return "aider agent" }
        if c.contains("gemini") { return "gemini agent" }
        let bare = c.hasPrefix("-") ? String(c.dropFirst()) : c   // login shells show as -bash
        if shells.contains(bare) { return "shell" }
        return command.isEmpty ? "other" : command
    }

    public static func scope(path: String, home: String) -> String {
        if path == home { return "~" }
        if !home.isEmpty && home != "/" && path.hasPrefix(home + "/") { return "~" + path.dropFirst(home.count) }
        return path
    }

    /// True when the command is a plain shell (delivery uses no enter delay there).
    public static func isShell(_ command: String) -> Bool {
        let c = command.lowercased()
        return shells.contains(c.hasPrefix("-") ? String(c.dropFirst()) : c)
    }
}
