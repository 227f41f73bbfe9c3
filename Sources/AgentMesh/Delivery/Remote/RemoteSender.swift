@preconcurrency import Glibc

/// Sending to an agent on another host: one ssh connection per message, payload on stdin.
///
/// Policy:
/// - The route (`SendRoute`, from the protocol the recipient's slice declares) says what its
///   host speaks. An agent-mesh host (protocol ≥ 1): the remote
///   command execs its `notify-pane --deliver-stdin` (from the `bin` folder its slice
///   recorded, else `~/bin`), fed a `RemoteRequest` and, for `--file`, the file streamed after
///   it with its size and SHA-256; the far side runs the same delivery engine and its exit
///   status is ours. A bash-tool host (protocol 0, tmux only): `tmux load-buffer -b <unique> -`
///   with the composed line on stdin, `paste-buffer -p -d`, `send-keys Enter`, on the remote
///   user's default tmux server and the registry's target; files and long messages go to its
///   inbox with a shell script first (`BashToolDrop`).
/// - The remote script first echoes a ready line; no first byte within the connect timeout
///   plus half a second means a dead host or a wedged ControlMaster: ssh is killed, the
///   master told to exit, and the send fails with exit 4 — bounded even right after the host
///   was reachable.
/// - ssh's own failure (exit 255) is exit 4 with ssh's last stderr line.
public enum RemoteSender {
    public static let readyLine = "agent-mesh-ready 1"

    /// Carries out `m` on `route`'s host (an `.agentMeshHost` or a `.bashToolHost`).
    public static func deliver(_ m: OutgoingMessage, route: SendRoute, paths: MeshPaths,
                               context: MeshContext = .live) -> SendResult {
        let started = context.clock.milliseconds()
        let settings = SyncSettings.load(paths)
        let ssh = SSH(paths: paths, settings: settings)
        let host = m.entry.host
        do { try ssh.prepareControlFolder() } catch {
            return SendResult(DeliveryOutcome(.tmuxFailure, "cannot create \(paths.sshControl): \(error)"))
        }
        var command: Command
        var typedLocally = ""
        let isAgentMesh: Bool
        if case .bashToolHost = route { isAgentMesh = false } else { isAgentMesh = true }
        if isAgentMesh {
            var request = RemoteRequest(address: m.entry.address, sender: m.sender, time: m.time, body: m.body)
            request.id = m.id
            request.replyTo = m.replyTo
            request.hop = m.hop
            request.senderHost = HostIdentity.selfAlias(paths)
            request.options = m.options
            var extraMilliseconds = 0
            if let path = m.filePath {
                guard let digest = FileDigest(path) else {
                    return SendResult(DeliveryOutcome(.tmuxFailure, "cannot read \(path)"))
                }
                request.file = .init(name: FileSystem.baseName(path), size: digest.size, sha256: digest.sha256)
                extraMilliseconds = digest.size / 1_000   // allow 1 MB/s on top of the usual deadline
            }
            command = ssh.command(alias: host, remote: deliverCommand(binDirectory: m.entry.binDirectory),
                                  input: request.encoded(), inputFile: m.filePath,
                                  timeoutMilliseconds: settings.timeoutSeconds * 1_000 + extraMilliseconds)
        } else {
            let target = m.entry.windowIndex.map { Tmux.exactWindow(session: m.entry.session, index: $0) } ?? m.entry.target
            guard m.filePath == nil, case .typed(let line)? = m.notice.message else {
                var result = deliverToBashTool(m, ssh: ssh, settings: settings, target: target, runner: context.runner)
                result.outcome.durationMilliseconds = context.clock.milliseconds() - started
                return result
            }
            typedLocally = line
            let text = MessageComposer.tag(sender: m.sender, time: m.time, id: m.id, replyTo: m.replyTo, hop: m.hop) + line
            guard let remote = tmuxOnlyCommand(target: target, buffer: "agent-mesh-\(getpid())-\(UInt32.random(in: 0...UInt32.max))") else {
                return SendResult(DeliveryOutcome(.remoteUnavailable, "target '\(m.entry.target)' cannot be quoted for \(host)"))
            }
            command = ssh.command(alias: host, remote: remote, input: Array(text.utf8))
        }
        // Test only: the crash tests kill the sender once the request went over ssh.
        if PausePoint.isArmed(.afterRequest) { command.pauseAfterInput = PausePoint.Step.afterRequest.rawValue }
        let result: ProcessResult
        do { result = try context.runner.run(command) } catch {
            return SendResult(DeliveryOutcome(.tmuxFailure, "cannot run ssh: \(error)"))
        }
        var sent = interpret(result, host: host, isAgentMesh: isAgentMesh)
        if result.missedFirstOutput { _ = try? context.runner.run(ssh.exitMaster(alias: host)) }
        sent.outcome.durationMilliseconds = context.clock.milliseconds() - started
        if !isAgentMesh && sent.outcome.isDelivered { sent.typedLine = typedLocally }
        return sent
    }

    /// The remote command for an agent-mesh host.
    public static func deliverCommand(binDirectory: String?) -> String {
        var folders: [String] = []
        if let bin = binDirectory, let q = SSH.doubleQuoted(bin) { folders.append(q) }
        folders.append("\"$HOME/bin\"")
        return SSH.shellWrapped("echo \(readyLine); for d in \(folders.joined(separator: " ")); do "
            + "if [ -x \"$d/notify-pane\" ]; then exec \"$d/notify-pane\" --deliver-stdin; fi; done; "
            + "echo \"notify-pane: error: agent-mesh notify-pane not found on $(hostname)\" >&2; exit 4")
    }

    /// The remote command for a bash-tool host: the line comes on stdin into a uniquely named
    /// buffer, is pasted bracketed and deleted, then Enter. nil when the target cannot be quoted.
    public static func tmuxOnlyCommand(target: String, buffer: String) -> String? {
        guard let t = SSH.doubleQuoted(target), let b = SSH.doubleQuoted(buffer) else { return nil }
        return SSH.shellWrapped("echo \(readyLine); tmux load-buffer -b \(b) - && "
            + "tmux paste-buffer -p -d -b \(b) -t \(t) && tmux send-keys -t \(t) Enter")
    }

    /// Maps the ssh result to an outcome and the typed line.
    static func interpret(_ r: ProcessResult, host: String, isAgentMesh: Bool) -> SendResult {
        if r.missedFirstOutput {
            return SendResult(DeliveryOutcome(.tmuxFailure, "\(host) unreachable: no answer within \(r.command.firstOutputMilliseconds ?? 0) ms"))
        }
        let err = r.stderrText.split(separator: "\n").last.map { String($0.trimmingSpaces()) } ?? ""
        let detail = err.hasPrefix("notify-pane: error: ") ? String(err.dropFirst(20)) : err
        guard let text = SSH.reply(r.stdout, afterReadyLine: readyLine) else {
            if r.timedOut { return SendResult(DeliveryOutcome(.tmuxFailure, "ssh to \(host) timed out after \(r.command.timeoutMilliseconds) ms")) }
            return SendResult(DeliveryOutcome(.tmuxFailure, "ssh \(host): \(detail.isEmpty ? r.status.description : detail)"))
        }
        let reply = RemoteReply(parsing: text)
        if r.timedOut { return SendResult(DeliveryOutcome(.tmuxFailure, "delivery on \(host) timed out after \(r.command.timeoutMilliseconds) ms")) }
        if !isAgentMesh {
            if r.isSuccess { return SendResult(DeliveryOutcome(.delivered)) }
            let gone = detail.contains("can't find") || detail.contains("no such")
            return SendResult(DeliveryOutcome(gone ? .targetGone : .tmuxFailure, "tmux on \(host): \(detail)"))
        }
        if let status = reply.status {
            return SendResult(DeliveryOutcome(status, detail), typedLine: reply.typedLine)
        }
        // An older receiver, or one that refused before typing: its exit status says why.
        if r.status == .exited(2) { return SendResult(DeliveryOutcome(.targetGone, detail)) }
        return SendResult(DeliveryOutcome(.remoteUnavailable, "on \(host): \(detail.isEmpty ? r.status.description : detail)"))
    }
}

/// A file's size and SHA-256 (hex), read once in 1 MB chunks; nil when it cannot be read.
struct FileDigest: Equatable {
    var size: Int
    var sha256: String

    init?(_ path: String) {
        let fd = retryingEINTR { open(path, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { return nil }
        defer { close(fd) }
        var hasher = SHA256()
        var size = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { b in retryingEINTR { read(fd, b.baseAddress, b.count) } }
            if n < 0 { return nil }
            if n == 0 { break }
            chunk.withUnsafeBufferPointer { hasher.update(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            size += n
        }
        self.size = size
        self.sha256 = hasher.finalizeHex()
    }
}
