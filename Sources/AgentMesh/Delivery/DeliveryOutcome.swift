/// What one delivery came to, and the one place statuses become notify-pane's exit codes.
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

    public var exitCode: Int32 { NotifyExitCode.for(status).rawValue }
}

/// notify-pane's exit codes: a contract with scripts (the bash tool's 0–4, plus 5).
public enum NotifyExitCode: Int32, Sendable {
    /// Delivered (submitted).
    case delivered = 0
    /// Usage error, or an unreadable `--file`.
    case usage = 1
    /// Unknown address, or its window is gone (the address no longer names a live pane).
    case unknownAddress = 2
    /// The recipient has a human draft in its input; refused (`FORCE_SEND=1` overrides).
    case draft = 3
    /// tmux or ssh failed (including deadlines, the pane lock, and remote delivery).
    case transport = 4
    /// Typed but not submitted: the text still sits in the input line, or (an agent) its
    /// screen after Enter did not confirm the submission.
    case notSubmitted = 5
    /// The agent is not at its composer (a dialog, a permission or approval prompt, a trust
    /// or update question, an unknown screen, still starting): refused, nothing typed.
    /// `FORCE_SEND=1` does not override it.
    case notReady = 6

    /// The mapping of every delivery status, in one place.
    public static func `for`(_ status: DeliveryOutcome.Status) -> NotifyExitCode {
        switch status {
        case .delivered, .queued: return .delivered
        case .refusedDraft: return .draft
        case .notSubmitted, .unconfirmed: return .notSubmitted
        case .notReady: return .notReady
        case .targetGone: return .unknownAddress
        case .tmuxFailure, .remoteUnavailable: return .transport
        }
    }
}

/// Lets a failed step carry its outcome through `Result`.
extension DeliveryOutcome: Error {}
