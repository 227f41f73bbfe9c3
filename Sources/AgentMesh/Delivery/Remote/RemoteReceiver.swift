@preconcurrency import Glibc

/// The far side of a remote send: `notify-pane --deliver-stdin`, run over ssh by the sender.
///
/// Policy: it does exactly what the local route does for a local sender — `LocalDelivery`:
/// inbox writes on this host, the same rendered line and `DeliveryEngine` (lock, mode cancel,
/// draft check, paste, Enter, verify), with the sender's `SendOptions` — plus an audit-log
/// record, using this host's own registry entry for the address (its tmux socket as recorded
/// here, never one computed on the sender).
/// - A file follows the request on stdin; it is streamed into the inbox while hashed, and
///   refused (nothing published) unless its size and SHA-256 match the header.
/// - The result is a value: `.refused` before anything was typed (the CLI prints the message
///   and exits 1, 2 or 4 without a reply), or `.carriedOut` (the CLI prints the
///   `RemoteReply` and exits with the status's code).
public enum RemoteReceiver {
    public enum Receipt {
        case refused(RemoteRefusal, String)
        case carriedOut(SendResult)
    }

    /// Reads one request from `read` (stdin) and carries it out on this host.
    /// `verifiedPeer`: the sending host as its ssh key proves it (a restricted mesh key's
    /// forced command), which a claim in the request must match.
    public static func receive(paths: MeshPaths, read: @escaping (Int) -> [UInt8], verifiedPeer: String? = nil) -> Receipt {
        var request: RemoteRequest
        do {
            request = try RemoteRequest.decode(read)
        } catch {
            return .refused(.malformedRequest, error.description)
        }
        if let peer = verifiedPeer {
            if let claimed = request.senderHost, claimed != peer {
                AuditLog.record(paths: paths, from: "\(request.sender)@\(claimed)", to: request.address, status: "refused-spoofed-host",
                                bytes: request.body.count, durationMilliseconds: 0, pane: nil)
                return .refused(.spoofedSender, "the request claims to come from host \(TextSanitizer.oneLine(claimed)), "
                                + "but its ssh key is \(peer)'s: refused")
            }
            request.senderHost = peer
            // The tag shows the verified host: a name that does not already start with it
            // (an AGENT_NAME) is shown as name@host; the name itself stays a claim.
            if request.sender != peer && !request.sender.hasPrefix(peer + "-") { request.sender += "@" + peer }
        }
        let selfAlias = HostIdentity.selfAlias(paths)
        let view = RegistryStore(paths: paths).loadView(selfAlias: selfAlias)
        guard let entry = view.entries.first(where: { $0.address == request.address && $0.host == selfAlias }) else {
            return .refused(.unknownAddress,
                            "no agent '\(TextSanitizer.oneLine(request.address))' on host \(selfAlias) (the sender's registry is out of date)")
        }
        let notice = Notice(body: request.body, hasFile: request.file != nil)
        let line: String
        do {
            line = try LocalDelivery.typedLine(notice, sender: request.sender, time: request.time,
                                               file: request.file.map { .stream($0, read: read) }, inbox: Inbox(paths: paths))
        } catch {
            switch error {
            case .damagedFile(let name):
                return .refused(.inboxFailure,
                                "file \(TextSanitizer.oneLine(name)) arrived damaged (size or SHA-256 mismatch); not saved")
            case .cannotWrite(let e):
                return .refused(.inboxFailure, "cannot write to the inbox on \(selfAlias): \(e)")
            }
        }
        let result = LocalDelivery.type(line, to: entry, sender: request.sender, time: request.time,
                                        options: request.options, paths: paths, id: request.id, replyTo: request.replyTo,
                                        hop: request.hop,
                                        senderHost: request.senderHost ?? "unknown-host")
        AuditLog.record(paths: paths, from: request.sender, to: request.address, status: result.outcome.status.rawValue,
                        bytes: request.body.count + (request.file?.size ?? 0),
                        durationMilliseconds: result.outcome.durationMilliseconds, pane: result.outcome.paneID)
        return .carriedOut(result)
    }
}

/// Why the receive side turned a request down before typing anything.
public enum RemoteRefusal: Equatable, Sendable {
    /// The request could not be read (not agent-mesh's, or cut short).
    case malformedRequest
    /// No agent of that address on this host: the sender's registry is out of date.
    case unknownAddress
    /// The inbox could not be written, or the file arrived damaged (nothing was published).
    case inboxFailure
    /// The request claims a sending host other than the one its ssh key belongs to.
    case spoofedSender
}

extension Inbox {
    /// Streams exactly `file.size` bytes from `read` into the sender's folder, hashing them;
    /// nil (and nothing published) when the stream ends early or the digest differs.
    func receive(_ file: RemoteRequest.FileHeader, sender: String,
                 read: (Int) -> [UInt8]) throws(SystemError) -> Drop? {
        let folder = try senderFolder(sender)
        var hasher = SHA256()
        var received = 0
        let tmp = try writeTemp(in: folder) { fd, path throws(SystemError) in
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
        return try publish(tmp, folder: folder, name: InboxName.sanitize(file.name, fallback: "file"), sender: sender)
    }
}
