import AgentMesh
import Glibc

// All logic lives in the library (NotifyPaneTool); this only hands it argv.
exit(NotifyPaneTool.main(CommandLine.arguments))
