"""The checks of the multi-node swarm acceptance run (swarm-nodes.sh runs it inside the
namespaces of the cluster it made).

  model MANIFEST             prints the nodes of the manifest's cluster model, one
                             "name role address prefix" a line: manager-1… then worker-1…,
                             addresses from `cluster.address` (default 192.168.56.101) on, one
                             after the other, managers first, on its /24 (the spec's rule, read
                             here on its own, not from what stackc generated)
  state FILE NODE=SOCKET...  writes the swarm as the engines see it (JSON) to FILE: every node
                             (ID, host name, role, availability, labels, version) from the first
                             engine, a manager, and each engine's own swarm state
  show FILE                  prints each node of a state: name, role, availability, ID, labels
  compare BEFORE AFTER [--without-versions]
                             prints whether two states are the same (without their nodes' version
                             indexes); exit status 1 when not
  placement PLAN STATE NODE=SOCKET...
                             for each service with a placement in the deployed stack file: where
                             its running tasks are, and whether that is as written (roles,
                             labels, max_replicas_per_node); exit status 1 when not
  drain PLAN SERVICE SECONDS NODE=SOCKET...
                             drains the node SERVICE runs on, then watches SECONDS: its task must
                             stay pending, no container of it may run on any node and its volumes
                             must stay on that node only; prints what every other service with a
                             max_replicas_per_node did; exit status 1 when the service moved

The docker CLI is $DOCKER_CLI; NODE=SOCKET names each engine's socket (the first: a manager).
"""

import ipaddress
import json
import os
import re
import subprocess
import sys
import time

import yaml


def docker(socket, *args, check=True):
    """Runs the docker CLI against the engine at `socket` and returns its standard output."""
    environment = dict(os.environ, DOCKER_HOST="unix://" + socket)
    run = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), *args], capture_output=True, text=True,
                         timeout=120, env=environment)
    if check and run.returncode != 0:
        raise RuntimeError("docker %s: %s" % (" ".join(args), run.stderr.strip()))
    return run.stdout


def lines(socket, *args):
    return [line for line in docker(socket, *args, check=False).splitlines() if line.strip()]


def sockets_of(arguments):
    """{node: socket} of NODE=SOCKET arguments, in their order."""
    return dict(argument.split("=", 1) for argument in arguments)


# MARK: - model


def model(manifest):
    with open(manifest, encoding="utf-8") as handle:
        cluster = (yaml.safe_load(handle) or {}).get("cluster") or {}
    first = ipaddress.IPv4Address(cluster.get("address", "192.168.56.101"))
    names = ["manager-%d" % n for n in range(1, int(cluster.get("managers", 1)) + 1)]
    names += ["worker-%d" % n for n in range(1, int(cluster.get("workers", 0)) + 1)]
    for index, name in enumerate(names):
        print("%s %s %s 24" % (name, name.split("-")[0], first + index))
    return 0


# MARK: - state


def swarm_nodes(socket):
    """[{id, hostname, role, availability, state, labels, version}] of every node, by host name."""
    nodes = []
    for node_id in lines(socket, "node", "ls", "-q"):
        node = json.loads(docker(socket, "node", "inspect", node_id))[0]
        nodes.append({"id": node["ID"], "hostname": node["Description"]["Hostname"], "role": node["Spec"]["Role"],
                      "availability": node["Spec"]["Availability"], "state": node["Status"]["State"],
                      "labels": node["Spec"].get("Labels") or {}, "version": node["Version"]["Index"]})
    return sorted(nodes, key=lambda node: node["hostname"])


def state(path, sockets):
    first = next(iter(sockets.values()))
    engines = {}
    for name, socket in sockets.items():
        swarm = json.loads(docker(socket, "info", "--format", "{{json .Swarm}}"))
        engines[name] = {key: swarm.get(key) for key in ("NodeID", "NodeAddr", "LocalNodeState", "ControlAvailable",
                                                         "Nodes", "Managers")}
        engines[name]["Cluster"] = (swarm.get("Cluster") or {}).get("ID")
        engines[name]["Hostname"] = docker(socket, "info", "--format", "{{.Name}}").strip()
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"nodes": swarm_nodes(first), "engines": engines}, handle, indent=1, sort_keys=True)
    return 0


def describe(snapshot):
    return "; ".join("%s %s %s %s, labels %s" % (node["hostname"], node["id"][:12], node["role"], node["availability"],
                                                ",".join("%s=%s" % item for item in sorted(node["labels"].items())))
                     for node in snapshot["nodes"])


def show(path):
    """One line per node of a state: "node NAME: ROLE, AVAILABILITY, id ID, labels K=V,…"."""
    with open(path, encoding="utf-8") as handle:
        snapshot = json.load(handle)
    for node in snapshot["nodes"]:
        print("node %s: %s, %s, id %s, labels %s" % (node["hostname"], node["role"], node["availability"], node["id"],
                                                    ",".join("%s=%s" % item for item in sorted(node["labels"].items()))))
    return 0


def compare(before_path, after_path, versions=True):
    """Whether two states are the same; without `versions`, whatever the nodes' version indexes
    (which a node's own status updates move too)."""
    with open(before_path, encoding="utf-8") as handle:
        before = json.load(handle)
    with open(after_path, encoding="utf-8") as handle:
        after = json.load(handle)
    if not versions:
        for node in before["nodes"] + after["nodes"]:
            node.pop("version")
    if before == after:
        print("unchanged: %d nodes (IDs, roles, availability, labels%s) and the engines' swarm state "
              "(node ID, address, state, cluster ID, nodes, managers): %s"
              % (len(after["nodes"]), ", node versions" if versions else "", describe(after)))
        return 0
    print("CHANGED:")
    print("  before: %s" % json.dumps(before, sort_keys=True))
    print("  after:  %s" % json.dumps(after, sort_keys=True))
    return 1


# MARK: - placement


def running_tasks(socket, service):
    """[(task name, node host name)] of the tasks of `service` that run."""
    found = []
    for line in lines(socket, "service", "ps", "--filter", "desired-state=running", "--format",
                      "{{.Name}}\t{{.Node}}\t{{.CurrentState}}", service):
        name, node, current = line.split("\t")
        if current.startswith("Running"):
            found.append((name, node))
    return found


def meets(node, constraint):
    """Whether a node ({role, labels, hostname}) meets one constraint of a stack file."""
    match = re.fullmatch(r"\s*node\.(role|hostname|labels\.([\w.-]+))\s*(==|!=)\s*(\S+)\s*", constraint)
    if not match:
        return None
    if match.group(1) == "role":
        value = node["role"]
    elif match.group(1) == "hostname":
        value = node["hostname"]
    else:
        value = node["labels"].get(match.group(2))
    return (value == match.group(4)) == (match.group(3) == "==")


def placement(plan_path, state_path, sockets):
    with open(plan_path, encoding="utf-8") as handle:
        stack_plan = json.load(handle)
    with open(state_path, encoding="utf-8") as handle:
        nodes = {node["hostname"]: node for node in json.load(handle)["nodes"]}
    with open(os.path.join(stack_plan["folder"], "stack.yml"), encoding="utf-8") as handle:
        services = yaml.safe_load(handle).get("services") or {}
    first = next(iter(sockets.values()))
    stack, failed = stack_plan["stack"], False
    for name, service in services.items():
        deploy = service.get("deploy") or {}
        rules = deploy.get("placement") or {}
        constraints, most = rules.get("constraints") or [], rules.get("max_replicas_per_node")
        if not constraints and not most:
            continue
        full = "%s_%s" % (stack, name)
        tasks = running_tasks(first, full)
        per_node = count_nodes(tasks)
        problems = []
        for node, count in sorted(per_node.items()):
            entry = nodes.get(node)
            if entry is None:
                problems.append("%s is not a node of the swarm" % node)
                continue
            problems += ["%s does not meet '%s'" % (node, c) for c in constraints if meets(entry, c) is False]
            if most and count > most:
                problems.append("%d tasks on %s, more than %d" % (count, node, most))
        # The nodes that meet every constraint, and so could have taken a task.
        eligible = sorted(hostname for hostname, entry in nodes.items()
                          if entry["availability"] == "active" and all(meets(entry, c) is not False for c in constraints))
        wanted = len(eligible) if deploy.get("mode") == "global" else deploy.get("replicas", 1)
        if len(tasks) != wanted:
            problems.append("%d running, %d wanted" % (len(tasks), wanted))
        where = ", ".join("%s x%d" % item for item in sorted(per_node.items())) or "nowhere"
        rule = ", ".join(constraints + (["max_replicas_per_node %d" % most] if most else []))
        if problems:
            failed = True
            print("placement %s: NOT as written (%s): %d running on %s: %s" % (full, rule, len(tasks), where, "; ".join(problems)))
        else:
            print("placement %s: as written (%s): %d running on %s; eligible nodes: %s" % (full, rule, len(tasks), where,
                                                                                            ", ".join(eligible)))
        for constraint in constraints:
            label = re.fullmatch(r"\s*node\.labels\.(stackc\.pin\.[\w.-]+)\s*==\s*true\s*", constraint)
            if label:
                carriers = sorted(hostname for hostname, entry in nodes.items() if entry["labels"].get(label.group(1)) == "true")
                print("pin %s: carried by %s; %s runs on %s" % (label.group(1), ", ".join(carriers) or "no node", full, where))
    sys.stdout.flush()
    return 1 if failed else 0


# MARK: - drain


def count_nodes(tasks):
    """{node: number of tasks} of [(task, node)]."""
    counts = {}
    for _, node in tasks:
        counts[node] = counts.get(node, 0) + 1
    return counts


def containers(socket, service):
    return lines(socket, "ps", "--filter", "label=com.docker.swarm.service.name=" + service, "--format", "{{.Names}}")


def volume_holders(sockets, volumes):
    """{volume: [nodes that have it]}."""
    return {volume: [node for node, socket in sockets.items()
                     if docker(socket, "volume", "inspect", volume, check=False).strip() not in ("", "[]")]
            for volume in volumes}


def drain(plan_path, service_name, seconds, sockets):
    with open(plan_path, encoding="utf-8") as handle:
        stack_plan = json.load(handle)
    with open(os.path.join(stack_plan["folder"], "stack.yml"), encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    stack, first = stack_plan["stack"], next(iter(sockets.values()))
    service = "%s_%s" % (stack, service_name)
    volumes = ["%s_%s" % (stack, volume["source"]) for volume in document["services"][service_name].get("volumes") or []
               if isinstance(volume, dict) and volume.get("type") == "volume"]
    tasks = running_tasks(first, service)
    if len(tasks) != 1:
        print("drain: FAILED: %s has %d running tasks, not 1, before the drain" % (service, len(tasks)))
        return 1
    node = tasks[0][1]
    holders = volume_holders(sockets, volumes)
    print("drain: %s runs on %s; %s" % (service, node, "; ".join("volume %s is on %s" % (v, ", ".join(n) or "no node")
                                                                 for v, n in holders.items()) or "it has no volume"))
    others = {}
    for name, entry in document["services"].items():
        if ((entry.get("deploy") or {}).get("placement") or {}).get("max_replicas_per_node"):
            others["%s_%s" % (stack, name)] = running_tasks(first, "%s_%s" % (stack, name))
    docker(first, "node", "update", "--availability", "drain", node)
    print("drain: node %s drained; watching %s for %ds" % (node, service, seconds))
    started, moved, seen, last = time.time(), [], {}, []
    while True:
        last = []
        for line in lines(first, "service", "ps", "--no-trunc", "--filter", "desired-state=running", "--format",
                          "{{.Name}}\t{{.Node}}\t{{.CurrentState}}\t{{.Error}}", service):
            name, task_node, current, error = (line.split("\t") + [""])[:4]
            last.append((name, task_node, current.split(" ")[0], error))
            seen[last[-1]] = True
            if task_node and task_node != node:
                moved.append("task %s %s on %s" % (name, current, task_node))
        for other, socket in sockets.items():
            if other != node:
                moved += ["container %s runs on %s" % (c, other) for c in containers(socket, service)]
        if moved or time.time() - started >= seconds:
            break
        time.sleep(3)
    pending = len(last) == 1 and last[0][2] == "Pending" and not last[0][1]
    holders_after = volume_holders(sockets, volumes)
    states = sorted({"%s %s%s" % (current, "on " + task_node if task_node else "on no node", ": " + error if error else "")
                     for (_, task_node, current, error) in seen})
    for other, before in others.items():
        running, pending = {}, {}
        for line in lines(first, "service", "ps", "--no-trunc", "--filter", "desired-state=running", "--format",
                          "{{.Node}}\t{{.CurrentState}}\t{{.Error}}", other):
            task_node, current, error = (line.split("\t") + ["", ""])[:3]
            if current.startswith("Running"):
                running[task_node] = running.get(task_node, 0) + 1
            else:
                key = "%s%s" % (current.split(" ")[0], " (%s)" % error.strip('"') if error else "")
                pending[key] = pending.get(key, 0) + 1
        print("drain: %s (max_replicas_per_node) ran on %s; now runs on %s%s" % (
            other, ", ".join("%s x%d" % item for item in sorted(count_nodes(before).items())),
            ", ".join("%s x%d" % item for item in sorted(running.items())) or "no node",
            "".join("; %d %s" % (count, key) for key, count in sorted(pending.items()))))
    if moved or not pending or holders_after != holders:
        print("drain: FAILED: %s after %s was drained: %s; tasks seen: %s; volumes now: %s" % (
            service, node, "; ".join(sorted(set(moved))) or "no task left pending on no node", "; ".join(states),
            holders_after))
        return 1
    print("drain: %s stayed pending for %ds after %s was drained, never started elsewhere: %s; no container of it on any "
          "node; its volumes still only on %s" % (service, seconds, node, "; ".join(states), node))
    sys.stdout.flush()
    return 0


def main(arguments):
    if arguments[:1] == ["model"] and len(arguments) == 2:
        return model(arguments[1])
    if arguments[:1] == ["state"] and len(arguments) >= 3:
        return state(arguments[1], sockets_of(arguments[2:]))
    if arguments[:1] == ["show"] and len(arguments) == 2:
        return show(arguments[1])
    if arguments[:1] == ["compare"] and len(arguments) in (3, 4) and arguments[3:] in ([], ["--without-versions"]):
        return compare(arguments[1], arguments[2], versions=not arguments[3:])
    if arguments[:1] == ["placement"] and len(arguments) >= 4:
        return placement(arguments[1], arguments[2], sockets_of(arguments[3:]))
    if arguments[:1] == ["drain"] and len(arguments) >= 5:
        return drain(arguments[1], arguments[2], int(arguments[3]), sockets_of(arguments[4:]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
