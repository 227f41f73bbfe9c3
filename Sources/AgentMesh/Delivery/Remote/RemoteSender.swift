@preconcurrency import Glibc

/// Sending to an agent on another host: one ssh connection per message, payload on stdin.
///
/// Policy:
/// - The recipient's slice says what its host speaks. Protocol ≥ 1 (agent-mesh): the remote
///   command execs its `notify-pane --deliver-stdin` (from the `bin` folder its slice
///   recorded, else `~/bin`), fed a `RemoteRequest` and, for `--file`, the file streamed after
///   it with its size and SHA-256; the far side runs the same delivery engine and its exit
///   status is ours. Protocol 0 (a bash-tool host, tmux only): `tmux load-buffer -b <unique> -`
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

    public static func deliver(_ m: OutgoingMessage, paths: MeshPaths, time: Int = WallClock.now())
        -> (DeliveryOutcome, String) {
        let started = MonotonicClock.milliseconds()
        let settings = SyncSettings.load(paths)
        let ssh = SSH(paths: paths, settings: settings)
        let host = m.entry.host
        do { try ssh.prepareControlFolder() } catch {
            return (DeliveryOutcome(.tmuxFailure, "cannot create \(paths.sshControl): \(error)"), "")
        }
        let command: Command
        var typedLocally = ""
        if m.entry.protocolVersion >= 1 {
            var request = RemoteRequest(address: m.entry.address, sender: m.sender, time: time, body: m.body)
            request.force = m.force
            request.skipDismiss = m.skipDismiss
            request.enterDelayMilliseconds = m.enterDelayMilliseconds
            var extraMilliseconds = 0
            if let path = m.filePath {
                guard let (size, digest) = hashFile(path) else {
                    return (DeliveryOutcome(.tmuxFailure, "cannot read \(path)"), "")
                }
                request.file = .init(name: FileSystem.baseName(path), size: size, sha256: digest)
                extraMilliseconds = size / 1_000   // allow 1 MB/s on top of the usual deadline
            }
            command = ssh.command(alias: host, remote: deliverCommand(binDirectory: m.entry.binDirectory),
                                  input: request.encoded(), inputFile: m.filePath,
                                  timeoutMilliseconds: settings.timeoutSeconds * 1_000 + extraMilliseconds)
        } else {
            let target = m.entry.windowIndex.map { Tmux.exactWindow(session: m.entry.session, index: $0) } ?? m.entry.target
            guard m.filePath == nil, case .typed(let line) = MessagePlan.plan(m.body) else {
                var outcome = deliverToBashTool(m, ssh: ssh, settings: settings, target: target, time: time)
                outcome.0.durationMilliseconds = MonotonicClock.milliseconds() - started
                return outcome
            }
            typedLocally = line
            let text = MessageComposer.tag(sender: m.sender, time: time) + line
            guard let remote = tmuxOnlyCommand(target: target, buffer: "agent-mesh-\(getpid())-\(UInt32.random(in: 0...UInt32.max))") else {
                return (DeliveryOutcome(.remoteUnavailable, "target '\(m.entry.target)' cannot be quoted for \(host)"), "")
            }
            command = ssh.command(alias: host, remote: remote, input: Array(text.utf8))
        }
        let result: ProcessResult
        do { result = try ProcessRunner.run(command) } catch {
            return (DeliveryOutcome(.tmuxFailure, "cannot run ssh: \(error)"), "")
        }
        var outcome = interpret(result, host: host, isAgentMesh: m.entry.protocolVersion >= 1)
        if result.missedFirstOutput { _ = try? ProcessRunner.run(ssh.exitMaster(alias: host)) }
        outcome.0.durationMilliseconds = MonotonicClock.milliseconds() - started
        if m.entry.protocolVersion < 1 && outcome.0.isDelivered { outcome.1 = typedLocally }
        return outcome
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
    static func interpret(_ r: ProcessResult, host: String, isAgentMesh: Bool) -> (DeliveryOutcome, String) {
        if r.missedFirstOutput {
            return (DeliveryOutcome(.tmuxFailure, "\(host) unreachable: no answer within \(r.command.firstOutputMilliseconds ?? 0) ms"), "")
        }
        let err = r.stderrText.split(separator: "\n").last.map { String($0.trimmingSpaces()) } ?? ""
        let detail = err.hasPrefix("notify-pane: error: ") ? String(err.dropFirst(20)) : err
        guard let reply = SSH.reply(r.stdout, afterReadyLine: readyLine) else {
            if r.timedOut { return (DeliveryOutcome(.tmuxFailure, "ssh to \(host) timed out after \(r.command.timeoutMilliseconds) ms"), "") }
            return (DeliveryOutcome(.tmuxFailure, "ssh \(host): \(detail.isEmpty ? r.status.description : detail)"), "")
        }
        var status: DeliveryOutcome.Status?
        var typed = ""
        for line in reply.split(separator: "\n") {
            if line.hasPrefix("status ") { status = DeliveryOutcome.Status(rawValue: String(line.dropFirst(7))) }
            if line.hasPrefix("typed ") { typed = String(line.dropFirst(6)) }
        }
        if r.timedOut { return (DeliveryOutcome(.tmuxFailure, "delivery on \(host) timed out after \(r.command.timeoutMilliseconds) ms"), "") }
        if !isAgentMesh {
            if r.isSuccess { return (DeliveryOutcome(.delivered), "") }
            let gone = detail.contains("can't find") || detail.contains("no such")
            return (DeliveryOutcome(gone ? .targetGone : .tmuxFailure, "tmux on \(host): \(detail)"), "")
        }
        if let status {
            return (DeliveryOutcome(status, detail), typed)
        }
        if r.status == .exited(2) { return (DeliveryOutcome(.targetGone, detail), "") }
        return (DeliveryOutcome(.remoteUnavailable, "on \(host): \(detail.isEmpty ? r.status.description : detail)"), "")
    }

    /// Size and SHA-256 of a file, read once in 1 MB chunks.
    static func hashFile(_ path: String) -> (Int, String)? {
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
        return (size, hasher.finalizeHex())
    }
}
