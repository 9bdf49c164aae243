/// `nodes/join-nodes.sh`, for Fedora CoreOS nodes: Ignition runs once and cannot know the join
/// tokens, so the operator's machine brings them over SSH (the provisioner's channel): the
/// token of each node's role, the VRRP password to the managers, the CephFS key to every node.
/// The nodes' path units act on what arrives. Run it again when a node comes up later.
enum JoinNodesScriptRenderer {
    static func render(_ nodes: NodePlan, header: [String]) -> String {
        let first = nodes.firstManager
        return """
            \(NodeScriptParts.opening(header))
            #
            # Brings the Fedora CoreOS nodes of stack \(nodes.stack), booted with ignition/*.ign, into the swarm:
            # waits until \(first.name) (\(first.address)) has initialised it, then copies over SSH each
            # other node's join token\(nodes.cluster.vip == nil ? "" : ", the VRRP password to every manager")\(nodes.cluster.sharedStorage == .cephfs ? ", and the CephFS key to every node" : "")
            # into \(NodeChannel.path), where the node's units take them up. Nothing secret is
            # written anywhere else; running it again changes nothing on a node that has them.
            # Environment: STACKC_SSH_USER (default core), STACKC_CREDENTIALS_DIR (where the VRRP
            # password is kept, and the CephFS key is read from; default ~/.config/stackc/\(nodes.stack)).
            set -euo pipefail

            user=${STACKC_SSH_USER:-core}
            credentials=${STACKC_CREDENTIALS_DIR:-$HOME/.config/stackc/\(nodes.stack)}
            channel=\(NodeChannel.path)
            has_vip=\(nodes.cluster.vip != nil)
            shared_storage=\(nodes.cluster.sharedStorage.rawValue)
            \(NodeScriptParts.nodesArray(nodes))

            \(NodeScriptParts.functions("join-nodes"))

            # Runs a command on the node at $1 over SSH; a new node's host key is taken on first
            # contact (it is not known before the node first boots), a changed one is refused.
            on() {
              local address=$1
              shift
              ssh -o BatchMode=yes -o ConnectTimeout=10 -o StrictHostKeyChecking=accept-new "$user@$address" "$@"
            }

            # Copies standard input to $channel/$2 on the node at $1 (root only, replaced at once).
            put() {
              on "$1" "sudo install -d -m 700 $channel && sudo sh -c 'umask 077 && cat >$channel/$2.partial && mv -f $channel/$2.partial $channel/$2'"
            }

            read -r first_name _ first_address <<<"${nodes[0]}"
            waited=0
            answer=""
            until answer=$(on "$first_address" "sudo docker info --format '{{.Swarm.ControlAvailable}}'" 2>&1) && [ "$answer" = true ]; do
              [ "$waited" -lt 900 ] || die "$first_name ($first_address) has not initialised the swarm after 900s (last answer: ${answer##*$'\\n'}): look at 'journalctl -u stackc-setup-node -u stackc-form-swarm' there"
              sleep 10
              waited=$((waited + 10))
            done
            say "$first_name runs the swarm"

            if [ "$has_vip" = true ] && [ ! -s "$credentials/vrrp-password" ]; then
              (umask 077 && mkdir -p "$credentials" && head -c 6 /dev/urandom | base64 >"$credentials/vrrp-password")
            fi
            if [ "$shared_storage" = cephfs ] && [ ! -s "$credentials/ceph.secret" ]; then
              die "put the key of the Ceph client client.\(nodes.stack) into $credentials/ceph.secret first"
            fi

            # What node $1 ($2, at $3) is to get. Each step says when it fails (called in a
            # condition, where bash does not stop at a failure by itself).
            send() {
              local name=$1 role=$2 address=$3 token
              if [ "$name" != "$first_name" ]; then
                token=$(on "$first_address" "sudo docker swarm join-token -q $role") || return 1
                put "$address" "$role.token" <<<"$token" || return 1
              fi
              if [ "$has_vip" = true ] && [ "$role" = manager ]; then
                put "$address" vrrp-password <"$credentials/vrrp-password" || return 1
              fi
              if [ "$shared_storage" = cephfs ]; then
                put "$address" ceph.secret <"$credentials/ceph.secret" || return 1
                on "$address" "sudo \(NodeChannel.setupScript) ceph-key" || return 1
              fi
            }

            # A node that cannot be reached is reported, and the others still get theirs.
            missed=()
            for entry in "${nodes[@]}"; do
              read -r name role address <<<"$entry"
              if send "$name" "$role" "$address"; then
                say "$name ($address): sent"
              else
                say "$name ($address): not reached; run this again when it is up"
                missed+=("$name")
              fi
            done
            [ ${#missed[@]} -eq 0 ] || die "not sent to: ${missed[*]}"

            """
    }
}
