/// What the node scripts (`form-swarm.sh`, `setup-node.sh`, `join-nodes.sh`) share, spelt once:
/// the header, the table of nodes, and the shell functions that read it.
enum NodeScriptParts {
    /// The first lines: the interpreter and the generated-file header.
    static func opening(_ header: [String]) -> String {
        "#!/usr/bin/env bash\n" + header.map { "# " + $0 }.joined(separator: "\n")
    }

    /// The bash array `nodes`: one "name role address" per node, managers first.
    static func nodesArray(_ nodes: NodePlan) -> String {
        let rows = nodes.nodes.map { "  " + ShellQuoting.quote("\($0.name) \($0.role.rawValue) \($0.address)") }
        return "# The nodes: name, role, address.\nnodes=(\n" + rows.joined(separator: "\n") + "\n)"
    }

    /// `say`, `die` (with the script's name) and `describe NODE` (its role and address).
    static func functions(_ name: String) -> String {
        """
        say() { printf '\(name): %s\\n' "$*"; }
        die() {
          printf '\(name): %s\\n' "$*" >&2
          exit 1
        }

        # The role and address of node $1.
        describe() {
          local entry name role address
          for entry in "${nodes[@]}"; do
            read -r name role address <<<"$entry"
            if [ "$name" = "$1" ]; then
              printf '%s %s\\n' "$role" "$address"
              return 0
            fi
          done
          return 1
        }
        """
    }
}
