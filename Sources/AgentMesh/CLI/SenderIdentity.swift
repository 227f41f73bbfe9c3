/// Who is sending: the name in the tag, the inbox folder, and `--whoami`.
///
/// Order: `AGENT_NAME` when set; else the registry address of `$TMUX_PANE` — its pane address
/// in a split window, else its window's (so the receiver can reply with exactly that string);
/// else this host's alias
/// (cron, scripts, ssh sessions).
///
/// Policy for speed (`--whoami` must stay under 5 ms): the pane is first looked up in
/// `local.toml`'s `panes` lists, matched against the socket in `$TMUX`; only when no entry
/// lists it (a split made since the last hook run) is tmux asked for the pane's window id.
public enum SenderIdentity {
    public static func resolve(paths: MeshPaths, selfAlias: String, context: MeshContext = .live,
                               localEntries: [AgentEntry]? = nil, tmux: Tmux = Tmux()) -> String {
        if let name = context.environment.nonEmpty("AGENT_NAME") { return name }
        guard let pane = context.environment.nonEmpty("TMUX_PANE") else { return selfAlias }
        let socket = context.environment.nonEmpty("TMUX")?.split(separator: ",").first.map(String.init)
        let entries = localEntries
            ?? RegistryStore(paths: paths).readLocal(defaultHost: selfAlias).slice?.entries ?? []
        let mine = entries.filter { e in
            guard let s = e.socket, let socket else { return true }
            return s == socket
        }
        // A pane of a split window answers to its own pane address, so a reply reaches exactly it.
        if let e = mine.first(where: { $0.paneIndex != nil && $0.paneID == pane }) { return e.address }
        if let e = mine.first(where: { $0.panes.contains(pane) || $0.paneID == pane }) { return e.address }
        // Not listed: ask tmux which window holds the pane (one call, with a deadline).
        var client = tmux
        if let socket { client = client.on(socket: socket) }
        client.timeoutMilliseconds = 1_000
        if let result = try? TmuxClient.run(client.command(["display-message", "-p", "-t", pane, "#{pane_id} #{window_id}"]), runner: context.runner),
           result.isSuccess {
            let parts = result.stdoutText.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
            if parts.count == 2, parts[0] == pane, let e = mine.first(where: { $0.windowID == parts[1] }) {
                return e.address
            }
        }
        return selfAlias
    }
}
