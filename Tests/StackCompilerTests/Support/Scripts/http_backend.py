#!/usr/bin/env python3
"""Stand-ins for an app's tasks, for tests on loopback: one HTTP listener per task.

    http_backend.py --listen NAME=ADDRESS:PORT [--listen ...] --ready-file FILE
                    --log FILE [--auth-proxy SERVICE PREFIX LOGIN_URL ...] [--parent-pid PID]

Every listener answers every request with 200 and a JSON body naming itself and echoing the
request: {"backend": NAME, "method": ..., "path": ..., "host": ..., "authorization": bool,
"authRequestUser": the X-Auth-Request-User header or null, "forwardedProto", "forwardedHost",
"forwardedUri", "forwardedMethod": the X-Forwarded-* headers or null, "aliasHeaders": {name: value}
of every header whose name has a character other than a letter, a digit or a dash (which CGI,
WSGI, PHP and NGINX read as another header's name, X.Auth.User as X-Auth-User), "status": 200}.
Each request is appended to --log as one JSON line with the same fields (and the status it was
answered with), so a test can see which task received what (health probes included). Once
every listener is bound it writes --ready-file (atomically); a listener that cannot bind ends
the process with status 2 and the reason on stderr. It exits once --parent-pid (default: its
parent at start) is no longer its parent. Standard library only.

--auth-proxy makes the listeners of SERVICE (those named SERVICE.<slot>) stand in for an
authenticating proxy that the edge proxy asks about every request (oauth2-proxy with
--reverse-proxy, --upstream=static://202 and --skip-provider-button, its sign-in flow under
PREFIX):
- a path under PREFIX (the sign-in flow) is answered like any task, 200 and the JSON body;
- any other path is the check: with the cookie `sso_standin=ok` (the stand-in's session) it
  answers 202 with `X-Auth-Request-User: alice` and `X-Auth-Request-Email: alice@example.test`;
  without it, a 302 to LOGIN_URL?rd=<X-Forwarded-Proto>://<X-Forwarded-Host><X-Forwarded-Uri>
  (the rd value percent-encoded), the page the user came for, read from the headers the edge
  proxy sent; when one of those headers is missing, 400.
"""

import argparse
import json
import os
import re
import signal
import sys
import threading
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlsplit

log_lock = threading.Lock()


SESSION_COOKIE = ("sso_standin", "ok")
# A header name with a character other than a letter, a digit or a dash: CGI, WSGI, PHP and
# NGINX read it as the name with that character turned into a dash (X.Auth.User is X-Auth-User).
ALIASING = re.compile(r"[^A-Za-z0-9-]")
SIGNED_IN = [("X-Auth-Request-User", "alice"), ("X-Auth-Request-Email", "alice@example.test")]


def has_session(headers):
    """Whether one of the request's Cookie headers holds the stand-in's session."""
    for header in headers.get_all("Cookie") or []:
        try:
            cookie = SimpleCookie(header)
        except CookieError:
            continue
        name, value = SESSION_COOKIE
        if name in cookie and cookie[name].value == value:
            return True
    return False


def under(path, prefix):
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def make_handler(name, log_path, auth_proxy):
    """A handler for listener `name`; `auth_proxy` is (prefix, login URL) for a sign-in proxy."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "http-backend"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def record(self, status):
            def header(key, default=None):
                values = self.headers.get_all(key)
                return ", ".join(values) if values else default

            return {"backend": name, "method": self.command, "path": self.path,
                    "host": header("Host", ""),
                    "authorization": "Authorization" in self.headers,
                    "authRequestUser": header("X-Auth-Request-User"),
                    "forwardedProto": header("X-Forwarded-Proto"),
                    "forwardedHost": header("X-Forwarded-Host"),
                    "forwardedUri": header("X-Forwarded-Uri"),
                    "forwardedMethod": header("X-Forwarded-Method"),
                    "aliasHeaders": {key: value for key, value in self.headers.items() if ALIASING.search(key)},
                    "status": status}

        def reply(self, status, headers=(), body=None):
            record = self.record(status)
            with log_lock, open(log_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
            if body is None:
                body = json.dumps(record) + "\n"
                headers = [("Content-Type", "application/json"), *headers]
            else:
                headers = [("Content-Type", "text/plain; charset=utf-8"), *headers]
            data = body.encode()
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def check(self, login_url):
            """The authenticating proxy's answer to the edge proxy's question."""
            if has_session(self.headers):
                return self.reply(202, SIGNED_IN, "Accepted\n")
            forwarded = [self.headers.get(h) for h in ("X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Uri")]
            if None in forwarded:
                return self.reply(400, body="auth-proxy stand-in: X-Forwarded-Proto, -Host and -Uri are required\n")
            proto, host, uri = forwarded
            location = f"{login_url}?rd={quote(f'{proto}://{host}{uri}', safe='')}"
            return self.reply(302, [("Location", location)], "Found\n")

        def answer(self):
            if auth_proxy is not None and not under(urlsplit(self.path).path, auth_proxy[0]):
                return self.check(auth_proxy[1])
            return self.reply(200)

        do_GET = do_POST = do_HEAD = answer

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", action="append", required=True, help="NAME=ADDRESS:PORT")
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--log", required=True, help="JSON lines, one per request")
    parser.add_argument("--auth-proxy", action="append", nargs=3, default=[],
                        metavar=("SERVICE", "PREFIX", "LOGIN_URL"),
                        help="the listeners SERVICE.<slot> stand in for an authenticating proxy")
    parser.add_argument("--parent-pid", type=int, default=None,
                        help="exit once this process is no longer the parent (default: the parent at start)")
    args = parser.parse_args()
    # Started from a thread that blocks SIGTERM, a process inherits that mask: undo it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    parent = args.parent_pid if args.parent_pid is not None else os.getppid()
    auth_proxies = {service: (prefix, login_url) for service, prefix, login_url in args.auth_proxy}
    listening = {spec.partition("=")[0].rpartition(".")[0] for spec in args.listen}
    if set(auth_proxies) - listening:
        print(f"http backend: --auth-proxy names services without listeners: {sorted(set(auth_proxies) - listening)}",
              file=sys.stderr, flush=True)
        sys.exit(2)
    servers = []
    for spec in args.listen:
        name, _, endpoint = spec.partition("=")
        address, _, port = endpoint.rpartition(":")
        handler = make_handler(name, args.log, auth_proxies.get(name.rpartition(".")[0]))
        try:
            server = ThreadingHTTPServer((address, int(port)), handler)
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
