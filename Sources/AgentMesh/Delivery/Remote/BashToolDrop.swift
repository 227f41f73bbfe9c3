@preconcurrency import Glibc

/// Files and long messages for a host that still runs the bash tool (protocol 0: no
/// agent-mesh there, only a POSIX shell, coreutils and tmux) — one ssh connection each.
///
/// Policy, the same as the inbox on an agent-mesh host:
/// - The bytes travel on ssh's stdin into `~/.agent-inbox/<sender>/.incoming.<pid>` (0600 in
///   a 0700 folder); the size must match and, when `sha256sum` or `shasum` exists there, the
///   SHA-256 too — otherwise the temp file is removed and the send fails (exit 4).
/// - The final name is published with `ln` (never overwrites): an identical existing file is
///   reused, a different one gets `name.1.ext`, `name.2.ext`, …
/// - The one-line notification is pasted like any fallback message: `load-buffer` from stdin of
///   `printf`, bracketed paste, Enter. The script prints `saved <name>` last.
/// - Hostile text (the sender, the message, the file name) never appears in the script as
///   text: every byte is written as a `\0ooo` escape that only `printf %b` decodes, so the
///   remote shell — whatever the login shell — sees backslashes and digits only.
enum BashToolDrop {
    /// `s` as a `printf %b` argument of octal escapes (`\0101` for `A`).
    static func octal(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let o = String(b, radix: 8)
            out += "\\0" + String(repeating: "0", count: 3 - o.count) + o
        }
        return out
    }

    /// The one-line notification typed after saving: the text before the saved file's name
    /// and the text after it (the remote shell puts the name in between).
    struct Note: Equatable {
        var before: String
        var after: String
    }

    /// One script's run: its outcome, and the name the file got there (`saved <name>`).
    struct Saved {
        var outcome: DeliveryOutcome
        var name: String?
    }

    /// The remote script (inside `sh -c '…'`: no single quote, checked by `SSH.shellWrapped`).
    /// `note` nil = save without notifying.
    static func script(readyLine: String, senderFolder: String, name: String, size: Int, sha256: String,
                       note: Note?, target: String?, buffer: String) -> String? {
        var s = "echo \(readyLine); umask 077; "
            + "d=\"$HOME/.agent-inbox/$(printf \"%b\" \"\(octal(senderFolder))\")\"; "
            + "mkdir -p \"$d\" || exit 4; t=\"$d/.incoming.$$\"; "
            + "cat > \"$t\" || { rm -f \"$t\"; exit 4; }; "
            + "s=$(wc -c < \"$t\" | tr -d \" \"); "
            + "if [ \"$s\" != \"\(size)\" ]; then rm -f \"$t\"; "
            + "echo \"notify-pane: error: the file arrived with $s bytes, expected \(size)\" >&2; exit 4; fi; "
            + "h=$( (sha256sum \"$t\" 2>/dev/null || shasum -a 256 \"$t\" 2>/dev/null) | cut -d\" \" -f1); "
            + "if [ -n \"$h\" ] && [ \"$h\" != \"\(sha256)\" ]; then rm -f \"$t\"; "
            + "echo \"notify-pane: error: the file arrived damaged (SHA-256 mismatch)\" >&2; exit 4; fi; "
            + "n=$(printf \"%b\" \"\(octal(name))\"); "
            + "case \"$n\" in ?*.*) stem=\"${n%.*}\"; ext=\".${n##*.}\";; *) stem=\"$n\"; ext=\"\";; esac; "
            + "f=\"$n\"; i=0; "
            + "while [ $i -lt 1000 ]; do "
            + "if [ -e \"$d/$f\" ]; then if cmp -s \"$t\" \"$d/$f\"; then rm -f \"$t\"; break; fi; "
            + "elif ln \"$t\" \"$d/$f\" 2>/dev/null; then rm -f \"$t\"; break; fi; "
            + "i=$((i+1)); f=\"$stem.$i$ext\"; done; "
            + "if [ -e \"$t\" ]; then rm -f \"$t\"; echo \"notify-pane: error: no free name in $d\" >&2; exit 4; fi; "
        if let note, let target {
            guard let t = SSH.doubleQuoted(target), let b = SSH.doubleQuoted(buffer) else { return nil }
            s += "printf \"%b%s%b\" \"\(octal(note.before))\" \"$f\" \"\(octal(note.after))\" | tmux load-buffer -b \(b) - && "
                + "tmux paste-buffer -p -d -b \(b) -t \(t) && tmux send-keys -t \(t) Enter || exit 4; "
        }
        return s + "echo \"saved $f\""
    }

    /// The `saved <name>` line of the script's output, if any.
    static func savedName(_ stdout: [UInt8]) -> String? {
        let text = String(decoding: stdout, as: UTF8.self)
        for line in text.split(separator: "\n").reversed() where line.hasPrefix("saved ") {
            return String(line.dropFirst(6))
        }
        return nil
    }
}

extension RemoteSender {
    /// `--file` and long or multi-line messages to a bash-tool host: the long body is saved
    /// first (and notified alone when there is no file), then the file with its note; the
    /// lines typed are `Notice`'s, exactly as on an agent-mesh host. The remote script types
    /// the note with the saved name in the middle, so the note is rendered around a marker
    /// (NUL, which no rendered line holds) and split there.
    static func deliverToBashTool(_ m: OutgoingMessage, ssh: SSH, settings: SyncSettings, target: String,
                                  runner: any CommandRunning = SystemRunner()) -> SendResult {
        let folder = InboxName.sanitize(m.sender, fallback: "unknown")
        let display = "~/.agent-inbox/\(folder)/"
        let tag = MessageComposer.tag(sender: m.sender, time: m.time, id: m.id, replyTo: m.replyTo, hop: m.hop)
        let marker = "\u{0}"
        func around(_ line: String) -> BashToolDrop.Note {
            let parts = line.split(separator: marker, maxSplits: 1, omittingEmptySubsequences: false)
            return BashToolDrop.Note(before: TextSanitizer.oneLine(tag + parts[0] + display),
                                     after: TextSanitizer.oneLine(String(parts.count > 1 ? parts[1] : "")))
        }
        func drop(name: String, input: [UInt8], file: String?, size: Int, digest: String,
                  note: BashToolDrop.Note?) -> BashToolDrop.Saved {
            let buffer = "agent-mesh-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            guard let script = BashToolDrop.script(readyLine: readyLine, senderFolder: folder, name: name, size: size,
                                                   sha256: digest, note: note, target: target, buffer: buffer) else {
                return BashToolDrop.Saved(outcome: DeliveryOutcome(.remoteUnavailable, "target '\(target)' cannot be quoted for \(m.entry.host)"))
            }
            let command = ssh.command(alias: m.entry.host, remote: SSH.shellWrapped(script), input: input, inputFile: file,
                                      timeoutMilliseconds: settings.timeoutSeconds * 1_000 + size / 1_000)
            let result: ProcessResult
            do { result = try runner.run(command) } catch {
                return BashToolDrop.Saved(outcome: DeliveryOutcome(.tmuxFailure, "cannot run ssh: \(error)"))
            }
            if result.missedFirstOutput { _ = try? runner.run(ssh.exitMaster(alias: m.entry.host)) }
            let outcome = interpret(result, host: m.entry.host, isAgentMesh: false).outcome
            return BashToolDrop.Saved(outcome: outcome, name: outcome.isDelivered ? BashToolDrop.savedName(result.stdout) : nil)
        }

        let notice = m.notice
        var messageSavedAt: String?
        if let body = notice.bodyToSave {
            let stamp = WallClock.iso8601(m.time).filter { $0 != "-" && $0 != ":" }
            let saved = drop(name: "msg-\(stamp)-0.txt", input: body, file: nil, size: body.count, digest: SHA256.hex(body),
                             note: m.filePath == nil ? around(notice.text(messageSavedAt: marker, file: nil)) : nil)
            guard saved.outcome.isDelivered, let name = saved.name else { return SendResult(saved.outcome) }
            messageSavedAt = display + name
            if m.filePath == nil {
                return SendResult(saved.outcome, typedLine: notice.text(messageSavedAt: messageSavedAt, file: nil))
            }
        }
        guard let path = m.filePath else {
            return SendResult(DeliveryOutcome(.delivered), typedLine: notice.text(messageSavedAt: messageSavedAt, file: nil))
        }
        guard let digest = FileDigest(path) else {
            return SendResult(DeliveryOutcome(.tmuxFailure, "cannot read \(path)"))
        }
        let note = around(notice.text(messageSavedAt: messageSavedAt,
                                      file: Notice.SavedFile(displayPath: marker, size: digest.size)))
        let saved = drop(name: InboxName.sanitize(FileSystem.baseName(path), fallback: "file"), input: [],
                         file: path, size: digest.size, digest: digest.sha256, note: note)
        guard saved.outcome.isDelivered, let name = saved.name else { return SendResult(saved.outcome) }
        return SendResult(saved.outcome, typedLine: notice.text(messageSavedAt: messageSavedAt,
                                                                 file: Notice.SavedFile(displayPath: display + name, size: digest.size)))
    }
}
