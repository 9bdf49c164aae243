/// `nodes/form-swarm.sh`: the one script every provisioner runs on every node to form the swarm
/// (the first manager initialises it, the others join with the token the channel brings) and to
/// label the nodes for the stack's placement. Idempotent.
enum SwarmFormingScriptRenderer {
    static func render(_ nodes: NodePlan, labels: [NodeLabels.Label], header: [String]) -> String {
        let labelLines = labels.map {
            "  " + ShellQuoting.quote("\($0.node) \($0.key)=\($0.value) \($0.isPin ? "pin" : "node")")
        }
        let names = nodes.nodes.map(\.name).joined(separator: ", ")
        return """
            \(NodeScriptParts.opening(header))
            #
            # Forms the swarm of stack \(nodes.stack); every provisioner runs it as root on every node.
            #   form-swarm.sh join NODE   makes NODE (\(names)) a member: \(nodes.firstManager.name)
            #                             initialises the swarm and puts the join tokens into the channel
            #                             folder; the others wait there for theirs and join. Then, on a
            #                             manager, what `label` does.
            #   form-swarm.sh label       on a manager: puts the labels the stack's placement reads on every
            #                             node of the cluster that is in the swarm (found by host name).
            # A node in the swarm is not initialised or joined again, and a label already set stays:
            # running it again changes nothing.
            # Environment: STACKC_SWARM_CHANNEL (the folder the tokens come through, default
            # \(NodeChannel.path)), STACKC_SWARM_WAIT (seconds a node waits for its token, default 900).
            set -euo pipefail

            channel=${STACKC_SWARM_CHANNEL:-\(NodeChannel.path)}
            wait_seconds=${STACKC_SWARM_WAIT:-900}

            \(NodeScriptParts.nodesArray(nodes))
            # The labels: node, key=value, and whether it is a pin (a pin some node carries already
            # stays where it is: the state it pins lives there).
            labels=(
            \(labelLines.joined(separator: "\n"))
            )
            first_manager=\(ShellQuoting.quote(nodes.firstManager.name))
            last_manager=\(ShellQuoting.quote(nodes.managers.last?.name ?? nodes.firstManager.name))

            \(NodeScriptParts.functions("form-swarm"))

            swarm_state() { docker info --format '{{.Swarm.LocalNodeState}}'; }
            is_manager() { [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ]; }

            # Writes the join token of role $1 into the channel (readable by root only, replaced at
            # once so that a node never reads half of it).
            write_token() {
              local file="$channel/$1.token"
              (umask 077 && docker swarm join-token -q "$1" >"$file.partial")
              mv -f "$file.partial" "$file"
            }

            # Waits (bounded) for the token of role $1 in the channel and prints it.
            read_token() {
              local file="$channel/$1.token" waited=0
              until [ -s "$file" ]; do
                if [ "$waited" -ge "$wait_seconds" ]; then
                  die "no $1 token in $file after ${wait_seconds}s: is $first_manager up, and does the channel reach this node?"
                fi
                sleep 5
                waited=$((waited + 5))
              done
              cat "$file"
            }

            join() {
              local node=$1 role address first_address state token
              read -r role address < <(describe "$node") || die "'$node' is not a node of this cluster (it has \(names))"
              read -r _ first_address < <(describe "$first_manager")
              state=$(swarm_state)
              case $state in
                active) say "$node is in the swarm already" ;;
                inactive)
                  if [ "$node" = "$first_manager" ]; then
                    docker swarm init --advertise-addr "$address" --listen-addr "$address:2377" >/dev/null
                    say "$node initialised the swarm on $address"
                  else
                    # Its own statement: a failure inside "$(...)" in an argument would not stop the script.
                    token=$(read_token "$role")
                    docker swarm join --token "$token" --advertise-addr "$address" \\
                      --listen-addr "$address:2377" "$first_address:2377" >/dev/null
                    say "$node joined the swarm as a $role through $first_address"
                  fi
                  ;;
                *) die "the engine's swarm state is '$state': see 'docker info', then run this again" ;;
              esac
              if [ "$node" = "$first_manager" ]; then
                mkdir -p "$channel"
                write_token manager
                write_token worker
              fi
              # The manager token lets anyone who reads it run the cluster: once the last manager
              # is in, it leaves the channel (a rerun on the first manager puts it back).
              if [ "$node" = "$last_manager" ] && [ "$node" != "$first_manager" ]; then
                rm -f "$channel/manager.token"
              fi
              if is_manager; then label; fi
            }

            \(SwarmNodeShell.nodeLabels)

            # The ID of the ready node whose host name is $1 (none when it has not joined).
            node_id() {
              docker node ls --format '{{.Hostname}} {{.ID}} {{.Status}} {{.Availability}}' | awk -v name="$1" '$1 == name && $3 == "Ready" { print $2; exit }'
            }

            \(SwarmNodeShell.labelExists)

            label() {
              local entry node pair kind id current
              is_manager || die "labels are put by a manager: run 'form-swarm.sh label' on one"
              for entry in "${labels[@]}"; do
                read -r node pair kind <<<"$entry"
                id=$(node_id "$node")
                [ -n "$id" ] || continue
                current=$(node_labels "$id" | awk -v key="${pair%%=*}" 'index($0, key "=") == 1 { print substr($0, length(key) + 2); exit }')
                [ "$current" = "${pair#*=}" ] && continue
                if [ "$kind" = pin ] && label_exists "$pair"; then continue; fi
                if [ -n "$current" ]; then
                  say "$node has ${pair%%=*}=$current, not ${pair#*=}: left as it is"
                  continue
                fi
                docker node update --label-add "$pair" "$id" >/dev/null
                say "$node labelled $pair"
              done
            }

            case ${1:-} in
              join)
                [ $# -eq 2 ] || die "usage: form-swarm.sh join NODE"
                join "$2"
                ;;
              label) label ;;
              *) die "usage: form-swarm.sh join NODE | form-swarm.sh label" ;;
            esac

            """
    }
}
