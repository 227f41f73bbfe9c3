/// What one kind of program in a pane looks like on screen, as data (`BuiltinProfiles`,
/// overridable in `~/.agents/agent-profiles.toml`), so a new agent release is a data change.
///
/// Policy:
/// - A strict profile (Claude Code, Codex) is typed into only at a screen it recognises as
///   its idle or busy composer. Any other screen — a dialog, a permission or approval prompt,
///   a trust or update question, a screen it does not know — is refused (or dismissed first,
///   when a rule says how to leave it safely). Enter is never pressed on an unknown screen.
/// - A lenient profile (shells, REPLs, other programs) keeps the generic prompt-marker
///   reading of `InputLineAnalysis`: its screens are too varied to list.
public struct AgentProfile: Equatable, Sendable {
    /// The key in the profile file (`claude`, `codex`, `shell` …), also the registry's role.
    public var kind: String
    public var name: String
    /// The agent versions the profile was written and tested against (for people).
    public var tested: String
    /// Process names (`comm`, or argv[0]'s last component) that identify the kind.
    public var processes: [String]
    public var enterDelayMilliseconds: Int?
    public var isStrict: Bool
    /// The idle composer: the cursor row starts (spaces trimmed) with one of these.
    public var composerPrompts: [String]
    /// Texts a composer shows after its prompt that are not a draft (placeholders, hints).
    public var placeholders: [String]
    /// When set, the composer row has a row starting with this character right above or
    /// below it (Claude Code draws its composer between two rules of `─`).
    public var composerFrame: String?
    /// Texts in the bottom rows that mean "some dialog is open" when no rule names it.
    public var dialogHints: [String]
    /// A line whose last word starts with one of these gets a trailing space: the agent would
    /// otherwise open a completion popup (Codex: `@` files, `$` skills) that swallows Enter.
    public var popupTriggers: [String] = []
    /// Arguments that make the agent's binary print its version (`["--version"]`), for the
    /// kind's version tables; empty: never asked.
    public var versionArguments: [String] = []
    /// The agent version this profile was chosen for (nil: unknown or not asked), and the
    /// version tables laid over the kind for it.
    public var version: String?
    public var appliedVersionRanges: [String] = []
    /// How long a just-started agent may take to show its composer before a send gives up.
    public var startupMilliseconds: Int
    /// Screens in precedence order (first match wins).
    public var screens: [ScreenRule]

    public init(kind: String, name: String = "", tested: String = "", processes: [String] = [],
                enterDelayMilliseconds: Int? = nil, isStrict: Bool = false, composerPrompts: [String] = [],
                placeholders: [String] = [], composerFrame: String? = nil, dialogHints: [String] = [],
                startupMilliseconds: Int = 0, screens: [ScreenRule] = []) {
        self.kind = kind; self.name = name.isEmpty ? kind : name; self.tested = tested
        self.processes = processes; self.enterDelayMilliseconds = enterDelayMilliseconds
        self.isStrict = isStrict; self.composerPrompts = composerPrompts; self.placeholders = placeholders
        self.composerFrame = composerFrame; self.dialogHints = dialogHints
        self.startupMilliseconds = startupMilliseconds; self.screens = screens
    }
}

/// One screen an agent can show, recognised by texts in its bottom rows.
public struct ScreenRule: Equatable, Sendable {
    public enum State: String, Sendable, CaseIterable {
        /// Typing here would answer for the user (permission, approval, trust, API key,
        /// update): never typed into, never dismissed; the send is refused.
        case blocked
        /// A dialog or picker that `leave` closes without changing anything; then the
        /// composer is read again. Without `leave` it is refused like `blocked`.
        case dialog
        /// The agent is working; it queues a message typed into its composer itself.
        case busy
        /// The agent's own notice that a typed message waits for the turn to end.
        case queued
        /// Still starting: the composer is not up yet; wait for it.
        case starting
    }

    public var name: String
    public var state: State
    /// Matches when every text of `all` and at least one of `any` (if given) is on screen.
    public var all: [String]
    public var any: [String]
    /// Only the last `bottomRows` non-empty rows are searched (a transcript above can quote anything).
    public var bottomRows: Int
    /// The key that leaves a dialog safely, or nil. Only `Escape` is accepted: a profile
    /// file can never make notify-pane press Enter (or any other key) on a dialog.
    public var leave: String?

    public static let allowedLeaveKeys: Set<String> = ["Escape"]
    /// What the refusal says: "model picker open".
    public var what: String

    public init(name: String, state: State, all: [String] = [], any: [String] = [], bottomRows: Int = 16,
                leave: String? = nil, what: String = "") {
        self.name = name; self.state = state; self.all = all; self.any = any
        self.bottomRows = max(1, bottomRows); self.what = what.isEmpty ? name : what
        self.leave = leave.flatMap { Self.allowedLeaveKeys.contains($0) ? $0 : nil }
    }

    /// True when the rule's texts are on the given rows (plain text, bottom first).
    public func matches(rows: [String]) -> Bool {
        let nonEmpty = rows.filter { !$0.allSatisfy { $0 == " " || $0 == "\u{a0}" } }
        let region = nonEmpty.suffix(bottomRows).joined(separator: "\n")
        guard all.allSatisfy({ region.contains($0) }) else { return false }
        return any.isEmpty || any.contains { region.contains($0) }
    }
}
