/// The one send pipeline, for every recipient: plan, route, carry out, outcome.
///
/// 1. Plan — `OutgoingMessage`: who (the recipient's registry entry, the sender, the tag's
///    time), what (`Notice`: a typed line, a body saved to the inbox, a file) and how
///    (`SendOptions`: force, skip-dismiss, enter delay).
/// 2. Route — `SendRoute`, chosen once from the entry: a pane of this host, an agent-mesh
///    host, or a bash-tool host.
/// 3. Carry out — `LocalDelivery` types into a local pane (inbox, then `DeliveryEngine`);
///    `RemoteSender` asks the recipient's host over one ssh: an agent-mesh host runs
///    `RemoteReceiver`, which is `LocalDelivery` there; a bash-tool host gets a tmux paste, or
///    `BashToolDrop`'s inbox script first. All three render the line with `Notice`.
/// 0. Before all of it the message is in `Outbox` (intent first), and its outcome after.
/// 4. Outcome — a `SendResult`, recorded in this host's audit log. The CLI maps its status to
///    an exit code (`NotifyExitCode`) and prints it.
public enum SendPipeline {
    public static func send(_ m: OutgoingMessage, paths: MeshPaths, selfAlias: String,
                            context: MeshContext = .live) -> SendResult {
        let route = SendRoute(entry: m.entry, selfAlias: selfAlias)
        let outbox = Outbox(paths: paths)
        // Intent first: nothing is typed before the outbox holds the message.
        do { try outbox.begin(m) } catch {
            return SendResult(DeliveryOutcome(.tmuxFailure, "cannot write the outbox (nothing sent): \(error)"))
        }
        Trace.log("outbox: intent")
        PausePoint.reach(.afterIntent)
        let result = attempt(m, paths: paths, selfAlias: selfAlias, context: context)
        Trace.log("outbox: finishing")
        outbox.finish(m.id, result.outcome, route: route, line: result.typedLine)
        Trace.log("outbox: finished")
        return result
    }

    /// One delivery attempt of a message whose outbox record exists (a first send, or the
    /// queue runner's retry): route, carry out, audit log.
    public static func attempt(_ m: OutgoingMessage, paths: MeshPaths, selfAlias: String,
                               auditsRetryableRefusals: Bool = true, context: MeshContext = .live) -> SendResult {
        let route = SendRoute(entry: m.entry, selfAlias: selfAlias)
        let result: SendResult
        switch route {
        case .localPane:
            result = LocalDelivery.deliver(m, paths: paths, context: context)
        case .agentMeshHost, .bashToolHost:
            result = RemoteSender.deliver(m, route: route, paths: paths, context: context)
        }
        // The queue runner logs a queued message's final outcome, not each refused attempt.
        if auditsRetryableRefusals || !MessageQueue.isRetryable(result.outcome.status) {
            AuditLog.record(paths: paths, from: m.sender, to: m.entry.address, status: result.outcome.status.rawValue,
                            bytes: m.body.count + (m.filePath.flatMap(FileSystem.size) ?? 0),
                            durationMilliseconds: result.outcome.durationMilliseconds, pane: result.outcome.paneID)
        }
        Trace.log("audit logged")
        return result
    }
}

/// Where a send goes, decided once from the recipient's registry entry.
public enum SendRoute: Equatable, Sendable {
    /// A pane of this host's tmux.
    case localPane
    /// Another host running agent-mesh (its slice declares protocol ≥ 1): its own
    /// `notify-pane --deliver-stdin` types the message there.
    case agentMeshHost(String)
    /// Another host still running the bash tool (protocol 0): tmux and a POSIX shell only.
    case bashToolHost(String)

    public init(entry: AgentEntry, selfAlias: String) {
        if entry.host == selfAlias {
            self = .localPane
        } else if entry.protocolVersion >= 1 {
            self = .agentMeshHost(entry.host)
        } else {
            self = .bashToolHost(entry.host)
        }
    }
}
