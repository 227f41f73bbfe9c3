// swift-tools-version:6.0
import PackageDescription

/// agent-mesh: three thin executables over one library. No dependencies by design:
/// the standard library, Glibc and a tiny C shim. Full Foundation (ICU) must stay out of
/// the binaries (a test checks `ldd`), because hooks and senders pay its start-up cost.
let package = Package(
    name: "agent-mesh",
    products: [
        .executable(name: "notify-pane", targets: ["notify-pane"]),
        .executable(name: "agent-register-hook", targets: ["agent-register-hook"]),
        .executable(name: "agent-discover", targets: ["agent-discover"]),
    ],
    targets: [
        .target(name: "CShims"),
        // The agent profiles are a data file compiled in as bytes (no resource bundle, no
        // Foundation): Sources/AgentMesh/Profiles/agent-profiles.toml.
        .target(name: "AgentMesh", dependencies: ["CShims"],
                resources: [.embedInCode("Profiles/agent-profiles.toml")]),
        .executableTarget(name: "notify-pane", dependencies: ["AgentMesh"]),
        .executableTarget(name: "agent-register-hook", dependencies: ["AgentMesh"]),
        .executableTarget(name: "agent-discover", dependencies: ["AgentMesh"]),
        .testTarget(name: "AgentMeshTests", dependencies: ["AgentMesh"]),
        .testTarget(name: "IntegrationTests", dependencies: ["AgentMesh"]),
    ],
    swiftLanguageModes: [.v6]
)
