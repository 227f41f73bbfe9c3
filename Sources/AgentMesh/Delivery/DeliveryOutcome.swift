/// What one delivery came to. notify-pane turns a status into its exit code in one place,
/// `NotifyExitCode` (CLI).
public struct DeliveryOutcome: Equatable, Sendable {
    public enum Status: String, Sendable {
        /// Submitted: the text left the input line.
        case delivered
        /// Pasted and Enter sent, but the program has not echoed anything yet (it is busy);
        /// it reads the keys when its prompt returns. Counts as delivered.
        case queued
        /// A human's draft is in the recipient's input line; nothing was typed.
        case refusedDraft = "refused-draft"
        /// Typed, Enter sent twice, the text still sits in the input line.
        case notSubmitted = "not-submitted"
        /// The pane or window no longer exists (or moved, or its program died).
        case targetGone = "target-gone"
        /// A tmux call failed or passed its deadline, or the pane lock could not be had.
        case tmuxFailure = "tmux-failure"
        /// The recipient lives on another host and this build cannot reach it yet.
        case remoteUnavailable = "remote-unavailable"
        /// An agent that is not at its composer: a dialog or prompt that must not be answered
        /// for the user, a screen its profile does not know, or still starting. Nothing typed.
        case notReady = "not-ready"
        /// Typed and Enter sent, but the agent then showed a screen that does not prove the
        /// message was submitted. Not retried (it may have been).
        case unconfirmed
        /// An earlier delivery of this message id stopped between typing and its outcome
        /// (the receiving journal says `typing` only): it may be in the pane; never typed again.
        case unknown
        /// The pane's `@agent-allow` / `@agent-deny` refuse this sender; nothing typed.
        case refusedSender = "refused-sender"
        /// The loop guard of the recipient's host: the pair has exchanged its window's
        /// `@agent-max-rate` (else the host's `max_rate`) messages; nothing typed.
        case refusedLoop = "refused-loop"
    }

    public var status: Status
    /// One line for the user (the error message when not delivered).
    public var detail: String
    /// The dialog dismissed first, if any (`/config`, `/help`, `/permissions`).
    public var dismissedDialog: String?
    /// True when a second Enter was needed.
    public var sentSecondEnter: Bool
    public var durationMilliseconds: Int
    /// The pane actually typed into.
    public var paneID: String?

    public init(_ status: Status, _ detail: String = "", dismissedDialog: String? = nil,
                sentSecondEnter: Bool = false, durationMilliseconds: Int = 0, paneID: String? = nil) {
        self.status = status; self.detail = detail; self.dismissedDialog = dismissedDialog
        self.sentSecondEnter = sentSecondEnter; self.durationMilliseconds = durationMilliseconds
        self.paneID = paneID
    }

    public var isDelivered: Bool { status == .delivered || status == .queued }
}

/// What one send came to: the outcome, and the line typed after the tag (for the sender's
/// `→ <address> (…): <line>`; empty when nothing was typed).
public struct SendResult: Equatable, Sendable {
    public var outcome: DeliveryOutcome
    public var typedLine: String

    public init(_ outcome: DeliveryOutcome, typedLine: String = "") {
        self.outcome = outcome; self.typedLine = typedLine
    }
}

/// Lets a failed step carry its outcome through `Result`.
extension DeliveryOutcome: Error {}
