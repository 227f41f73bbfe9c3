@testable import AgentMesh
import Foundation
import Testing

/// Runs the parser over the toml-test corpus (TOML 1.0.0 file list). Every invalid file must be
/// rejected; every valid file must decode exactly as its `.json` says or be rejected as
/// unsupported. A valid file called invalid, or decoded differently, is a failure.
@Suite("TOML conformance with the toml-test corpus")
struct TOMLConformanceTests {
    @Test("toml-test 1.0.0: valid files decode exactly or are unsupported, invalid files are rejected")
    func corpus() throws {
        guard let dir = TOMLTestSupport.corpusDirectory() else {
            print("skipping: toml-test corpus not found (set TOML_TEST_DIR or place it at ../shared/toml-test)")
            return
        }
        let list = try #require(TOMLTestSupport.readBytes(dir + "/files-toml-1.0.0"))
        let files = String(decoding: list, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { $0.hasSuffix(".toml") }
        var decoded = 0, unsupported = 0, validTotal = 0
        var rejected = 0, invalidTotal = 0
        var rejectedAsUnsupported: [String] = []
        var failures: [String] = []
        var unsupportedReasons: [String: Int] = [:]
        for file in files {
            guard let bytes = TOMLTestSupport.readBytes(dir + "/" + file) else {
                failures.append("\(file): unreadable"); continue
            }
            if file.hasPrefix("invalid/") {
                invalidTotal += 1
                do {
                    let table = try TOML.parse(bytes: bytes)
                    failures.append("\(file): accepted invalid file as \(Tagged(table))")
                } catch {
                    rejected += 1
                    if error.isUnsupported { rejectedAsUnsupported.append("\(file) (\(error))") }
                }
            } else if file.hasPrefix("valid/") {
                validTotal += 1
                let jsonPath = dir + "/" + file.dropLast(".toml".count) + ".json"
                guard let expected = TOMLTestSupport.readBytes(jsonPath).flatMap(Tagged.init(jsonBytes:)) else {
                    failures.append("\(file): unreadable expectation \(jsonPath)"); continue
                }
                do {
                    let got = Tagged(try TOML.parse(bytes: bytes))
                    if got == expected {
                        decoded += 1
                    } else {
                        failures.append("\(file): decoded \(got), expected \(expected)")
                    }
                } catch where error.isUnsupported {
                    unsupported += 1
                    unsupportedReasons[error.reason, default: 0] += 1
                } catch {
                    failures.append("\(file): valid file rejected: \(error)")
                }
            }
        }
        print("toml-test 1.0.0: valid \(decoded) decoded, \(unsupported) unsupported (of \(validTotal)); "
              + "invalid \(rejected)/\(invalidTotal) rejected")
        // Informational: invalid files whose first problem is an unsupported feature (fine:
        // they are rejected, but a malformed float or date should show up as invalid instead).
        print("invalid files rejected as unsupported: \(rejectedAsUnsupported.count)\n  "
              + rejectedAsUnsupported.joined(separator: "\n  "))
        print("unsupported by feature: "
              + unsupportedReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        #expect(validTotal > 0 && invalidTotal > 0)
        #expect(failures.isEmpty, "\(failures.count) failing files:\n\(failures.joined(separator: "\n"))")
    }
}
