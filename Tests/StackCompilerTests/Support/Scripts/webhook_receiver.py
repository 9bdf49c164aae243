#!/usr/bin/env python3
"""A webhook receiver on loopback, for tests of what Alertmanager delivers.

    webhook_receiver.py --port-file FILE --log FILE [--parent-pid PID]

Listens on 127.0.0.1 at a port the kernel picks, and writes that port to --port-file
(atomically) once it listens. Every POST is answered 200 and its body appended to --log as one
line (JSON bodies re-encoded on one line, others as a JSON string). Any other method is 405.
It exits once --parent-pid (default: its parent at start) is no longer its parent. Standard
library only.
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log_lock = threading.Lock()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--parent-pid", type=int, default=os.getppid())
    options = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            try:
                line = json.dumps(json.loads(body), sort_keys=True)
            except ValueError:
                line = json.dumps(body.decode("utf-8", "replace"))
            with log_lock, open(options.log, "a", encoding="utf-8") as log:
                log.write(line + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            self.send_response(405)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    temporary = options.port_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(str(server.server_address[1]))
    os.replace(temporary, options.port_file)
    while os.getppid() == options.parent_pid:
        time.sleep(0.2)
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
