/// The three tools' option tables. Each tool's parser, `--help` and completions come from
/// its table here (see `OptionTable`); the settings defaults in agent-discover's help are read
/// from `SyncSettings`, so the help cannot state a default the code does not use.
extension OptionTable {
    public static let notifyPane = OptionTable(
        tool: "notify-pane",
        usage: [
            "notify-pane [-q] <address> <message…>",
            "notify-pane [-q] <address> --file <path> [message…]",
            "notify-pane [-q] <address> -                  (message from stdin)",
            "notify-pane --list [--long | --json]",
            "notify-pane --whoami | --help | --version | --completion bash|zsh",
            "notify-pane --status [<id>] [--json] | --outbox [--json] | --cancel <id> | --retry <id>",
            "notify-pane [--json] [--max N] ('<glob>' | --all | --role <glob>) <message…>   (broadcast)",
            "notify-pane --reply <id> <message…>",
            "notify-pane --ask [--timeout 10m] <address> <question…>",
        ],
        about: """
        Types "[from <sender> @ <time>] <message>" into the agent's tmux pane and presses Enter,
        then checks that the message left the input line.

        A message with a line break, or longer than 500 characters, is not typed: it is saved
        byte-exact as ~/.agent-inbox/<sender>/msg-<time>-<n>.txt and a one-line pointer is sent.
        Control characters are shown in caret notation (^[), tabs become spaces.
        """,
        options: [
            ToolOption("quiet", ["-q", "--quiet"], help: "print only the message id on success"),
            ToolOption("file", ["-f", "--file"], .file("<path>"), help: """
                copy the file to ~/.agent-inbox/<sender>/<name> on the recipient's
                host (never overwriting a different file: name.1.ext, …) and send
                "file dropped at … (N bytes)[: message]"
                """, summary: "send a file to the agent's inbox"),
            ToolOption("encrypt", ["--encrypt"], help: """
                encrypt the message (or the --file) with age to the recipient host's ssh key
                (~/.agents/keys/<host>.pub, or the key authorized for that peer): it is
                dropped as ~/.agent-inbox/<sender>/<name>.age and only a pointer is typed
                """, summary: "send it encrypted, as an age file"),
            ToolOption("reply", ["--reply"], .text("<id>"), help: "answer message <id> (received on this host): to its sender, tagged [re:<id>] (no address)",
                       summary: "reply to a message"),
            ToolOption("ask", ["--ask"], help: "deliver, then wait for the reply (--reply <id>) and print its text on stdout",
                       summary: "ask and wait for the answer"),
            ToolOption("timeout", ["--timeout"], .text("<duration>"), help: "with --ask: how long to wait (default 10m); then exit 9",
                       summary: "how long --ask waits"),
            ToolOption("all", ["--all"], help: "broadcast: every live agent of the mesh but the sender (no address)",
                       summary: "send to every agent"),
            ToolOption("role", ["--role"], .text("<glob>"), help: "broadcast: every live agent whose role (@agent-role) matches",
                       summary: "send to agents with this role"),
            ToolOption("max", ["--max"], .text("<n>"), help: "broadcast: allow more than 16 recipients (max_broadcast)",
                       summary: "recipient limit of a broadcast"),
            ToolOption("queue", ["--queue"], help: """
                if the recipient cannot take it now (a draft, a dialog, a busy pane, a host
                unreachable, the window gone for now), keep it and deliver it as soon as it
                can: exit 0, "queued <id>" on stdout
                """, summary: "queue the message if it cannot be delivered now", environment: "AGENT_MESH_QUEUE=1"),
            ToolOption("wait", ["--wait"], .text("<duration>"), help: "with --queue (implied): wait up to 30s, 10m, 1h … for the delivery",
                       summary: "wait for a queued delivery"),
            ToolOption("ttl", ["--ttl"], .text("<duration>"), help: "a queued message expires after this (default 24h)",
                       summary: "time to live of a queued message"),
            ToolOption("no-queue", ["--no-queue"], help: "with --wait: cancel the message if it was not delivered in time",
                       summary: "cancel after --wait"),
            ToolOption("cancel", ["--cancel"], .text("<id>"), help: "cancel a queued message", summary: "cancel a queued message",
                       terminal: true),
            ToolOption("retry", ["--retry"], .text("<id>"), help: """
                send message <id> again if unknown, failed or expired, as the same
                message: the recipient's journal never types it twice (typed before:
                delivered, or unknown if cut half-way); exit 1 when delivered,
                cancelled or queued
                """, summary: "send an unknown or failed message again", terminal: true),
            ToolOption("run-queue", ["--run-queue"], help: "deliver queued messages until none is left", hidden: true),
            ToolOption("stdin", ["-"], help: "read the message from stdin (one trailing newline is dropped)",
                       operand: true),
            ToolOption("end", ["--"], help: """
                end of options: "notify-pane peer -- -x" sends "-x" (a message may
                also start with "-" without it, unless it is -q, -f or --file)
                """, operand: true),
            ToolOption("list", ["-l", "--list"], help: "registered addresses, one per line",
                       summary: "list every registered address",
                       excludes: ["positionals", "file", "quiet"]),
            ToolOption("long", ["--long"], help: "with --list: address, host, target, role, live/stale",
                       excludes: ["json"]),
            ToolOption("json", ["--json"], help: "with or without --list: the same as JSON",
                       summary: "with --list: JSON", excludes: ["long"]),
            ToolOption("whoami", ["--whoami"], help: "the sender name this shell would use",
                       summary: "print this shell's sender id", terminal: true),
            ToolOption("status", ["--status"], help: "with an id: that message's state and history; without: every message sent from here",
                       summary: "show what became of sent messages", terminal: true),
            ToolOption("outbox", ["--outbox"], help: "the messages not finished yet (delivering, or unknown after a crash)",
                       summary: "list unfinished messages", terminal: true),
            ToolOption("log", ["--log"], help: "the messages this host sent and received: id, time, from, to, status, first line",
                       summary: "message history", terminal: true),
            ToolOption("with", ["--with"], .text("<address>"), help: "with --log: only messages to or from this address",
                       summary: "filter the history by peer"),
            ToolOption("thread", ["--thread"], .text("<id>"), help: "with --log: that message and every reply to it, in full",
                       summary: "show one conversation"),
            ToolOption("limit", ["-n"], .text("<n>"), help: "with --log: the last n messages only", summary: "history length"),
            ToolOption("profiles", ["--profiles"], help: "print the agent profiles in force (built-in, then ~/.agents/agent-profiles.toml)",
                       summary: "print the agent profiles", terminal: true),
            ToolOption("completion", ["--completion"], .choice("bash|zsh", ["bash", "zsh"]),
                       help: "print the bash or zsh completion script (install.sh installs it)",
                       terminal: true),
            ToolOption("help", ["-h", "--help"], help: "show this help", terminal: true),
            ToolOption("version", ["--version"], help: "show the version", terminal: true),
            // The receive side of a remote send, run over ssh by the sending host.
            ToolOption("deliver-stdin", ["--deliver-stdin"], help: "serve a remote send on stdin",
                       hidden: true),
        ],
        positionals: [Positional("address", .addresses), Positional("message", repeats: true)],
        environment: [
            ("AGENT_NAME", "sender name (default: this window's address, else host alias)"),
            ("FORCE_SEND=1", "send even when the recipient has a draft in its input"),
            ("SKIP_DISMISS=1", "do not press Escape on an agent's dialog (refuse instead)"),
            ("AGENT_MESH_ENTER_DELAY", "seconds between paste and Enter (default: 0 for shells,\nthe agent's enter_delay, else 0.15)"),
            ("TMUX_SOCKET, TMUX_BIN", "tmux server socket and binary"),
            ("AGENT_MESH_TRACE=1", "print each delivery step's timing on stderr"),
            ("AGENT_MESH_TMUX_EXEC=1", "run the tmux binary instead of speaking to the server's socket"),
        ],
        footer: """
        EXIT CODES:
          0 delivered   1 usage, unreadable file, or --retry of a message that may not be retried
          2 unknown address or window gone
          3 recipient has a draft (refused)   4 tmux/ssh failure   5 typed but not submitted
          6 agent not at its composer (dialog, permission prompt, unknown screen): nothing typed
          7 loop guard: too many messages between these two agents lately (max_rate, the window's
            @agent-max-rate), or a message too many hops deep (max_hops): nothing sent
          8 the recipient does not accept this sender (@agent-allow, @agent-deny, a spoofed
            sending host, another user's tmux server): nothing typed
          9 --ask: delivered, but no reply within --timeout
        """)

    public static let registerHook = OptionTable(
        tool: "agent-register-hook",
        usage: [
            "agent-register-hook on <session>",
            "agent-register-hook off <session>",
            "agent-register-hook identify [--role TEXT] [--scope TEXT] [--enter-delay SECONDS] [--target PANE]",
            "agent-self-identify --role TEXT --scope TEXT        (same as 'identify')",
        ],
        about: """
        Keeps ~/.agents/local.toml equal to this host's live tmux windows. tmux hooks call it
        (see tmux/hooks.conf); you rarely need to run it yourself.

          on <session>     re-register every window (one tmux query for the whole server)
          off <session>    the session closed: drop its windows
          identify         set this window's @agent-role / @agent-scope / @agent-enter-delay
                           tmux options (the window of $TMUX_PANE, or --target) and re-register

        Sessions named scratch, tmp, temp, test, test-* or _* are never registered.
        Hook calls are silent and always exit 0; problems are logged to ~/.agents/log/hook.log.
        """,
        options: [
            ToolOption("role", ["--role"], .text("TEXT"), help: "identify: the window's role (@agent-role)",
                       summary: "this window's role"),
            ToolOption("allow", ["--allow"], .text("PATTERNS"),
                       help: "identify: who may send here (@agent-allow): sender globs, @host globs, name@host; unset = everyone",
                       summary: "senders allowed to type here"),
            ToolOption("deny", ["--deny"], .text("PATTERNS"), help: "identify: who may not send here (@agent-deny); wins over --allow",
                       summary: "senders refused here"),
            ToolOption("scope", ["--scope"], .text("TEXT"), help: "identify: what it works on (@agent-scope)",
                       summary: "what this window works on"),
            ToolOption("enter-delay", ["--enter-delay"], .text("SECONDS"),
                       help: "identify: pause between paste and Enter, 0.15 or 150ms\n(@agent-enter-delay)",
                       summary: "pause between paste and Enter"),
            ToolOption("target", ["--target"], .text("PANE"),
                       help: "identify: the pane or session:window to describe (default: $TMUX_PANE)",
                       summary: "the pane or session:window to describe"),
            ToolOption("help", ["-h", "--help"], help: "show this help", terminal: true),
            ToolOption("version", ["--version"], help: "show the version", terminal: true),
        ],
        positionals: [Positional("verb", .words(["on", "off", "identify"])), Positional("session")])

    public static let discover = OptionTable(
        tool: "agent-discover",
        usage: ["agent-discover [--local | --sync] [-q]"],
        about: """
        Rebuilds ~/.agents/local.toml from every live tmux window of this host (windows whose
        close hook was missed are removed), exchanges slices with every peer in
        ~/.agents/peers.conf (one ssh each, all at once), assembles ~/.agents/registry.toml and
        prints one summary line. Unreachable peers keep their agents, marked stale.
        """,
        options: [
            ToolOption("local", ["--local"], help: "do not contact peers: rebuild and assemble from cached slices only",
                       summary: "do not contact peers", excludes: ["sync"]),
            ToolOption("sync", ["--sync"], help: "do not rebuild: only exchange slices with the peers and assemble",
                       summary: "only exchange slices with the peers"),
            ToolOption("quiet", ["-q", "--quiet"], help: "print only the message id on success"),
            ToolOption("help", ["-h", "--help"], help: "show this help", terminal: true),
            ToolOption("version", ["--version"], help: "show the version", terminal: true),
            // Run by the hooks after a local change: one debounced background sync at a time.
            ToolOption("coalesce", ["--coalesce"], help: "debounced background sync", requires: "sync", hidden: true),
            // The peer side of an exchange, run over ssh by the syncing host.
            ToolOption("exchange", ["--exchange"], .text("SENDER"), help: "answer a peer's exchange", hidden: true),
            ToolOption("authorize-peer", ["--authorize-peer"], .text("ALIAS=PUBKEY-FILE"),
                       help: "let ALIAS's ssh key (its .pub file) only sync and deliver here: a restricted authorized_keys line",
                       summary: "install a restricted mesh key", terminal: true),
            ToolOption("revoke-peer", ["--revoke-peer"], .text("ALIAS"), help: "remove ALIAS's restricted key line",
                       summary: "remove a restricted mesh key", terminal: true),
        ],
        footer: """
        SETTINGS: ~/.agents/config.toml [sync] connect_timeout (\(defaults.connectTimeoutSeconds) s), \
        control_persist (\(defaults.controlPersistSeconds) s),
        stale_drop_after ("\(duration(defaults.staleDropAfterSeconds))"), timeout (\(defaults.timeoutSeconds) s), \
        debounce_ms (\(defaults.debounceMilliseconds)); see the README.

        EXIT STATUS: 0 done (also when some peers were unreachable); 1 usage; 4 tmux or file failure.
        """)

    private static var defaults: SyncSettings { SyncSettings() }

    /// Seconds as the config file writes them: "7d", "36h", "90m" or "45".
    static func duration(_ seconds: Int) -> String {
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)"
    }
}
