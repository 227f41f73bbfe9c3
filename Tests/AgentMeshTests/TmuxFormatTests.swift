@testable import AgentMesh
import Testing

/// tmux 3.4/3.5a print `-F` output through vis(3); the others print it raw. These tests feed
/// the parsers what each family prints for the same hostile names (as seen from the real
/// builds; the integration suites run the same names against every tmux in CI).
@Suite("TmuxFormat: one reading of format output on every tmux")
struct TmuxFormatTests {
    @Test("text fields ask tmux to double backslashes; plain ones do not")
    func formats() {
        #expect(TmuxFormat.text("window_name") == #"#{s/[\\]/\\\\/:window_name}"#)
        #expect(TmuxFormat.plain("pane_id") == "#{pane_id}")
    }

    @Test("decode undoes backslash doubling and every vis(3) escape tmux uses")
    func decode() {
        #expect(TmuxFormat.decode(#"a\\nb"#) == #"a\nb"#)          // the text backslash-n, doubled
        #expect(TmuxFormat.decode(#"a\nb"#) == "a\nb")              // vis: a newline
        #expect(TmuxFormat.decode(#"d\036|"#) == "d\u{1e}|")        // vis: octal
        #expect(TmuxFormat.decode(#"\\036"#) == #"\036"#)           // the text \036
        #expect(TmuxFormat.decode(#"\a\r\t\b\v\f\s"#) == "\u{07}\r\t\u{08}\u{0b}\u{0c} ")
        #expect(TmuxFormat.decode(#"\303\251"#) == "é")             // octal bytes form UTF-8
        #expect(TmuxFormat.decode("é 日本 👨‍💻") == "é 日本 👨‍💻")
        #expect(TmuxFormat.decode(#"trailing\"#) == #"trailing\"#)
        #expect(TmuxFormat.decode(#"\q"#) == #"\q"#)
    }

    @Test("markers are printable and differ per call")
    func markers() {
        let a = TmuxFormat.randomMarker(), b = TmuxFormat.randomMarker()
        #expect(a != b && a.count == 14)
        #expect(a.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f })
    }

    @Test("a pane listing reads the same from a raw and a vis(3) printing tmux")
    func listingBothFamilies() {
        let listing = PaneListing(nonce: "AMtestnonce000")
        let R = "AMtestnonce000R", F = "AMtestnonce000F"
        func record(_ name: String) -> String {
            [R + "s\\\\x", "0", name, "@1", "%1", "1", "bash", "/root", "", "", "", "/tmp/s", "0"].joined(separator: F) + "\n"
        }
        // The name a\nb<TAB>c<LF>d<0x1e>|"q'é\\z as 3.3a prints it (backslashes doubled by the format) …
        let raw = record("a\\\\nb\tc\nd\u{1e}|\"q'é\\\\\\\\z")
        // … and as 3.4 prints it (same doubling, then vis: 0x1e as \036, tab and LF raw).
        let vis = record("a\\\\nb\tc\nd\\036|\"q'é\\\\\\\\z")
        let expected = "a\\nb\tc\nd\u{1e}|\"q'é\\\\z"
        for output in [raw, vis] {
            let records = listing.parse(output)
            #expect(records.count == 1)
            #expect(records.first?.windowName == expected)
            #expect(records.first?.sessionName == "s\\x")
        }
    }

    @Test("tmux versions compare by major and minor; unreadable ones count as newest")
    func versions() {
        #expect(TmuxVersion("3.2a") < TmuxVersion("3.3a"))
        #expect(!TmuxVersion("3.6a").pasteNeedsRawFlag && TmuxVersion("3.7c").pasteNeedsRawFlag)
        #expect(TmuxVersion("next-3.8").pasteNeedsRawFlag && TmuxVersion("master").pasteNeedsRawFlag)
        #expect(DeliveryCommands.paste("b", into: "%1", server: TmuxVersion("3.7c")) == ["paste-buffer", "-p", "-d", "-S", "-b", "b", "-t", "%1"])
        #expect(DeliveryCommands.paste("b", into: "%1", server: TmuxVersion("3.4")) == ["paste-buffer", "-p", "-d", "-b", "b", "-t", "%1"])
    }
}
