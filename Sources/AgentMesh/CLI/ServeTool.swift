@preconcurrency import Glibc

/// The only thing a restricted mesh key can run: `notify-pane --serve --peer <alias>`, the
/// forced command of that peer's `authorized_keys` line (`AuthorizedKeys`).
///
/// Policy: sshd runs it whatever the client asked, with the request in `SSH_ORIGINAL_COMMAND`.
/// Exactly two requests are served — a remote delivery (`notify-pane --deliver-stdin`) and
/// the slice exchange (`agent-discover --exchange <sender>`), recognised in the scripts our
/// own senders send — everything else (a shell, `sh -c id`, scp, another program) is refused
/// with exit 1 and one line in `~/.agents/log/serve.log`. The peer is known from the key,
/// so it is verified: a delivery whose request claims another sending host, or an exchange
/// that claims to come from another alias, is refused (exit 8) and logged; the delivery's
/// sender host is the verified alias, which `@agent-allow` patterns then match.
enum ServeTool {
    static func main(peer: String, paths: MeshPaths) -> Int32 {
        let original = Environment.get("SSH_ORIGINAL_COMMAND") ?? ""
        if original.contains("notify-pane\" --deliver-stdin") || original == "notify-pane --deliver-stdin" {
            Output.out(RemoteSender.readyLine + "\n")
            return NotifyPaneTool().receive(paths: paths, verifiedPeer: peer)
        }
        if let claimed = exchangeSender(original) {
            guard claimed == peer else {
                log(paths, "refused: exchange claims to come from \(claimed), but the key is \(peer)'s")
                Output.error(tool: "agent-mesh", "this key belongs to \(peer), not \(claimed): exchange refused")
                return NotifyExitCode.refusedSender.rawValue
            }
            Output.out(Exchange.readyLine + "\n")
            do {
                try Exchange.serve(sender: peer, paths: paths, input: NotifyPaneTool.readStandardInput(), tool: "agent-discover")
                return 0
            } catch {
                Output.error(tool: "agent-discover", "exchange with \(peer): \(error)")
                return NotifyExitCode.transport.rawValue
            }
        }
        log(paths, "refused: \(peer)'s key asked for \(TextSanitizer.oneLine(String(original.prefix(200))).debugDescription)")
        Output.error(tool: "agent-mesh", "this key may only sync and deliver messages (peer \(peer)); refused")
        return NotifyExitCode.usage.rawValue
    }

    /// The alias after `--exchange` in our own exchange script (`… --exchange "h1"; fi; …`).
    static func exchangeSender(_ command: String) -> String? {
        guard let r = command.firstRange(of: "--exchange ") else { return nil }
        var rest = command[r.upperBound...]
        let quoted = rest.first == "\""
        if quoted { rest = rest.dropFirst() }
        let name = rest.prefix { quoted ? $0 != "\"" : ($0 != ";" && $0 != " ") }
        return name.isEmpty ? nil : String(name)
    }

    static func log(_ paths: MeshPaths, _ line: String) {
        guard (try? paths.ensureFolder(paths.log, mode: 0o700)) != nil else { return }
        try? FileSystem.append(paths.log + "/serve.log", Array("\(WallClock.iso8601()) \(line)\n".utf8))
    }
}
