/// One tool's command line as data: every option once, with its spellings, its argument,
/// its help text and how it combines with the others.
///
/// Policy: this table is the only place an option is spelled. The parsers look names up in
/// it, `HelpText` renders `--help` from it and `CompletionScript` writes the bash and zsh
/// completions from it, so adding an option is one row and the four can no longer drift.
/// The grammar around the options (notify-pane's "options stop at the first message word",
/// agent-register-hook's verbs) stays in each tool's parser, which is where it is explained.
public struct OptionTable: Sendable {
    public let tool: String
    /// Synopsis lines, without the leading "USAGE: ".
    public let usage: [String]
    /// Prose between the synopsis and the options.
    public let about: String
    public let options: [ToolOption]
    /// Positional words in order, for the completions (the last one may repeat).
    public let positionals: [Positional]
    /// Environment variables the tool reads that no option replaces.
    public let environment: [(name: String, help: String)]
    /// Prose after the options and the environment (exit codes, settings).
    public let footer: String

    public init(tool: String, usage: [String], about: String, options: [ToolOption],
                positionals: [Positional] = [], environment: [(name: String, help: String)] = [],
                footer: String = "") {
        self.tool = tool
        self.usage = usage
        self.about = about
        self.options = options
        self.positionals = positionals
        self.environment = environment
        self.footer = footer
    }

    /// The option spelled `name` (an operand row such as `-` is not an option), or nil.
    public func option(named name: String) -> ToolOption? {
        options.first { !$0.isOperand && $0.names.contains(name) }
    }

    public func option(id: String) -> ToolOption? { options.first { $0.id == id } }

    /// Every spelling of the options that take a value (for `ArgumentScanner`).
    public var valueNames: Set<String> {
        Set(options.filter { !$0.isOperand && $0.argument.takesValue }.flatMap(\.names))
    }

    /// The options shown in help and completions.
    public var visible: [ToolOption] { options.filter { !$0.isHidden } }

    /// The first pair among `given` (option ids) that the table declares exclusive, as the
    /// usage message "A and B exclude each other", or a missing companion as "A goes with B".
    public func conflict(among given: Set<String>) -> String? {
        for option in options where given.contains(option.id) {
            for other in option.excludes where given.contains(other) {
                return "\(option.longName) and \(self.option(id: other)?.longName ?? other) exclude each other"
            }
        }
        for option in options where given.contains(option.id) {
            if let needed = option.requires, !given.contains(needed) {
                return "\(option.longName) goes with \(self.option(id: needed)?.longName ?? needed)"
            }
        }
        return nil
    }
}

/// One row of an `OptionTable`.
public struct ToolOption: Sendable {
    /// What follows the option on the command line.
    public enum Argument: Equatable, Sendable {
        case none
        /// A file name: completed from the file system. The string is the help placeholder.
        case file(String)
        /// Free text (nothing to complete).
        case text(String)
        /// One of a few words, completed from them.
        case choice(String, [String])

        public var takesValue: Bool { self != .none }
        public var placeholder: String? {
            switch self {
            case .none: nil
            case .file(let p), .text(let p), .choice(let p, _): p
            }
        }
    }

    /// A stable key the parsers switch on.
    public let id: String
    /// Short spellings first (`-q`), then long ones (`--quiet`).
    public let names: [String]
    public let argument: Argument
    /// The help text; `HelpText` wraps it.
    public let help: String
    /// A few words for zsh's menu; the help text when nil.
    public let summary: String?
    /// It answers by itself (help, version, a listing): no address, no message, nothing else.
    public let isTerminal: Bool
    /// Ids of options (or "positionals") it makes pointless or contradicts.
    public let excludes: [String]
    /// The id of an option it only works with.
    public let requires: String?
    /// An environment variable with the same effect, if any (named in the help).
    public let environment: String?
    /// Internal plumbing (run by another agent-mesh process): parsed, never shown.
    public let isHidden: Bool
    /// A word with a special meaning for the parser (`-`, `--`), listed in the help only.
    public let isOperand: Bool

    public init(_ id: String, _ names: [String], _ argument: Argument = .none, help: String,
                summary: String? = nil, terminal: Bool = false, excludes: [String] = [],
                requires: String? = nil, environment: String? = nil, hidden: Bool = false,
                operand: Bool = false) {
        self.id = id
        self.names = names
        self.argument = argument
        self.help = help
        self.summary = summary
        self.isTerminal = terminal
        self.excludes = excludes
        self.requires = requires
        self.environment = environment
        self.isHidden = hidden
        self.isOperand = operand
    }

    /// The spelling used in messages: the first long name, else the first name.
    public var longName: String { names.first { $0.hasPrefix("--") } ?? names[0] }
}

/// A positional word, for the completions.
public struct Positional: Sendable {
    public enum Completion: Sendable {
        /// Nothing to offer (free text).
        case none
        /// The registered addresses, from `notify-pane --list` at completion time.
        case addresses
        /// One of these words.
        case words([String])
    }

    public let name: String
    public let completion: Completion
    /// This and every later word (a message).
    public let repeats: Bool

    public init(_ name: String, _ completion: Completion = .none, repeats: Bool = false) {
        self.name = name
        self.completion = completion
        self.repeats = repeats
    }
}
