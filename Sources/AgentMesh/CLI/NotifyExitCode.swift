/// notify-pane's exit codes: a contract with scripts (the bash tool's 0–4, plus 5 and 6), mapped
/// here and nowhere else.
///
/// Policy: the library below says what happened as values — a `DeliveryOutcome.Status` for
/// every send that reached a pane or failed on the way, a `RemoteRefusal` when the receive
/// side turned a request down before typing — and only the CLI turns them into a status.
/// The receive side's status travels back over ssh as its exit status (an older sender reads
/// 2 as "target gone"), so these numbers never change.
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
    /// The loop guard refused it: too many messages between these two in the rate window.
    case loopGuard = 7
    /// The recipient's window does not accept this sender (`@agent-allow` / `@agent-deny`).
    case refusedSender = 8
    /// `--ask`: delivered, but no reply came within `--timeout`.
    case noReply = 9

    /// The mapping of every delivery status.
    public static func `for`(_ status: DeliveryOutcome.Status) -> NotifyExitCode {
        switch status {
        case .delivered, .queued: return .delivered
        case .refusedDraft: return .draft
        case .notSubmitted, .unconfirmed, .unknown: return .notSubmitted
        case .notReady: return .notReady
        case .refusedSender: return .refusedSender
        case .refusedLoop: return .loopGuard
        case .targetGone: return .unknownAddress
        case .tmuxFailure, .remoteUnavailable: return .transport
        }
    }

    /// The mapping of the receive side's refusals (`notify-pane --deliver-stdin`).
    public static func `for`(_ refusal: RemoteRefusal) -> NotifyExitCode {
        switch refusal {
        case .malformedRequest: return .usage
        case .unknownAddress: return .unknownAddress
        case .inboxFailure: return .transport
        case .spoofedSender: return .refusedSender
        }
    }
}

/// Lets a reported failure travel as a `Result`'s error (the message is already on stderr).
extension NotifyExitCode: Error {}
