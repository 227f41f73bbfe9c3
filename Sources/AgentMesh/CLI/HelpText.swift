/// Renders a tool's `--help` from its `OptionTable`.
///
/// Policy: the layout is the same for the three tools — synopsis, prose, an OPTIONS list in
/// table order (hidden rows left out), the environment, then the footer — and a help text
/// keeps the line breaks written in the table: continuation lines are indented to the text
/// column, never re-wrapped, so what the table shows is what the user reads.
public enum HelpText {
    public static func render(_ table: OptionTable) -> String {
        var lines: [String] = []
        for (i, synopsis) in table.usage.enumerated() {
            lines.append((i == 0 ? "USAGE: " : "       ") + synopsis)
        }
        lines.append("")
        lines.append(table.about)
        lines.append("")
        lines.append("OPTIONS:")
        // Long-only options line up with the long names of those that also have a short one.
        let indentLong = table.visible.contains { !$0.isOperand && !$0.names[0].hasPrefix("--") }
        let rows = table.visible.map { option in
            ((indentLong && !option.isOperand && option.names[0].hasPrefix("--") ? "    " : "") + label(for: option),
             text(for: option))
        }
        lines += columns(rows, minimumWidth: 15)
        if !table.environment.isEmpty {
            lines.append("")
            lines.append("ENVIRONMENT:")
            lines += columns(table.environment.map { ($0.name, $0.help) }, minimumWidth: 15, gap: 3)
        }
        if !table.footer.isEmpty {
            lines.append("")
            lines.append(table.footer)
        }
        return lines.joined(separator: "\n")
    }

    /// `-f, --file <path>`: every spelling, then the placeholder.
    static func label(for option: ToolOption) -> String {
        var label = option.names.joined(separator: ", ")
        if let placeholder = option.argument.placeholder { label += " " + placeholder }
        return label
    }

    static func text(for option: ToolOption) -> String {
        guard let variable = option.environment else { return option.help }
        return option.help + " (or \(variable))"
    }

    /// Two columns, two spaces in, the text column after the widest label plus `gap`.
    static func columns(_ rows: [(String, String)], minimumWidth: Int, gap: Int = 2) -> [String] {
        let column = max(minimumWidth, (rows.map { $0.0.count }.max() ?? 0) + gap)
        var lines: [String] = []
        for (label, text) in rows {
            let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
            let pad = String(repeating: " ", count: column - label.count)
            lines.append("  " + label + pad + parts[0])
            for more in parts.dropFirst() {
                lines.append("  " + String(repeating: " ", count: column) + more)
            }
        }
        return lines
    }
}
