@preconcurrency import Glibc

/// A tmux client that talks to the server over its socket directly, instead of starting a
/// `tmux` process for every command.
///
/// Why: a `tmux` client process costs ~2 ms (exec, dynamic loading, locale), the server's
/// work for our commands ~0.1 ms; a delivery makes three calls. Speaking the protocol saves
/// most of that.
///
/// Protocol (tmux ≥ 3.2, protocol version 8, the same messages tmux's own client sends):
/// imsg framing (16-byte header: type, length, flags, peer id = protocol version, pid); the
/// identify messages (flags with UTF-8, no terminal, cwd, pid, done); `MSG_COMMAND` with the
/// packed argv; then the server asks for stdin (`MSG_READ_OPEN` → `MSG_READ` + `MSG_READ_DONE`,
/// for `load-buffer -`), writes stdout/stderr (`MSG_WRITE_OPEN` → `MSG_WRITE_READY`, then
/// `MSG_WRITE`), and ends with `MSG_EXIT` carrying the exit status.
///
/// Policy: the server parses the argv exactly as for the `tmux` command, so behaviour is the
/// same. `run` returns nil — the caller then runs the `tmux` binary — only when the command
/// cannot have run: the socket did not accept a connection or the messages, or the server
/// answered with a protocol version mismatch (it then drops the client's messages). Any
/// other failure, including silence until the deadline, is a result (exit 1, the reason on
/// stderr), never a retry, so a paste can never happen twice. The client's working folder
/// is sent as `/` and no environment or terminal is sent: the commands used here need none.
public enum TmuxWire {
    static let protocolVersion: UInt32 = 8
    static let maximumMessage = 16_384
    static let headerSize = 16
    static let clientUTF8: Int32 = 0x10000

    enum Message: UInt32 {
        case version = 12
        case identifyFlags = 100, identifyTerm = 101, identifyTTYName = 102, identifyDone = 106
        case identifyClientPID = 107, identifyCWD = 108, identifyFeatures = 109
        case command = 200, exit = 203, exited = 204, exiting = 205, shutdown = 209
        case readOpen = 300, read = 301, readDone = 302, writeOpen = 303, write = 304
        case writeReady = 305, writeClose = 306
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        public var timedOut: Bool
    }

    /// Runs `arguments` (a tmux command line without the program name and socket options)
    /// on the server at `socket`, with `input` as the client's stdin.
    public static func run(socket: String, arguments: [String], input: [UInt8],
                           timeoutMilliseconds: Int) -> Result? {
        let deadline = MonotonicClock.milliseconds() + timeoutMilliseconds
        var packedArgv: [UInt8] = []
        for a in arguments { packedArgv += Array(a.utf8) + [0] }
        guard headerSize + 4 + packedArgv.count <= maximumMessage, socket.utf8.count < 108 else { return nil }
        let fd = socketConnect(socket)
        guard fd >= 0 else { return nil }
        defer { close(fd) }

        var out: [UInt8] = []
        out += message(.identifyFlags, int32(clientUTF8))
        out += message(.identifyTerm, [0])
        out += message(.identifyFeatures, int32(0))
        out += message(.identifyTTYName, [0])
        out += message(.identifyCWD, Array("/".utf8) + [0])
        out += message(.identifyClientPID, int32(getpid()))
        out += message(.identifyDone, [])
        out += message(.command, int32(Int32(arguments.count)) + packedArgv)
        guard writeAll(fd, out, deadline: deadline) else { return nil }

        var reader = ServerReader(input: input)
        // From here on the command may have run: only a version refusal (the server drops
        // every message of a client speaking another protocol) still returns nil.
        while true {
            guard let chunk = readSome(fd, deadline: deadline) else {
                var result = reader.result
                result.timedOut = MonotonicClock.milliseconds() >= deadline
                result.stderr += Array((result.timedOut ? "tmux timed out\n" : "lost the tmux server\n").utf8)
                result.status = 1
                return result
            }
            switch reader.consume(chunk, send: { writeAll(fd, $0, deadline: deadline) }) {
            case .needMore: continue
            case .finished(let result): return result
            case .versionMismatch: return nil
            }
        }
    }

    static func failed(_ r: Result) -> Result {
        var copy = r
        copy.status = 1
        return copy
    }

    // MARK: - Framing and I/O

    static func message(_ type: Message, _ data: [UInt8]) -> [UInt8] {
        let length = UInt16(headerSize + data.count)
        var m: [UInt8] = []
        m.reserveCapacity(Int(length))
        m += withUnsafeBytes(of: type.rawValue.littleEndian, Array.init)
        m += withUnsafeBytes(of: length.littleEndian, Array.init)
        m += [0, 0]
        m += withUnsafeBytes(of: protocolVersion.littleEndian, Array.init)
        m += withUnsafeBytes(of: UInt32.max, Array.init)
        return m + data
    }

    static func int32(_ v: Int32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }

    static func socketConnect(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 { close(fd); return -1 }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], deadline: Int) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN, wait(fd, Int16(POLLOUT), deadline: deadline) { continue }
                return false
            }
            offset += n
        }
        return true
    }

    static func readSome(_ fd: Int32, deadline: Int) -> [UInt8]? {
        guard wait(fd, Int16(POLLIN), deadline: deadline) else { return nil }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            return n > 0 ? Array(chunk[0..<n]) : nil
        }
    }

    static func wait(_ fd: Int32, _ events: Int16, deadline: Int) -> Bool {
        while true {
            let left = deadline - MonotonicClock.milliseconds()
            if left <= 0 { return false }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, Int32(clamping: left))
            if rc < 0 && errno == EINTR { continue }
            return rc > 0
        }
    }
}

extension UInt32 {
    init(littleEndianBytes b: [UInt8], at i: Int) {
        self = UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
