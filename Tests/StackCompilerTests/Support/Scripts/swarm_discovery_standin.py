#!/usr/bin/env python3
"""A stand-in for the Docker Engine API of a Swarm manager, serving what Prometheus's Swarm
discovery (`dockerswarm_sd_configs`, discovery/moby) reads, for tests on loopback.

    swarm_discovery_standin.py --swarm FILE --port-file FILE [--address 127.0.0.1]
                               [--parent-pid PID]

--swarm is a JSON file describing the cluster compactly:

    {"networks": ["<name>", ...],
     "nodes":    [{"id": "...", "hostname": "...", "address": "127.a.b.c", "role": "manager"}],
     "services": [{"name": "<stack>_<key>", "labels": {...}, "global": false,
                   "published": [8443, ...]}],
     "tasks":    [{"id": "...", "service": "<name>", "node": "<node id>", "slot": 1,
                   "desired": "running", "state": "running",
                   "addresses": {"<network name>": "10.0.5.7/24", ...}}]}

and the stand-in answers, read-only and as Docker Engine 27 would, GET /_ping, /version,
/services, /tasks, /nodes and /networks (optionally under /v1.xx/): services with Spec.Name,
Spec.Labels (as given), Spec.Mode and Endpoint (virtual IPs on the networks their tasks use,
the published ports as Endpoint.Ports); tasks with ID, ServiceID, NodeID, Slot, DesiredState,
Status.State and NetworksAttachments (Network.ID and Network.Spec.Name, Addresses in CIDR form);
nodes with ID, Spec.Role, Description.Hostname and Status.Addr; networks with Id and Name.
Prometheus joins a task's attachment to /networks by ID, and a task's node to /nodes by ID.

It binds --address on a free port, writes the port to --port-file (atomically), logs each
request to stderr, and exits once --parent-pid (default: its parent at start) is no longer its
parent.
"""

import argparse
import hashlib
import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

API_VERSION = "1.47"
MIN_API_VERSION = "1.24"
ENGINE_VERSION = "27.5.1"
TIMESTAMP = "2026-01-01T00:00:00.000000000Z"
VERSIONED_PATH = re.compile(r"^/v[0-9]+\.[0-9]+(/.*)$")


def log(message):
    print(message, file=sys.stderr, flush=True)


def object_id(*parts):
    """A stable 25-character ID, like Swarm's, made from the object's names."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:25]


class Swarm:
    def __init__(self, spec):
        self.networks = {}
        for name in spec.get("networks", []):
            self.networks[name] = {
                "Name": name, "Id": object_id("network", name), "Created": TIMESTAMP, "Scope": "swarm",
                "Driver": "overlay", "EnableIPv6": False, "Internal": False, "Attachable": False,
                "Ingress": False, "IPAM": {"Driver": "default", "Config": []}, "Options": {}, "Labels": {},
            }
        self.nodes = []
        for node in spec.get("nodes", []):
            self.nodes.append({
                "ID": node["id"], "Version": {"Index": 1}, "CreatedAt": TIMESTAMP, "UpdatedAt": TIMESTAMP,
                "Spec": {"Labels": {}, "Role": node.get("role", "worker"), "Availability": "active"},
                "Description": {"Hostname": node["hostname"],
                                "Platform": {"Architecture": "x86_64", "OS": "linux"},
                                "Engine": {"EngineVersion": ENGINE_VERSION}},
                "Status": {"State": "ready", "Addr": node["address"]},
            })
        tasks = spec.get("tasks", [])
        self.services = []
        service_ids = {}
        for service in spec.get("services", []):
            name = service["name"]
            service_id = object_id("service", name)
            service_ids[name] = service_id
            used = sorted({n for t in tasks if t["service"] == name for n in t.get("addresses", {})})
            for network in used:
                if network not in self.networks:
                    sys.exit(f"swarm stand-in: network {network!r} is used but not listed")
            ports = [{"Protocol": "tcp", "TargetPort": port, "PublishedPort": port, "PublishMode": "ingress"}
                     for port in service.get("published", [])]
            endpoint = {"Spec": {"Mode": "vip", "Ports": ports},
                        "VirtualIPs": [{"NetworkID": self.networks[n]["Id"], "Addr": "10.255.255.254/24"}
                                       for n in used]}
            if ports:
                endpoint["Ports"] = ports
            self.services.append({
                "ID": service_id, "Version": {"Index": 1}, "CreatedAt": TIMESTAMP, "UpdatedAt": TIMESTAMP,
                "Spec": {
                    "Name": name, "Labels": service.get("labels", {}),
                    "TaskTemplate": {"ContainerSpec": {"Image": service.get("image", "example/image:1")},
                                     "Networks": [{"Target": self.networks[n]["Id"]} for n in used]},
                    "Mode": {"Global": {}} if service.get("global") else {"Replicated": {"Replicas": 1}},
                },
                "Endpoint": endpoint,
            })
        self.tasks = []
        for task in tasks:
            if task["service"] not in service_ids:
                sys.exit(f"swarm stand-in: task {task['id']!r} of unknown service {task['service']!r}")
            self.tasks.append({
                "ID": task["id"], "Version": {"Index": 1}, "CreatedAt": TIMESTAMP, "UpdatedAt": TIMESTAMP,
                "Labels": {}, "ServiceID": service_ids[task["service"]], "Slot": task.get("slot", 0),
                "NodeID": task.get("node", ""),
                "Status": {"Timestamp": TIMESTAMP, "State": task.get("state", "running"), "Message": "started",
                           "ContainerStatus": {"ContainerID": object_id("container", task["id"]), "PID": 1,
                                               "ExitCode": 0},
                           "PortStatus": {}},
                "DesiredState": task.get("desired", "running"),
                "NetworksAttachments": [
                    {"Network": {"ID": self.networks[network]["Id"],
                                 "Spec": {"Name": network, "Driver": "overlay", "Scope": "swarm"}},
                     "Addresses": [address]}
                    for network, address in task.get("addresses", {}).items()],
            })


def make_handler(swarm):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "swarm-discovery-standin"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            log("%s %s" % (self.address_string(), format % args))

        def send(self, status, body, content_type="application/json"):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Api-Version", API_VERSION)
            self.send_header("Docker-Experimental", "false")
            self.send_header("Ostype", "linux")
            self.send_header("Swarm", "active/manager")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def route(self):
            url = urlparse(self.path)
            match = VERSIONED_PATH.match(url.path)
            path = match.group(1) if match else url.path
            query = parse_qs(url.query)
            if (query.get("filters", [""])[0] or "{}") not in ("{}", "null"):
                # The generated configuration sets no filters: a filtered list would be a surprise.
                log(f"unexpected filters: {self.path}")
                return self.send(400, {"message": "filters are not supported by the stand-in"})
            if path == "/_ping":
                return self.send(200, b"OK", "text/plain; charset=utf-8")
            if path == "/version":
                return self.send(200, {"Version": ENGINE_VERSION, "ApiVersion": API_VERSION,
                                       "MinAPIVersion": MIN_API_VERSION, "Os": "linux", "Arch": "amd64"})
            listing = {"/services": swarm.services, "/tasks": swarm.tasks, "/nodes": swarm.nodes,
                       "/networks": list(swarm.networks.values())}.get(path)
            if listing is not None:
                return self.send(200, listing)
            log(f"unexpected request: {self.command} {self.path}")
            return self.send(404, {"message": f"page not found (swarm stand-in): {self.path}"})

        def do_GET(self):
            self.route()

        def do_HEAD(self):
            self.route()

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--swarm", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--parent-pid", type=int, default=None)
    args = parser.parse_args()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parent = args.parent_pid if args.parent_pid is not None else os.getppid()
    with open(args.swarm, encoding="utf-8") as handle:
        swarm = Swarm(json.load(handle))
    server = ThreadingHTTPServer((args.address, 0), make_handler(swarm))
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    temporary = args.port_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(f"{port}\n")
    os.replace(temporary, args.port_file)
    log(f"listening on {args.address}:{port}: {len(swarm.services)} services, {len(swarm.tasks)} tasks, "
        f"{len(swarm.nodes)} nodes, {len(swarm.networks)} networks")
    stop = threading.Event()
    while os.getppid() == parent and not stop.wait(0.5):
        pass
    log("parent gone; exiting")
    server.shutdown()


if __name__ == "__main__":
    main()
