@testable import AgentMesh
import Testing
@Suite struct Placeholder { @Test("builds") func builds() { #expect(ShellQuote.quote("a b") == "'a b'") } }
