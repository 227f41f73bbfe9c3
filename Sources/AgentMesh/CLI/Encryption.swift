@preconcurrency import Glibc

/// `notify-pane --encrypt`: the message (or the `--file`) travels and rests as an `age` file
/// that only the recipient account's ssh key opens, for hosts shared with people who should
/// not read it (another admin, backups of home folders, a relay account).
///
/// Policy:
/// - The recipient key is the one the recipient's host already has in the mesh: its
///   `~/.agents/keys/<alias>.pub` if present, else the key this host authorized for that peer
///   (`agent-mesh-peer:<alias>` in `~/.ssh/authorized_keys`, see `AuthorizedKeys`); for this
///   host itself `~/.ssh/id_ed25519.pub` (or `id_rsa.pub`). age takes ssh-ed25519 and ssh-rsa
///   keys (and its own `age1…`), so no new keys are managed. No key → refused (exit 1),
///   nothing sent: an encrypted send never falls back to plain text.
/// - Sealing happens before anything is recorded or sent: the outbox keeps only the
///   ciphertext (`<id>.sealed/<name>.age`, 0600), which `--retry` sends again unchanged.
/// - What travels is a file drop, so every route (this host, an agent-mesh host, a bash-tool
///   host) carries it unchanged. The typed line names the file and how to open it; a message
///   given with `--file` stays plain text (it is the note about the file).
/// - The plaintext is never written to disk by agent-mesh: it reaches `age` on its stdin.
struct Encryption {
    var paths: MeshPaths
    var context: MeshContext
    static let deadlineMilliseconds = 120_000

    struct Refusal: Error { var text: String; var code: NotifyExitCode }

    /// The public keys age should encrypt to for `host` (first usable source wins).
    func recipients(host: String, selfAlias: String) throws(Refusal) -> (keys: [String], identity: String) {
        var sources: [String] = [paths.agents + "/keys/\(host).pub"]
        if host == selfAlias { sources += [paths.home + "/.ssh/id_ed25519.pub", paths.home + "/.ssh/id_rsa.pub"] }
        for source in sources {
            guard let text = try? FileSystem.readText(source) else { continue }
            let keys = text.split(separator: "\n").compactMap(Self.recipient)
            if !keys.isEmpty { return (keys, Self.identityHint(keys)) }
        }
        if host != selfAlias, let text = try? FileSystem.readText(paths.home + "/.ssh/authorized_keys") {
            let keys = text.split(separator: "\n").filter { $0.hasSuffix(" \(AuthorizedKeys.marker)\(host)") }
                .compactMap { AuthorizedKeys.keyPart(String($0)) }.compactMap { Self.recipient(Substring($0)) }
            if !keys.isEmpty { return (keys, Self.identityHint(keys)) }
        }
        throw Refusal(text: "no public key to encrypt to for host \(host): put its ssh-ed25519 key in "
                      + "~/.agents/keys/\(host).pub (or authorize the peer: agent-discover --authorize-peer \(host)=KEY.pub); nothing sent",
                      code: .usage)
    }

    /// A key line age can encrypt to (`ssh-ed25519 …`, `ssh-rsa …`, `age1…`), comment dropped.
    static func recipient(_ line: Substring) -> String? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let first = words.first, !first.hasPrefix("#") else { return nil }
        if first.hasPrefix("age1") { return String(first) }
        guard first == "ssh-ed25519" || first == "ssh-rsa", words.count >= 2 else { return nil }
        return "\(first) \(words[1])"
    }

    static func identityHint(_ keys: [String]) -> String {
        if keys.contains(where: { $0.hasPrefix("ssh-ed25519") }) { return "~/.ssh/id_ed25519" }
        if keys.contains(where: { $0.hasPrefix("ssh-rsa") }) { return "~/.ssh/id_rsa" }
        return "<your age identity file>"
    }

    /// The message with its body (or file) replaced by the sealed file in the outbox.
    func seal(_ m: OutgoingMessage, selfAlias: String) throws(Refusal) -> OutgoingMessage {
        let (keys, identity) = try recipients(host: m.entry.host, selfAlias: selfAlias)
        let folder = Outbox(paths: paths).sealedFolder(m.id)
        let name = (m.filePath.map { FileSystem.baseName($0) } ?? "msg-\(m.id)") + ".age"
        let final = folder + "/" + name, temp = folder + "/.\(name).tmp"
        var sealedIt = false
        // A refused seal leaves nothing behind (no partial ciphertext, no empty folder).
        defer { if !sealedIt { unlink(temp); rmdir(folder) } }
        do throws(SystemError) {
            try paths.ensureFolder(paths.outbox, mode: 0o700)
            try FileSystem.makeDirectories(folder, mode: 0o700)
        } catch {
            throw Refusal(text: "cannot write the outbox: \(error)", code: .transport)
        }
        let command = Command("age", ["--encrypt"] + keys.flatMap { ["--recipient", $0] } + ["--output", temp],
                              input: m.filePath == nil ? m.body : [], inputFile: m.filePath,
                              timeoutMilliseconds: Self.deadlineMilliseconds)
        let result: ProcessResult
        do { result = try context.runner.run(command) } catch {
            let missing = error.errno == ENOENT
            throw Refusal(text: missing ? "--encrypt needs age (apt install age); nothing sent" : "cannot run age: \(error)",
                          code: missing ? .usage : .transport)
        }
        guard result.isSuccess, FileSystem.exists(temp) else {
            let why = result.timedOut ? "timed out" : TextSanitizer.oneLine(result.stderrText)
            throw Refusal(text: "age could not encrypt the message: \(why); nothing sent", code: .transport)
        }
        do { try FileSystem.publish(temp, as: final, mode: 0o600) } catch {
            throw Refusal(text: "cannot write the outbox: \(error)", code: .transport)
        }
        sealedIt = true
        var sealed = m
        sealed.filePath = final
        let howTo = "age -d -i \(identity) <that file>"
        let note = String(decoding: m.body, as: UTF8.self)
        if m.filePath == nil {
            sealed.body = Array("an encrypted message; read it with: \(howTo)".utf8)
        } else {
            sealed.body = Array(((note.isEmpty ? "" : note + " ") + "(encrypted; read it with: \(howTo))").utf8)
        }
        return sealed
    }
}
