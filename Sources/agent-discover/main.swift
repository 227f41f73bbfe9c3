import AgentMesh
import Glibc

// Run by hand, by install.sh, and every 5 minutes by the systemd timer or cron.
exit(DiscoverTool.main(CommandLine.arguments))
