/// The version every tool prints with `--version`.
public enum AgentMeshVersion {
    public static let string = "0.1.0"
}
