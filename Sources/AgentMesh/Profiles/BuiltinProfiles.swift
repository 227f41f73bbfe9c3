/// The agent profiles that ship with agent-mesh, as the TOML a user's
/// `~/.agents/agent-profiles.toml` overrides (same format; `notify-pane --profiles` prints it).
///
/// Format (one table per kind; `[<kind>.screen.<name>]` tables in precedence order):
/// - `name`, `tested` (the agent versions verified against), `processes` (names in the
///   pane's process tree), `strict` (type only at a recognised composer), `enter_delay_ms`,
///   `startup_ms` (how long a fresh agent may take to show its composer),
///   `composer` (prompt characters that start the idle composer's row), `placeholders`
///   (texts after the prompt that are not a draft), `composer_frame` (a character that starts
///   the row above or below the composer), `dialog_hints` (texts that mean a dialog is open
///   when no screen rule names it: the send is refused, never typed).
/// - A screen: `state` = blocked | dialog | busy | queued | starting; `all` / `any` (texts that
///   must all / at least one appear in its last `bottom` non-empty rows, default 16);
///   `leave` (the key that closes a dialog without changing anything: only `Escape` is
///   accepted, never Enter);
///   `what` (how a refusal names it).
/// Facts behind each rule: Tests/Fixtures/screens (captures of the real programs).
public enum BuiltinProfiles {
    public static let text = #"""
    # agent-mesh agent profiles, format 1: what each agent's screen means, as data.
    # Override or extend in ~/.agents/agent-profiles.toml (same format): a kind there replaces
    # the built-in kind key by key; its screens replace same-named ones or are added.
    #
    # A kind: name, tested (agent versions verified), processes (names in the pane's process
    # tree), strict (type only at a recognised composer), enter_delay_ms, startup_ms (how long
    # a fresh agent may take to show its composer), composer (what starts the idle composer's
    # row), composer_frame (a character starting the row above or below it), placeholders
    # (texts after the prompt that are not a draft), dialog_hints (texts meaning "a dialog is
    # open" when no screen names it: refused), popup_triggers (a last word starting with one of
    # these opens a completion popup that takes the Enter: a space is typed after it, which the
    # agent trims).
    # A screen [<kind>.screen.<name>], first match wins: state = blocked | dialog | busy |
    # queued | starting; all / any (texts that must all / at least one be in its last
    # `bottom` non-empty rows, default 16); leave (only "Escape": the key that closes a
    # dialog without changing anything; never Enter); what (how a refusal names it).

    [claude]
    name = "Claude Code"
    tested = "2.1.332"
    processes = ["claude"]
    strict = true
    enter_delay_ms = 150
    startup_ms = 15000
    composer = ["❯"]
    composer_frame = "─"
    placeholders = ["Press up to edit queued messages"]
    dialog_hints = ["Esc to cancel", "Esc to close", "Esc to go back", "Enter to confirm", "Enter to select", "Enter to save", "Enter to continue", "Enter to stay"]

    [claude.screen.trust]
    state = "blocked"
    any = ["Is this a project you created or one you trust", "Yes, I trust this folder", "Do you trust the files in this folder"]
    what = "folder-trust question open (Enter or Escape would answer it)"

    [claude.screen.api-key]
    state = "blocked"
    any = ["Do you want to use this API key?"]
    what = "API-key question open (Enter or Escape would answer it)"

    [claude.screen.permission]
    state = "blocked"
    any = ["Do you want to proceed?", "Auto mode can't check actions", "Do you want to make this edit", "Do you want to create", "Do you want to allow"]
    what = "permission prompt open (it waits for the user's answer)"

    [claude.screen.model]
    state = "dialog"
    all = ["Enter to save", "Esc to cancel"]
    leave = "Escape"
    what = "model picker open"

    [claude.screen.help]
    state = "dialog"
    all = ["Esc to close"]
    any = ["Shortcuts", "General", "Commands"]
    leave = "Escape"
    what = "help dialog open"

    [claude.screen.config]
    state = "dialog"
    any = ["Esc to go back", "Esc to close"]
    all = ["to navigate"]
    leave = "Escape"
    what = "settings dialog open"

    [claude.screen.queued]
    state = "queued"
    any = ["Queued · ctrl+x", "Press up to edit queued messages"]
    bottom = 12

    [claude.screen.busy]
    state = "busy"
    any = ["esc to interrupt"]
    bottom = 3

    [codex]
    name = "Codex CLI"
    tested = "0.147.0"
    processes = ["codex", "codex-x86_64-unknown-linux-musl", "codex-aarch64-unknown-linux-musl"]
    strict = true
    enter_delay_ms = 150
    startup_ms = 15000
    composer = ["›"]
    dialog_hints = ["Press enter", "esc to go back", "esc to cancel"]
    popup_triggers = ["@", "$"]

    [codex.screen.trust]
    state = "blocked"
    any = ["Do you trust the contents of this directory?"]
    what = "directory-trust question open (Enter would answer it)"

    [codex.screen.update]
    state = "blocked"
    any = ["Update available!"]
    all = ["Press enter to continue"]
    what = "update prompt open (Enter would update the agent)"

    [codex.screen.approval]
    state = "blocked"
    any = ["Would you like to run the following command?", "Would you like to make the following edits?", "Press enter to confirm or esc to cancel"]
    what = "approval prompt open (it waits for the user's answer)"

    [codex.screen.model]
    state = "dialog"
    any = ["Select Model", "Select Reasoning Level"]
    all = ["esc to go back"]
    leave = "Escape"
    what = "model picker open"

    [codex.screen.queued]
    state = "queued"
    any = ["Messages to be submitted after next tool call"]
    bottom = 12

    [codex.screen.busy]
    state = "busy"
    any = ["esc to interrupt"]
    bottom = 6

    [shell]
    name = "shell"
    processes = ["bash", "zsh", "fish", "sh", "dash", "ksh", "tcsh", "nu", "xonsh"]
    enter_delay_ms = 0

    [python]
    name = "Python REPL"
    processes = ["python", "python3", "ipython", "ipython3", "bpython", "ptpython"]

    [aider]
    name = "aider"
    processes = ["aider"]

    [gemini]
    name = "Gemini CLI"
    processes = ["gemini"]

    [other]
    name = "any other program"
    """#
}
