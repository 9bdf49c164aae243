#!/usr/bin/env python3
"""A stand-in for the Docker Engine API of a Swarm manager, for tests on loopback.

Serves, read-only, what Traefik's Swarm provider asks for: the services of one stack file as
`docker stack deploy` would create them, their running tasks, and the stack's networks.

    docker_api_standin.py --stack-file stack.yml --stack-name NAME --tasks FILE
                          --proxy-service traefik --unreachable-address 127.a.b.c
                          --port-file FILE [--http-proxy-port-file FILE]
                          [--address 127.0.0.1] [--parent-pid PID]

--tasks is a JSON file {"<service key>": ["127.a.b.2", ...]}: one running task per address,
in slot order. A task's address on a network it shares with --proxy-service is that address
(where the test runs a backend); on any other network, and as a service's virtual IP, it is
--unreachable-address (where nothing listens), so a proxy that picks the wrong network or the
VIP fails visibly. Services without an entry have no tasks.

Like `docker stack deploy`, it names services and networks `<stack>_<key>` (networks keep an
explicit `name:`), turns `$$` in labels into `$`, and refuses `${VAR}` interpolation (the test
gives it no environment). It binds --address on any free port, writes the port to --port-file
(atomically), logs each request to stderr, and exits once --parent-pid (default: its parent at
start) is no longer its parent. Needs PyYAML.

With --http-proxy-port-file it also serves, on another free port written there, an HTTP proxy
that stands in for Swarm's DNS for the proxy service's own requests (the edge proxy sends
requests for `http://<service>:<port>/...` to it through HTTP_PROXY, forward-auth checks say):
it relays a request for a name the proxy service's containers could resolve (a service's key,
`<stack>_<key>`, or either after `tasks.`, for a service on one of the proxy's networks) to one
of that service's tasks (round robin, as the virtual IP would), and answers 502 with the reason
for any other name.
"""

import argparse
import hashlib
import http.client
import itertools
import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

try:
    import yaml
except ImportError:
    sys.exit("docker stand-in: PyYAML is not installed: run scripts/setup.sh (make test does)")

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


def interpolate(value, where):
    """`$$` → `$`, as docker stack deploy does; any other `$` is a test-setup error."""
    text = str(value)
    if re.search(r"\$(?!\$)", text.replace("$$", "")):
        sys.exit(f"docker stand-in: {where} needs interpolation, which the stand-in does not do: {text!r}")
    return text.replace("$$", "$")


def labels_of(deploy, where):
    """deploy.labels as a dict of strings, from the mapping or the `key=value` list form."""
    labels = deploy.get("labels") or {}
    if isinstance(labels, list):
        labels = dict(item.split("=", 1) if "=" in item else (item, "") for item in labels)
    return {str(key): interpolate("" if value is None else value, f"{where} label {key}") for key, value in labels.items()}


def network_name(stack_name, key, spec):
    spec = spec or {}
    if spec.get("name"):
        return spec["name"]
    return key if spec.get("external") else f"{stack_name}_{key}"


def service_network_keys(service):
    networks = service.get("networks") or ["default"]
    return list(networks.keys()) if isinstance(networks, dict) else list(networks)


class Swarm:
    """The services, tasks and networks the API serves, built once at start."""

    def __init__(self, stack, stack_name, tasks, proxy_service, unreachable):
        services = stack.get("services") or {}
        declared = stack.get("networks") or {}
        self.networks = {}
        for key, spec in declared.items():
            name = network_name(stack_name, key, spec)
            driver = (spec or {}).get("driver", "overlay")
            self.networks[key] = {
                "Name": name, "Id": object_id("network", name), "Created": TIMESTAMP, "Scope": "swarm",
                "Driver": driver, "EnableIPv6": False, "Internal": False, "Attachable": False,
                "Ingress": False, "IPAM": {"Driver": "default", "Config": []}, "Options": {}, "Labels": {},
            }
        if proxy_service not in services:
            sys.exit(f"docker stand-in: no service {proxy_service!r} in the stack file")
        reachable = set(service_network_keys(services[proxy_service]))
        unknown = set(tasks) - set(services)
        if unknown:
            sys.exit(f"docker stand-in: --tasks names services the stack file does not have: {sorted(unknown)}")
        self.services, self.tasks = [], []
        # Task addresses by every name the proxy's containers resolve, for the HTTP proxy.
        self.names = {}
        for key, spec in services.items():
            self.add_service(stack_name, key, spec or {}, tasks.get(key, []), reachable, unreachable)
            if reachable & set(service_network_keys(spec or {})):
                for name in (key, f"{stack_name}_{key}"):
                    self.names[name] = self.names[f"tasks.{name}"] = list(tasks.get(key, []))
        self.turns = {name: itertools.count() for name in self.names}

    def resolve(self, name):
        """One task address for `name` (round robin), or None when it does not resolve."""
        addresses = self.names.get(name.lower())
        if not addresses:
            return None
        return addresses[next(self.turns[name.lower()]) % len(addresses)]

    def attachment(self, key, address):
        network = self.networks.get(key)
        if network is None:
            sys.exit(f"docker stand-in: network {key!r} is used but not declared")
        return {"Network": {"ID": network["Id"], "Spec": {"Name": network["Name"], "Driver": network["Driver"],
                                                          "Scope": "swarm"}},
                "Addresses": [f"{address}/8"]}

    def add_service(self, stack_name, key, spec, addresses, reachable, unreachable):
        name = f"{stack_name}_{key}"
        deploy = spec.get("deploy") or {}
        service_id = object_id("service", name)
        if deploy.get("mode") == "global":
            mode = {"Global": {}}
        else:
            mode = {"Replicated": {"Replicas": int(deploy.get("replicas", 1))}}
        endpoint_mode = deploy.get("endpoint_mode", "vip")
        network_keys = service_network_keys(spec)
        endpoint = {"Spec": {"Mode": endpoint_mode}}
        if endpoint_mode == "vip":
            endpoint["VirtualIPs"] = [{"NetworkID": self.networks[k]["Id"], "Addr": f"{unreachable}/8"}
                                      for k in network_keys if k in self.networks]
        self.services.append({
            "ID": service_id, "Version": {"Index": 1}, "CreatedAt": TIMESTAMP, "UpdatedAt": TIMESTAMP,
            "Spec": {
                "Name": name,
                "Labels": {"com.docker.stack.namespace": stack_name, "com.docker.stack.image": spec.get("image", ""),
                           **labels_of(deploy, name)},
                "TaskTemplate": {"ContainerSpec": {"Image": spec.get("image", "")},
                                 "Networks": [{"Target": self.networks[k]["Id"], "Aliases": [key]}
                                              for k in network_keys if k in self.networks]},
                "Mode": mode,
                "EndpointSpec": {"Mode": endpoint_mode},
            },
            "Endpoint": endpoint,
        })
        for index, address in enumerate(addresses):
            slot = 0 if "Global" in mode else index + 1
            task_id = object_id("task", name, str(index))
            self.tasks.append({
                "ID": task_id, "Version": {"Index": 1}, "CreatedAt": TIMESTAMP, "UpdatedAt": TIMESTAMP,
                "Labels": {}, "ServiceID": service_id, "Slot": slot,
                # Empty: the provider then asks for no node (GET /nodes/<id>).
                "NodeID": "",
                "Status": {"Timestamp": TIMESTAMP, "State": "running", "Message": "started",
                           "ContainerStatus": {"ContainerID": object_id("container", task_id), "PID": 1, "ExitCode": 0}},
                "DesiredState": "running",
                "NetworksAttachments": [self.attachment(k, address if k in reachable else unreachable)
                                        for k in network_keys],
            })

    def list_tasks(self, filters):
        services = filter_values(filters, "service")
        states = filter_values(filters, "desired-state")
        by_name = {s["Spec"]["Name"]: s["ID"] for s in self.services}
        wanted = {by_name.get(s, s) for s in services}
        return [t for t in self.tasks
                if (not wanted or t["ServiceID"] in wanted) and (not states or t["DesiredState"] in states)]

    def list_networks(self, filters):
        scopes = filter_values(filters, "scope")
        drivers = filter_values(filters, "driver")
        return [n for n in self.networks.values()
                if (not scopes or n["Scope"] in scopes) and (not drivers or n["Driver"] in drivers)]


def filter_values(filters, name):
    """The values of one filter, from either form the API accepts: a list or a {value: true} map."""
    values = filters.get(name, [])
    return set(values.keys() if isinstance(values, dict) else values)


def make_handler(swarm):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "docker-api-standin"

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
            try:
                filters = json.loads(query.get("filters", ["{}"])[0] or "{}")
            except ValueError:
                return self.send(400, {"message": "invalid filters"})
            if path == "/_ping":
                return self.send(200, b"OK", "text/plain; charset=utf-8")
            if path == "/version":
                return self.send(200, {"Version": ENGINE_VERSION, "ApiVersion": API_VERSION,
                                       "MinAPIVersion": MIN_API_VERSION, "Os": "linux", "Arch": "amd64",
                                       "KernelVersion": "6.1.0", "GitCommit": "standin", "GoVersion": "go1.22"})
            if path == "/services":
                return self.send(200, swarm.services)
            if path == "/tasks":
                return self.send(200, swarm.list_tasks(filters))
            if path == "/networks":
                return self.send(200, swarm.list_networks(filters))
            log(f"unexpected request: {self.command} {self.path}")
            return self.send(404, {"message": f"page not found (docker stand-in): {self.path}"})

        def do_GET(self):
            self.route()

        def do_HEAD(self):
            self.route()

    return Handler


# Hop-by-hop headers, and the proxy's own: not relayed.
HOP_HEADERS = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
               "trailer", "transfer-encoding", "upgrade"}


def make_proxy_handler(swarm):
    """Relays absolute-form HTTP requests (`GET http://name:port/path`) to the tasks of `name`."""

    class ProxyHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            log("http proxy: %s %s" % (self.address_string(), format % args))

        def refuse(self, status, message):
            log(f"http proxy: {self.command} {self.path}: {message}")
            data = (message + "\n").encode()
            self.send_response_only(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def relay(self):
            url = urlparse(self.path)
            if url.scheme != "http" or not url.hostname:
                return self.refuse(400, f"swarm DNS stand-in: not an absolute http URL: {self.path}")
            address = swarm.resolve(url.hostname)
            if address is None:
                return self.refuse(
                    502, f"swarm DNS stand-in: {url.hostname} is not a service on the proxy's networks, or has no task")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            target = (url.path or "/") + (f"?{url.query}" if url.query else "")
            connection = http.client.HTTPConnection(address, url.port or 80, timeout=10)
            try:
                connection.putrequest(self.command, target, skip_host=True, skip_accept_encoding=True)
                for key, value in self.headers.items():
                    if key.lower() not in HOP_HEADERS:
                        connection.putheader(key, value)
                connection.endheaders(body)
                response = connection.getresponse()
                data = response.read()
            except OSError as error:
                return self.refuse(502, f"swarm DNS stand-in: {url.hostname} ({address}:{url.port or 80}): {error}")
            finally:
                connection.close()
            self.log_message('"%s" relayed to %s:%s: %s', self.requestline, address, url.port or 80, response.status)
            self.send_response_only(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in HOP_HEADERS and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = relay

    return ProxyHandler


def serve(handler, address, port_file):
    """Serves `handler` on a free port of `address`, written to `port_file` (atomically)."""
    server = ThreadingHTTPServer((address, 0), handler)
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    temporary = port_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(f"{port}\n")
    os.replace(temporary, port_file)
    return server, port


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-file", required=True)
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--tasks", required=True, help='JSON file: {"<service key>": ["<IPv4>", ...]}')
    parser.add_argument("--proxy-service", required=True, help="the stack file's key of the proxy service")
    parser.add_argument("--unreachable-address", required=True)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port-file", required=True, help="where to write the bound port")
    parser.add_argument("--http-proxy-port-file", default=None,
                        help="also serve the HTTP proxy that resolves service names; where to write its port")
    parser.add_argument("--parent-pid", type=int, default=None,
                        help="exit once this process is no longer the parent (default: the parent at start)")
    args = parser.parse_args()
    # Started from a thread that blocks SIGTERM, a process inherits that mask: undo it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    parent = args.parent_pid if args.parent_pid is not None else os.getppid()
    with open(args.stack_file, encoding="utf-8") as handle:
        stack = yaml.safe_load(handle)
    with open(args.tasks, encoding="utf-8") as handle:
        tasks = json.load(handle)
    swarm = Swarm(stack, args.stack_name, tasks, args.proxy_service, args.unreachable_address)

    servers = []
    if args.http_proxy_port_file:
        proxy, proxy_port = serve(make_proxy_handler(swarm), args.address, args.http_proxy_port_file)
        servers.append(proxy)
        log(f"http proxy on {args.address}:{proxy_port}: resolves {sorted(n for n in swarm.names if swarm.names[n])}")
    server, port = serve(make_handler(swarm), args.address, args.port_file)
    servers.append(server)
    log(f"listening on {args.address}:{port}: {len(swarm.services)} services, {len(swarm.tasks)} tasks")

    stop = threading.Event()
    while os.getppid() == parent and not stop.wait(0.5):
        pass
    log("parent gone; exiting")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
