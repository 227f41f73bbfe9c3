/// Bad command-line input: a one-line message; the tool maps it to its usage exit code.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A tiny argument scanner: flags, options with values (`--role X` or `--role=X`), and
/// positionals; `--` ends options. Enough for three small tools, no dependency.
public struct ArgumentScanner {
    private var remaining: [String]
    public private(set) var positionals: [String] = []

    public init(_ arguments: [String]) { remaining = arguments }

    /// Returns the next option name (`--x`, `-q`) or nil at the end; positionals are collected.
    /// `valueOptions` names options that take a value; `next()` returns them with the value.
    public mutating func next(valueOptions: Set<String>) throws(UsageError) -> (name: String, value: String?)? {
        while let arg = remaining.first {
            remaining.removeFirst()
            if arg == "--" {
                positionals += remaining
                remaining = []
                return nil
            }
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                let name = String(arg[..<eq])
                guard valueOptions.contains(name) else { throw UsageError("option \(name) takes no value") }
                return (name, String(arg[arg.index(after: eq)...]))
            }
            if arg.count > 1 && arg.hasPrefix("-") {
                if valueOptions.contains(arg) {
                    guard let value = remaining.first else { throw UsageError("option \(arg) needs a value") }
                    remaining.removeFirst()
                    return (arg, value)
                }
                return (arg, nil)
            }
            positionals.append(arg)
        }
        return nil
    }
}
