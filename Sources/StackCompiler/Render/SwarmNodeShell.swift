/// The shell functions over the swarm's node labels that both `deploy.sh` and
/// `nodes/form-swarm.sh` use, spelt once (each a top-level function, without a final newline).
enum SwarmNodeShell {
    /// `node_labels ID`: the labels of a node, one `key=value` a line.
    static let nodeLabels = """
        # The labels of node $1, one key=value a line.
        node_labels() {
          docker node inspect --format '{{range $key, $value := .Spec.Labels}}{{$key}}={{$value}}{{println}}{{end}}' "$1"
        }
        """

    /// `label_exists KEY=VALUE`: whether some node carries the label.
    static let labelExists = """
        # Whether some node carries the label $1 (key=value).
        label_exists() {
          local node
          for node in $(docker node ls -q); do
            node_labels "$node" | grep -qxF "$1" && return 0
          done
          return 1
        }
        """
}
