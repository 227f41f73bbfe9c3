@preconcurrency import Glibc

/// The far side of a remote send: `notify-pane --deliver-stdin`, run over ssh by the sender.
///
/// Policy: it does exactly what `LocalDelivery` does for a local sender — inbox writes on this
/// host, the same composed line and `DeliveryEngine` (lock, mode cancel, draft check, paste,
/// Enter, verify), an audit-log record — using this host's own registry entry for the address
/// (its tmux socket as recorded here, never one computed on the sender).
/// - A file follows the request on stdin; it is streamed into the inbox while hashed, and
///   refused (exit 4, nothing published) unless its size and SHA-256 match the header.
/// - stdout: `status <status>` and `typed <line>`; failures: one `notify-pane: error:` line on
///   stderr. The exit status is the engine's (0–5), 1 for a malformed request.
public enum RemoteReceiver {
    public static func serve(paths: MeshPaths, tool: String) -> Int32 {
        let read = RemoteRequest.reader(fd: 0)
        let request: RemoteRequest
        do {
            request = try RemoteRequest.decode(read)
        } catch {
            Output.error(tool: tool, error.description)
            return NotifyExitCode.usage.rawValue
        }
        let selfAlias = HostIdentity.selfAlias(paths)
        let view = RegistryStore(paths: paths).loadView(selfAlias: selfAlias)
        guard let entry = view.entries.first(where: { $0.address == request.address && $0.host == selfAlias }) else {
            Output.error(tool: tool, "no agent '\(TextSanitizer.oneLine(request.address))' on host \(selfAlias) (the sender's registry is out of date)")
            return NotifyExitCode.unknownAddress.rawValue
        }
        let inbox = Inbox(paths: paths)
        var message: String?
        var line: String
        do {
            if !request.body.isEmpty || request.file == nil {
                switch MessagePlan.plan(request.body) {
                case .typed(let text): message = text
                case .inboxed(let bytes):
                    let saved = try inbox.saveMessage(sender: request.sender, bytes: bytes, time: request.time)
                    message = MessagePlan.pointer(displayPath: saved.displayPath, bytes: bytes)
                }
            }
            line = message ?? ""
            if let file = request.file {
                guard let drop = try receiveFile(file, sender: request.sender, inbox: inbox, read: read) else {
                    Output.error(tool: tool, "file \(TextSanitizer.oneLine(file.name)) arrived damaged (size or SHA-256 mismatch); not saved")
                    return NotifyExitCode.transport.rawValue
                }
                line = MessagePlan.fileNote(displayPath: drop.displayPath, size: drop.size, message: message)
            }
        } catch {
            Output.error(tool: tool, "cannot write to the inbox on \(selfAlias): \(error)")
            return NotifyExitCode.transport.rawValue
        }
        line = TextSanitizer.oneLine(line)
        let text = MessageComposer.tag(sender: request.sender, time: request.time) + line
        let delay = request.enterDelayMilliseconds ?? entry.enterDelayMilliseconds
        let outcome = DeliveryEngine(paths: paths).deliver(
            DeliveryRequest(entry: entry, text: text, enterDelayMilliseconds: delay,
                            force: request.force, skipDismiss: request.skipDismiss))
        AuditLog.record(paths: paths, from: request.sender, to: request.address, status: outcome.status.rawValue,
                        bytes: request.body.count + (request.file?.size ?? 0),
                        durationMilliseconds: outcome.durationMilliseconds, pane: outcome.paneID)
        Output.out("status \(outcome.status.rawValue)\ntyped \(line)\n")
        if let dialog = outcome.dismissedDialog { Output.out("dismissed \(dialog)\n") }
        if !outcome.isDelivered { Output.error(tool: tool, outcome.detail) }
        return outcome.exitCode
    }

    /// Streams exactly `file.size` bytes from `read` into the inbox, hashing them; nil (and
    /// nothing published) when the stream ends early or the digest differs.
    static func receiveFile(_ file: RemoteRequest.FileHeader, sender: String, inbox: Inbox,
                            read: (Int) -> [UInt8]) throws(SystemError) -> Inbox.Drop? {
        let folder = try inbox.senderFolder(sender)
        var hasher = SHA256()
        var received = 0
        let tmp = try inbox.writeTemp(in: folder) { fd, path throws(SystemError) in
            while received < file.size {
                let chunk = read(min(1 << 16, file.size - received))
                if chunk.isEmpty { break }
                hasher.update(chunk)
                try FileSystem.writeAll(fd, chunk, path: path)
                received += chunk.count
            }
        }
        guard received == file.size, hasher.finalizeHex() == file.sha256.lowercased() else {
            unlink(tmp)
            return nil
        }
        return try inbox.publish(tmp, folder: folder, name: InboxName.sanitize(file.name, fallback: "file"), sender: sender)
    }
}
