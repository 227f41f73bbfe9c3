@testable import AgentMesh
import Foundation
import Testing

/// The receiving host's journal makes a retry safe: one message id is typed at most once,
/// whatever route delivers it how often.
@Suite("Exactly once: the receiving journal", .serialized)
struct JournalTests {
    @Test("a second delivery of an id already typed is not typed again and reports delivered")
    func retryIsTypedOnce() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        let paths = MeshPaths(home: mesh.home)
        // The entry names its tmux socket, so no environment is needed to reach the pane.
        let entry = try #require(RegistryStore(paths: paths).readLocal(defaultHost: "testhost").slice?.entries.first)
        #expect(entry.socket == mesh.socketPath)
        let id = MessageID.make()
        let options = SendOptions(enterDelayMilliseconds: 0)
        let first = LocalDelivery.type("once only", to: entry, sender: "tester", time: 0, options: options, paths: paths, id: id)
        #expect(first.outcome.status == .delivered, "\(first.outcome)")
        let second = LocalDelivery.type("once only", to: entry, sender: "tester", time: 0, options: options, paths: paths, id: id)
        #expect(second.outcome.status == .delivered && second.outcome.detail.contains("not typed again"), "\(second.outcome)")
        MonotonicClock.sleep(milliseconds: 300)
        let typed = String(decoding: mesh.waitForFile(out), as: UTF8.self)
        #expect(typed == "[from tester @ 1970-01-01T00:00:00Z] [id:\(id)] once only\r")
        #expect(Journal(paths: paths).record(id) == .done("delivered"))
    }

    @Test("a delivery that stopped after it began typing is never retyped: unknown (exit 5)")
    func interruptedIsUnknown() throws {
        guard Package.require() else { return }
        let (mesh, _, out) = try DeliveryTests().recorder()
        defer { mesh.close() }
        let paths = MeshPaths(home: mesh.home)
        let entry = try #require(RegistryStore(paths: paths).readLocal(defaultHost: "testhost").slice?.entries.first)
        let id = MessageID.make()
        // As a process killed between the claim and its outcome leaves it.
        #expect(try Journal(paths: paths).claim(id))
        let r = LocalDelivery.type("maybe typed", to: entry, sender: "tester", time: 0,
                                   options: SendOptions(enterDelayMilliseconds: 0), paths: paths, id: id)
        #expect(r.outcome.status == .unknown && NotifyExitCode.for(r.outcome.status) == .notSubmitted, "\(r.outcome)")
        MonotonicClock.sleep(milliseconds: 300)
        #expect(((try? FileSystem.read(out)) ?? []).isEmpty)
    }
}
