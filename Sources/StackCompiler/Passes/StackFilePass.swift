import YAML

/// Reads what the other passes put in `output.swarm`; writes `stack.yml`, the file for
/// `docker stack deploy -c stack.yml <name>`. Runs last.
struct StackFilePass: BuildPass {
    func run(_ stack: ResolvedStack, _ output: inout BuildOutput) {
        let header = output.headerLines + ["Deploy: docker stack deploy -c stack.yml \(stack.name)"]
        output.tree.add("stack.yml", YAMLEmitter.emit(output.swarm.yaml, header: header))
    }
}
