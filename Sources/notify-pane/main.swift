import AgentMesh
Output.out("stub\n")
