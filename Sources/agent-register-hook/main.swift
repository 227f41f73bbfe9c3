import AgentMesh
import Glibc

// tmux hooks call this on every session and window event; all logic lives in the library.
exit(RegisterHookTool.main(CommandLine.arguments))
