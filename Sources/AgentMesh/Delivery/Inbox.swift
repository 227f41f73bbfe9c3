@preconcurrency import Glibc

/// The recipient host's inbox, `~/.agent-inbox/<sender>/<name>`: files dropped with `--file`
/// and bodies too long or multi-line to type.
///
/// Policy:
/// - Folders are created 0700, files 0600: messages are private to the recipient's user.
/// - Sender and file names pass through `InboxName.sanitize`, so nothing escapes the inbox.
/// - Written byte-exact: a temp file in the target folder (`O_EXCL`), `fsync`, then `link(2)`
///   to the final name, which fails rather than replace an existing file. An existing file
///   with *different* bytes is never overwritten: the next free `name.1.ext`, `name.2.ext`, …
///   is used. One with *identical* bytes is reused (sending the same file twice is one file).
/// - Works from bytes (messages, remote receive) or streams from a path (large files).
public struct Inbox {
    public let paths: MeshPaths

    public init(paths: MeshPaths) { self.paths = paths }

    /// Where a drop landed.
    public struct Drop: Equatable, Sendable {
        /// Absolute path.
        public var path: String
        /// `~/.agent-inbox/<sender>/<name>`, as told to the recipient.
        public var displayPath: String
        public var size: Int
        /// True when an identical existing file was reused.
        public var reused: Bool
    }

    /// Saves `bytes` as `<name>` (sanitised) in the sender's folder.
    public func drop(sender: String, name: String, bytes: [UInt8]) throws(SystemError) -> Drop {
        let folder = try senderFolder(sender)
        let tmp = try writeTemp(in: folder) { fd, path throws(SystemError) in try FileSystem.writeAll(fd, bytes, path: path) }
        return try publish(tmp, folder: folder, name: InboxName.sanitize(name, fallback: "file"), sender: sender)
    }

    /// Copies the file at `source` (streamed) as its sanitised base name, or `name` if given.
    public func drop(sender: String, copying source: String, name: String? = nil) throws(SystemError) -> Drop {
        let input = retryingEINTR { open(source, O_RDONLY | O_CLOEXEC) }
        if input < 0 { throw SystemError("open", path: source) }
        defer { close(input) }
        let folder = try senderFolder(sender)
        let tmp = try writeTemp(in: folder) { fd, path throws(SystemError) in
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { b in retryingEINTR { read(input, b.baseAddress, b.count) } }
                if n < 0 { throw SystemError("read", path: source) }
                if n == 0 { break }
                try FileSystem.writeAll(fd, Array(chunk[0..<n]), path: path)
            }
        }
        let base = InboxName.sanitize(name ?? FileSystem.baseName(source), fallback: "file")
        return try publish(tmp, folder: folder, name: base, sender: sender)
    }

    /// Saves a long or multi-line message body as `msg-<YYYYMMDDTHHMMSSZ>-<n>.txt`.
    public func saveMessage(sender: String, bytes: [UInt8], time: Int = WallClock.now()) throws(SystemError) -> Drop {
        let stamp = WallClock.iso8601(time).filter { $0 != "-" && $0 != ":" }
        return try drop(sender: sender, name: "msg-\(stamp)-0.txt", bytes: bytes)
    }

    /// A reply whose asker stopped waiting: `reply-<id>.txt` in the sender's folder.
    @discardableResult
    public func saveReply(sender: String, id: String, text: String) throws(SystemError) -> Drop {
        try drop(sender: sender, name: "reply-\(id).txt", bytes: Array((text + "\n").utf8))
    }

    // MARK: - Internals

    /// A sender's folder: its absolute path and its (sanitised) name, as shown in display paths.
    struct Folder {
        var path: String
        var name: String
    }

    func senderFolder(_ sender: String) throws(SystemError) -> Folder {
        let name = InboxName.sanitize(sender, fallback: "unknown")
        let path = "\(paths.inbox)/\(name)"
        try paths.ensureFolder(paths.inbox, mode: 0o700)
        try paths.ensureFolder(path, mode: 0o700)
        return Folder(path: path, name: name)
    }

    func writeTemp(in folder: Folder,
                   _ fill: (Int32, String) throws(SystemError) -> Void) throws(SystemError) -> String {
        var g = SystemRandomNumberGenerator()
        let tmp = "\(folder.path)/.incoming.\(getpid()).\(String(g.next() & 0xffff_ffff, radix: 16))"
        let fd = retryingEINTR { open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        if fd < 0 { throw SystemError("open", path: tmp) }
        do throws(SystemError) {
            try fill(fd, tmp)
            _ = fchmod(fd, 0o600)
            if retryingEINTR({ fsync(fd) }) != 0 { throw SystemError("fsync", path: tmp) }
            close(fd)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        return tmp
    }

    /// Links the temp file to the first free (or identical) candidate name, then removes it.
    func publish(_ tmp: String, folder: Folder, name: String,
                 sender: String) throws(SystemError) -> Drop {
        defer { unlink(tmp) }
        let size = FileSystem.size(tmp) ?? 0
        let counterName = name.hasPrefix("msg-") && name.hasSuffix("-0.txt")
        for n in 0..<10_000 {
            let candidate: String
            if counterName {
                candidate = String(name.dropLast(6)) + "-\(n + 1).txt"
            } else {
                candidate = InboxName.withSuffix(name, n)
            }
            let path = "\(folder.path)/\(candidate)"
            let drop = Drop(path: path, displayPath: "~/.agent-inbox/\(folder.name)/\(candidate)", size: size, reused: false)
            if link(tmp, path) == 0 {
                let dfd = retryingEINTR { open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
                if dfd >= 0 { _ = fsync(dfd); close(dfd) }
                return drop
            }
            let e = errno
            if e != EEXIST { throw SystemError("link", path: path, errno: e) }
            if Inbox.sameContents(tmp, path) {
                var reused = drop
                reused.reused = true
                return reused
            }
        }
        throw SystemError("link", path: "\(folder.path)/\(name)", errno: EEXIST)
    }

    /// True when both paths are regular files with the same bytes.
    static func sameContents(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard lstat(a, &sa) == 0, lstat(b, &sb) == 0, (sb.st_mode & S_IFMT) == S_IFREG,
              sa.st_size == sb.st_size else { return false }
        guard let x = try? FileSystem.read(a), let y = try? FileSystem.read(b) else { return false }
        return x == y
    }
}

/// Inbox file and folder names that cannot escape `~/.agent-inbox` or surprise a shell.
///
/// Rule: keep the last path component; keep ASCII letters, digits and `. _ - + = , @`, and
/// non-ASCII letters and digits; every other character (`/`, `\`, spaces, quotes, control
/// and format characters such as bidi overrides) becomes `_`; strip leading `.` and `-` (no
/// hidden files, `..`, or names a command would read as options); cap at 200 UTF-8 bytes,
/// keeping the extension; an empty result becomes `fallback`.
public enum InboxName {
    public static let maximumBytes = 200

    public static func sanitize(_ raw: String, fallback: String) -> String {
        let last = raw.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        var scalars = String.UnicodeScalarView()
        for s in last.unicodeScalars {
            if s.isASCII {
                let keep = (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9")
                    || ".-_+=,@".unicodeScalars.contains(s)
                scalars.append(keep ? s : "_")
            } else {
                let p = s.properties
                let keep = (p.isAlphabetic || p.numericType != nil) && p.generalCategory != .format
                scalars.append(keep ? s : "_")
            }
        }
        var name = Substring(String(scalars))
        while let first = name.first, first == "." || first == "-" { name = name.dropFirst() }
        var result = String(name)
        if result.utf8.count > maximumBytes {
            let (stem, ext) = split(result)
            var cut = Substring(stem)
            while cut.utf8.count + ext.utf8.count > maximumBytes, !cut.isEmpty { cut = cut.dropLast() }
            result = String(cut) + ext
        }
        return result.isEmpty ? fallback : result
    }

    /// `name` for n = 0, else `stem.n.ext` (`report.md` → `report.1.md`, `Makefile` → `Makefile.1`).
    public static func withSuffix(_ name: String, _ n: Int) -> String {
        guard n > 0 else { return name }
        let (stem, ext) = split(name)
        return "\(stem).\(n)\(ext)"
    }

    /// (`stem`, `.ext`) split at the last dot that is not the first character.
    static func split(_ name: String) -> (String, String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
        return (String(name[..<dot]), String(name[dot...]))
    }
}
