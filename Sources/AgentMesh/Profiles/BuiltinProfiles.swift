/// The agent profiles that ship with agent-mesh: the data file
/// `Sources/AgentMesh/Profiles/agent-profiles.toml`, compiled into the binaries as bytes
/// (SwiftPM's `embedInCode`, so no resource bundle and no Foundation) and installed by
/// install.sh as `~/.local/share/agent-mesh/agent-profiles.toml` for people to read and
/// copy from. `~/.agents/agent-profiles.toml` overrides it (`ProfileSet`); the format is
/// described at the top of the file, which `notify-pane --profiles` prints.
///
/// Policy: a change of what an agent's screen means is an edit of that file (or of the
/// user's override), never of code. Facts behind each rule: Tests/Fixtures/screens
/// (captures of the real programs).
public enum BuiltinProfiles {
    /// The shipped file's text.
    public static var text: String { String(decoding: PackageResources.agent_profiles_toml, as: UTF8.self) }
}
