/// Finds the tmux binary a running server was started from, so the exec path runs a client
/// that speaks that server's protocol.
///
/// Why: clients and servers of different releases may not talk (3.6 changed the message
/// header, so a 3.3a–3.5a client is dropped by a 3.6+ server with "server exited
/// unexpectedly"). The `tmux` on PATH is not always the one that started the server.
///
/// How (Linux, no call to tmux): `/proc/net/unix` maps the socket path to the inode of the
/// listening socket; the process holding that inode open (`/proc/<pid>/fd/*` →
/// `socket:[inode]`) is the server; `/proc/<pid>/exe` is its binary. Only processes the
/// caller may inspect are searched (its own, or all as root). A binary replaced on disk
/// since (`… (deleted)`) or anything not found gives nil: the caller uses PATH.
public enum TmuxServerBinary {
    public static func find(socket: String) -> String? {
        guard let inode = listeningInode(socket: socket) else { return nil }
        let wanted = "socket:[\(inode)]"
        for pid in FileSystem.list("/proc") where pid.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            let fdDir = "/proc/\(pid)/fd"
            for fd in FileSystem.list(fdDir) where FileSystem.linkTarget("\(fdDir)/\(fd)") == wanted {
                guard let exe = FileSystem.linkTarget("/proc/\(pid)/exe"), !exe.hasSuffix(" (deleted)") else { return nil }
                return exe
            }
        }
        return nil
    }

    /// The inode of the listening unix socket bound to `socket`, from `/proc/net/unix`.
    static func listeningInode(socket: String) -> String? {
        guard let text = try? FileSystem.readText("/proc/net/unix") else { return nil }
        return listeningInode(socket: socket, table: text)
    }

    /// `Num RefCount Protocol Flags Type St Inode Path`; a listening socket has the
    /// `__SO_ACCEPTCON` flag (0x10000).
    static func listeningInode(socket: String, table: String) -> String? {
        for line in table.split(separator: "\n").dropFirst() {
            let f = line.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: true)
            guard f.count == 8, String(f[7]) == socket, let flags = Int(f[3], radix: 16), flags & 0x10000 != 0 else { continue }
            return String(f[6])
        }
        return nil
    }
}
