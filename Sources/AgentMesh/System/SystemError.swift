import Glibc

/// A failed system call: which call, on what, and `errno`. Its description is one line a
/// user can act on ("open /home/a/.agents/local.toml: Permission denied").
public struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
    public let call: String
    public let path: String?
    public let errno: Int32

    public init(_ call: String, path: String? = nil, errno: Int32 = Glibc.errno) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        if let path { return "\(call) \(path): \(reason)" }
        return "\(call): \(reason)"
    }
}

/// Repeats a system call while it fails with `EINTR`; returns its result.
@inline(__always)
func retryingEINTR<T: BinaryInteger>(_ body: () -> T) -> T {
    while true {
        let result = body()
        if result == -1 && errno == EINTR { continue }
        return result
    }
}
