/// The one-round-trip slice exchange between two hosts: push ours, pull theirs.
///
/// Protocol (version 1), over one `ssh <peer> sh -c '<script>'`:
/// - stdin: the sender's `local.toml`, verbatim.
/// - The script first prints the ready line `agent-mesh-exchange 1` (so the sender knows at
///   once that the connection works; see `SSH`). Then, if the peer has agent-mesh's
///   `agent-discover` (in the `bin` folder its slice recorded, or `~/bin`; a bash script there
///   is the bash tool's and is not run), it execs `agent-discover --exchange <sender>`, which
///   validates and caches the pushed slice, re-assembles the peer's registry and prints the
///   peer's `local.toml`. Otherwise (a bash-tool host) it prints `~/.agents/local.toml` with
///   `cat`; that host pulls our slice itself.
/// - stdout after the ready line: the peer's slice (possibly empty). Lines before the ready
///   line (a chatty `.bashrc`) are ignored.
/// - stderr: warnings from the peer (`agent-discover: warning: …`), shown to the user.
public enum Exchange {
    public static let readyLine = "agent-mesh-exchange 1"

    /// The remote command string for a sync with `alias`'s host, sent by `selfAlias`.
    /// `binDirectory` is where the peer's slice says its executables live, if known.
    public static func remoteCommand(selfAlias: String, binDirectory: String?) -> String {
        let me = SSH.doubleQuoted(selfAlias) ?? "\"?\""
        var folders: [String] = []
        if let bin = binDirectory, let q = SSH.doubleQuoted(bin) { folders.append(q) }
        folders.append("\"$HOME/bin\"")
        let script = "echo \(readyLine); for d in \(folders.joined(separator: " ")); do f=$d/agent-discover; "
            + "if [ -x \"$f\" ] && [ \"$(head -c 2 \"$f\")\" != \"#!\" ]; then exec \"$f\" --exchange \(me); fi; done; "
            + "cat \"$HOME/.agents/local.toml\" 2>/dev/null; exit 0"
        return SSH.shellWrapped(script)
    }

    /// The peer's slice text from the exchange's stdout, or nil when the ready line is missing.
    public static func sliceText(fromReply stdout: [UInt8]) -> String? {
        SSH.reply(stdout, afterReadyLine: readyLine)
    }

    /// The far side: `agent-discover --exchange <sender>`. Reads the sender's slice on stdin,
    /// caches it if it is valid, not older than the cached copy, and the sender is one of our
    /// peers; re-assembles `registry.toml`; prints our `local.toml` on stdout. Problems with
    /// the pushed slice are warnings on stderr (the pull half still works). Throws only when
    /// our own files cannot be read or written (the CLI reports it and picks the exit status).
    /// `tool` names the program in warnings (`agent-discover`).
    public static func serve(sender: String, paths: MeshPaths, input: [UInt8], tool: String) throws(SystemError) {
        let selfAlias = HostIdentity.selfAlias(paths)
        let store = RegistryStore(paths: paths)
        let lock = try store.lockRegistry()
        defer { lock.unlock() }
        let local = try FileSystem.read(paths.localToml) ?? []
        if !HostIdentity.remotePeers(paths).contains(sender) {
            Output.err("\(tool): warning: \(selfAlias): '\(sender)' is not in peers.conf; its slice was not stored\n")
        } else {
            switch PeerCache.validate(String(decoding: input, as: UTF8.self), alias: sender) {
            case .invalid(let why):
                Output.err("\(tool): warning: \(selfAlias): \(why); kept the last good copy\n")
                try PeerCache(paths: paths).mark(sender, reachable: true, now: WallClock.now())
            case .valid(let slice, let proto):
                try PeerCache(paths: paths).store(slice, protocolVersion: proto, alias: sender, now: WallClock.now())
            }
            let entries = store.readLocal(defaultHost: selfAlias).slice?.entries ?? []
            try RegistryAssembler(paths: paths, selfAlias: selfAlias).assemble(local: entries)
        }
        lock.unlock()
        try FileSystem.writeAll(1, local, path: "stdout")
    }
}
