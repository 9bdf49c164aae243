#!/usr/bin/env python3
"""Stand-ins for an app's tasks, for tests on loopback: one HTTP listener per task.

    http_backend.py --listen NAME=ADDRESS:PORT [--listen ...] --ready-file FILE
                    --log FILE [--parent-pid PID]

Every listener answers every request with 200 and a JSON body naming itself and echoing the
request: {"backend": NAME, "method": ..., "path": ..., "host": ..., "authorization": bool}.
Each request is appended to --log as one JSON line with the same fields, so a test can see
which task received what (health probes included). Once every listener is bound it writes
--ready-file (atomically); a listener that cannot bind ends the process with status 2 and the
reason on stderr. It exits once --parent-pid (default: its parent at start) is no longer its
parent. Standard library only.
"""

import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log_lock = threading.Lock()


def make_handler(name, log_path):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "http-backend"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def answer(self):
            record = {"backend": name, "method": self.command, "path": self.path,
                      "host": self.headers.get("Host", ""),
                      "authorization": "Authorization" in self.headers}
            with log_lock, open(log_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
            body = (json.dumps(record) + "\n").encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = answer

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", action="append", required=True, help="NAME=ADDRESS:PORT")
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--log", required=True, help="JSON lines, one per request")
    parser.add_argument("--parent-pid", type=int, default=None,
                        help="exit once this process is no longer the parent (default: the parent at start)")
    args = parser.parse_args()
    # Started from a thread that blocks SIGTERM, a process inherits that mask: undo it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    parent = args.parent_pid if args.parent_pid is not None else os.getppid()
    servers = []
    for spec in args.listen:
        name, _, endpoint = spec.partition("=")
        address, _, port = endpoint.rpartition(":")
        try:
            server = ThreadingHTTPServer((address, int(port)), make_handler(name, args.log))
        except (OSError, ValueError) as error:
            print(f"http backend {name}: cannot listen on {endpoint}: {error}", file=sys.stderr, flush=True)
            sys.exit(2)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    temporary = args.ready_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write("\n".join(args.listen) + "\n")
    os.replace(temporary, args.ready_file)

    stop = threading.Event()
    while os.getppid() == parent and not stop.wait(0.5):
        pass
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
