"""The lab's API: 200 on / and /healthz, Prometheus metrics on /metrics, port 8000.

Standard library only. It says whether it was given a database (DATABASE_URL, which the
start-up wrapper builds from the password's secret) without printing the URL.
"""

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = 8000
REQUESTS = {}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            status, body, kind = 200, self.index(), "application/json"
        elif path == "/healthz":
            status, body, kind = 200, "ok\n", "text/plain; charset=utf-8"
        elif path == "/metrics":
            status, body, kind = 200, metrics(), "text/plain; version=0.0.4; charset=utf-8"
        else:
            status, body, kind = 404, "not found\n", "text/plain; charset=utf-8"
        with LOCK:
            REQUESTS[status] = REQUESTS.get(status, 0) + 1
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def index(self):
        database = "yes" if os.environ.get("DATABASE_URL") else "no"
        return '{"app": "api", "database": "%s"}\n' % database

    def log_message(self, format, *args):
        if os.environ.get("LOG_LEVEL", "info") == "debug":
            super().log_message(format, *args)


def metrics():
    lines = [
        "# HELP api_requests_total HTTP requests answered, by status.",
        "# TYPE api_requests_total counter",
    ]
    with LOCK:
        for status in sorted(REQUESTS):
            lines.append('api_requests_total{status="%d"} %d' % (status, REQUESTS[status]))
    lines += ["# HELP api_up Whether the API runs.", "# TYPE api_up gauge", "api_up 1"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    ThreadingHTTPServer(("", PORT), Handler).serve_forever()
