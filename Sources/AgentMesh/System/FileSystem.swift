@preconcurrency import Glibc

/// Whole-file reads, atomic writes and directories, each a thin wrapper over system calls.
///
/// Policy for writes: temp file in the same folder (`O_EXCL`, the mode asked for), write all,
/// `fsync`, `rename` over the target, `fsync` the folder. A reader sees the old file or the
/// new one, never half of either. Callers that read-modify-write hold a `FileLock` around it.
public enum FileSystem {
    /// The file's bytes; nil when it does not exist; throws on other errors.
    public static func read(_ path: String) throws(SystemError) -> [UInt8]? {
        let fd = retryingEINTR { open(path, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw SystemError("open", path: path)
        }
        defer { close(fd) }
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        return try readToEnd(fd, path: path, sizeHint: size)
    }

    /// Reads `fd` to its end into one buffer sized from `sizeHint` (grown if the file grew):
    /// no per-chunk copies, which cost more than the read itself for a log's 64 KB.
    static func readToEnd(_ fd: Int32, path: String, sizeHint: Int) throws(SystemError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: max(sizeHint, 0) + 4_096)
        var filled = 0
        while true {
            if filled == result.count { result += [UInt8](repeating: 0, count: result.count) }
            let n = result.withUnsafeMutableBytes { buf in
                retryingEINTR { Glibc.read(fd, buf.baseAddress! + filled, buf.count - filled) }
            }
            if n < 0 { throw SystemError("read", path: path) }
            if n == 0 { break }
            filled += n
        }
        result.removeLast(result.count - filled)
        return result
    }

    /// At most the last `maxBytes` of a file (a log's recent records); nil when missing.
    public static func readTail(_ path: String, maxBytes: Int) throws(SystemError) -> [UInt8]? {
        let fd = retryingEINTR { open(path, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw SystemError("open", path: path)
        }
        defer { close(fd) }
        let end = lseek(fd, 0, SEEK_END)
        let start = max(0, end - off_t(maxBytes))
        guard end >= 0, lseek(fd, start, SEEK_SET) >= 0 else { throw SystemError("lseek", path: path) }
        var bytes = try readToEnd(fd, path: path, sizeHint: Int(end - start))
        // A file that grew while it was read still gives at most `maxBytes`, its newest.
        if bytes.count > maxBytes { bytes.removeFirst(bytes.count - maxBytes) }
        return bytes
    }

    /// The file as UTF-8 text (invalid bytes become U+FFFD); nil when missing.
    public static func readText(_ path: String) throws(SystemError) -> String? {
        guard let bytes = try read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces `path` atomically with `bytes`, created with `mode`.
    ///
    /// `syncDirectory` also `fsync`s the folder so the rename itself survives a power cut.
    /// Registry files skip it (hooks write them on every tmux event, and the next hook rebuilds
    /// them from live state); files people hand over (the inbox) use it.
    /// `syncFile: false` skips the file's fsync too (records on a send's hot path, where an
    /// fsync costs more than the send: atomic for readers and across crashes of processes,
    /// not across a power cut).
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644,
                                       syncDirectory: Bool = false, syncFile: Bool = true) throws(SystemError) {
        let dir = directory(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        var fd: Int32 = -1
        var tmp = ""
        for attempt in 0..<100 {
            tmp = "\(dir)/.\(base).tmp.\(getpid()).\(attempt)"
            fd = retryingEINTR { open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
            if fd >= 0 || errno != EEXIST { break }
        }
        if fd < 0 { throw SystemError("open", path: tmp) }
        do throws(SystemError) {
            try writeAll(fd, bytes, path: tmp)
            _ = fchmod(fd, mode)   // exactly the mode asked for, whatever the umask
            if syncFile, retryingEINTR({ fsync(fd) }) != 0 { throw SystemError("fsync", path: tmp) }
            close(fd); fd = -1
            if rename(tmp, path) != 0 { throw SystemError("rename", path: path) }
        } catch {
            if fd >= 0 { close(fd) }
            unlink(tmp)
            throw error
        }
        if syncDirectory {
            let dfd = retryingEINTR { open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if dfd >= 0 { _ = fsync(dfd); close(dfd) }
        }
    }

    /// Publishes a temp file another program wrote (`age --output`): sets `mode`, fsyncs it,
    /// and renames it over `path` — the end of `writeAtomically` for bytes not in memory.
    public static func publish(_ temp: String, as path: String, mode: mode_t = 0o644) throws(SystemError) {
        let fd = retryingEINTR { open(temp, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { throw SystemError("open", path: temp) }
        _ = fchmod(fd, mode)
        let synced = retryingEINTR({ fsync(fd) }) == 0
        close(fd)
        if !synced { throw SystemError("fsync", path: temp) }
        if rename(temp, path) != 0 { throw SystemError("rename", path: path) }
    }

    public static func writeAtomically(_ path: String, text: String, mode: mode_t = 0o644,
                                       syncDirectory: Bool = false) throws(SystemError) {
        try writeAtomically(path, Array(text.utf8), mode: mode, syncDirectory: syncDirectory)
    }

    /// Writes every byte, resuming after short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { buf in
                retryingEINTR { write(fd, buf.baseAddress, buf.count) }
            }
            if n < 0 { throw SystemError("write", path: path) }
            offset += n
        }
    }

    /// Appends one record with a single `write(2)` on an `O_APPEND` fd (audit logs):
    /// concurrent appenders never interleave within a record.
    public static func append(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(SystemError) {
        let fd = retryingEINTR { open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode) }
        if fd < 0 { throw SystemError("open", path: path) }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
    }

    /// `mkdir -p` with `mode` for the folders it creates.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(SystemError) {
        if isDirectory(path) { return }
        let parent = directory(of: path)
        if parent != path && !parent.isEmpty && !isDirectory(parent) {
            try makeDirectories(parent, mode: mode)
        }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw SystemError("mkdir", path: path) }
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Size in bytes; nil when missing.
    public static func size(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    /// The owner's uid; nil when missing.
    public static func owner(_ path: String) -> uid_t? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return st.st_uid
    }

    /// Modification time in epoch seconds; nil when missing.
    public static func modificationTime(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_mtim.tv_sec)
    }

    /// The names in a folder (no `.`/`..`), sorted; empty when it does not exist.
    public static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public static func remove(_ path: String) { unlink(path) }

    /// The target of the symbolic link at `path` (`readlink(2)`), or nil.
    public static func linkTarget(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlink(path, $0, b.count - 1) }
        }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    /// The folder part of a path (`.` for a bare name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of a path.
    public static func baseName(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed.split(separator: "/").last.map(String.init) ?? String(trimmed)
    }
}
