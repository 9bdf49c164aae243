"""The stack side of the swarm acceptance harness (swarm-harness.sh runs it inside the test
engine's namespace).

  plan FOLDER HOSTROOT SOURCE [--nodes]
                             adapts the temporary copy in FOLDER (of the output folder SOURCE)
                             to this single-node, IPVS-less swarm (--nodes: to the multi-node
                             swarm of swarm-nodes.sh, whose placement is kept as written and
                             whose kernel has no IPsec for encrypted overlays) and prints, as JSON, what the
                             harness must provide: the images (real or stand-in, and the ports a
                             stand-in answers on; the base images of the apps deploy.sh builds,
                             whose contexts are copied beside FOLDER), node labels, the host
                             names routed, the builds, the adaptations made, the routes
  converge PLAN DEADLINE     waits until every service of the stack has its replicas (a job: has
                             completed) or the deadline (seconds since the epoch) passes, then
                             prints one line per service: for a job, its last log lines; for
                             a running service, each config file in its first task (mode and
                             bytes as delivered) and what its start-up did with the stand-in
                             tools; for each one that did not converge, the task error, the
                             failing health check's output and the last log lines; exit status
                             1 when one did not converge or a file is not as delivered
  routes PLAN                sends requests through the stack's proxy (Traefik or HAProxy) for
                             each route: HTTPS to a replica, the HTTP redirect, the sticky cookie
                             pinning one replica, spreading without it; behind a sign-in proxy
                             (forward auth), the redirect to sign in without a session and the
                             app with one, and the sign-in flow's own route; exit status 1 on
                             failure
  builds PLAN                for each app deploy.sh built: the registry lists the tag the
                             service runs; removed from the engine, the image comes back from
                             the registry through the proxy on a forced update; deploy.sh again
                             with the same context leaves the tasks alone, with a changed
                             context rolls out a new tag; exit status 1 on failure
  metrics PLAN               asks the stack's Prometheus (from inside its task) for its scrape
                             targets until every task opted in to metrics (stackc.metrics.*
                             labels) and every exporter its config names by service is scraped
                             and up, or 90 s passed; prints one line per target (job, address,
                             health); exit status 1 when one is missing or not up

The docker CLI is $DOCKER_CLI; it talks to the engine at $DOCKER_HOST.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

import yaml


def docker(*args, check=True):
    """Runs the docker CLI and returns its standard output."""
    run = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), *args], capture_output=True, text=True, timeout=120)
    if check and run.returncode != 0:
        raise RuntimeError("docker %s: %s" % (" ".join(args), run.stderr.strip()))
    return run.stdout


def docker_lines(*args):
    return [line for line in docker(*args, check=False).splitlines() if line.strip()]


# MARK: - Images

#: Images a real binary of this machine stands for; every other image gets the stand-in.
REAL_IMAGES = {
    "postgres": "postgres",
    "traefik": "traefik",
    "haproxy": "haproxy",
    "prom/prometheus": "prometheus",
    "prometheus": "prometheus",
    "prom/node-exporter": "node-exporter",
    "prom/alertmanager": "alertmanager",
    "registry": "registry",
    "restic/restic": "restic",
    "redis": "redis",
    "docker": "docker-cli",
}

#: Base images of apps built from source that get a real program (Debian's).
BUILD_BASES = {"python": "python"}

#: Ports stand-ins of well-known images answer on besides those the stack names.
DEFAULT_PORTS = {"redis": [6379], "mariadb": [3306], "mysql": [3306], "memcached": [11211]}


def repository(image):
    """`docker.io/library/redis:7.4@sha256:…` → `redis`."""
    name = image.split("@")[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":")[0]
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/", "library/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name


# MARK: - plan


def ports_named_in(folder, stack, services):
    """Which ports each service is reached on, as the generated files say: health checks (HTTP
    URLs, bash's /dev/tcp), Traefik labels, waits of entrypoint wrappers, HAProxy backends,
    *_HOST/*_PORT pairs."""
    ports = {name: set() for name in services}

    def add(service, port):
        if service in ports:
            ports[service].add(int(port))

    for name, service in services.items():
        test = (service.get("healthcheck") or {}).get("test") or []
        text = " ".join(test) if isinstance(test, list) else str(test)
        for port in re.findall(r"https?://(?:127\.0\.0\.1|localhost)(?::(\d+))?", text):
            add(name, port or 80)
        for port in re.findall(r"/dev/tcp/(?:127\.0\.0\.1|localhost)/(\d+)", text):
            add(name, port)
        for key, value in ((service.get("deploy") or {}).get("labels") or {}).items():
            if key.endswith(".loadbalancer.server.port") or key == "stackc.metrics.port":
                add(name, value)
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment if "=" in item)
        for key, host in environment.items():
            if key.endswith("_HOST") and host in ports:
                for port_key in (key[:-5] + "_PORT", key + "_PORT"):
                    if str(environment.get(port_key, "")).isdigit():
                        add(host, environment[port_key])
    for root, _, files in os.walk(folder):
        for file in files:
            if file in ("stack.yml", "deploy.sh"):
                continue
            try:
                with open(os.path.join(root, file), encoding="utf-8") as handle:
                    text = handle.read()
            except (UnicodeDecodeError, OSError):
                continue
            for host, port in re.findall(r"wait_for_tcp\s+'?([\w.-]+)'?\s+'?(\d+)", text):
                add(host, port)
            for host, port in re.findall(r"https?://([\w.-]+):(\d+)", text):
                add(host, port)
            for host, port in re.findall(r"tasks\.%s_([\w.-]+):(\d+)" % re.escape(stack), text):
                add(host, port)
    return ports


def metrics_targets(folder, stack, services):
    """{service: {job, port, path}} of what the stack's Prometheus must scrape: each app opted in
    by its stackc.metrics.* labels, and each exporter a job of prometheus/prometheus.yml keeps
    by service name and scrapes on a fixed port."""
    targets = {}
    for name, service in services.items():
        labels = {key: str(value) for key, value in ((service.get("deploy") or {}).get("labels") or {}).items()}
        if labels.get("stackc.metrics.port", "").isdigit():
            targets[name] = {"job": labels.get("stackc.metrics.job", name), "port": int(labels["stackc.metrics.port"]),
                             "path": labels.get("stackc.metrics.path", "/metrics")}
    path = os.path.join(folder, "prometheus", "prometheus.yml")
    if not os.path.exists(path):
        return targets
    with open(path, encoding="utf-8") as handle:
        config = yaml.safe_load(handle) or {}
    for job in config.get("scrape_configs") or []:
        service, port = None, None
        for rule in job.get("relabel_configs") or []:
            sources = rule.get("source_labels") or []
            if sources == ["__meta_dockerswarm_service_name"] and rule.get("action") == "keep":
                match = re.fullmatch(r"%s_([\w.-]+)" % re.escape(stack), str(rule.get("regex", "")))
                service = match.group(1) if match else None
            if rule.get("target_label") == "__address__":
                match = re.fullmatch(r"\$1:(\d+)", str(rule.get("replacement", "")))
                port = int(match.group(1)) if match else port
        if service in services and port and service not in targets:
            targets[service] = {"job": job.get("job_name"), "port": port, "path": job.get("metrics_path", "/metrics")}
    return targets


def adapt_service(name, service, notes, host_root, node_labels, nodes=False):
    """Changes what this single node without IPVS cannot run, saying what and why; with
    `nodes` (a multi-node swarm), only what the missing IPVS asks for and the bind sources."""
    deploy = service.setdefault("deploy", {})
    if deploy.get("endpoint_mode") != "dnsrr":
        deploy["endpoint_mode"] = "dnsrr"
    for port in service.get("ports") or []:
        if isinstance(port, dict) and port.get("mode", "ingress") != "host":
            port["mode"] = "host"
            notes.append("%s: port %s published in host mode (no routing mesh without IPVS)" % (name, port.get("published")))
        elif not isinstance(port, dict):
            notes.append("%s: short-syntax port %r left as it is (it needs the routing mesh)" % (name, port))
    placement = deploy.get("placement") or {}
    if nodes:
        adapt_bind_sources(name, service, notes, host_root)
        return
    if placement.get("max_replicas_per_node") and (deploy.get("replicas") or 1) > placement["max_replicas_per_node"]:
        notes.append("%s: max_replicas_per_node %s dropped: %s replicas on one node"
                     % (name, placement.pop("max_replicas_per_node"), deploy.get("replicas")))
    kept = []
    for constraint in placement.get("constraints") or []:
        match = re.fullmatch(r"\s*node\.labels\.([\w.-]+)\s*==\s*(\S+)\s*", constraint)
        if match and match.group(1).startswith("stackc.pin."):
            # deploy.sh itself labels a node for each pin: the harness leaves that to it.
            kept.append(constraint)
        elif match and match.group(1) == "stackc.node":
            # The test swarm's one node is the first node of the cluster model a placement names;
            # a placement on another named node cannot be met here.
            if node_labels.setdefault("stackc.node", match.group(2)) == match.group(2):
                kept.append(constraint)
            else:
                notes.append("%s: constraint '%s' dropped: the test swarm's one node is '%s' of the cluster model"
                             % (name, constraint, node_labels["stackc.node"]))
        elif match:
            node_labels[match.group(1)] = match.group(2)
            kept.append(constraint)
        elif re.fullmatch(r"\s*node\.role\s*==\s*manager\s*", constraint) or constraint.strip().startswith("node.platform"):
            kept.append(constraint)
        else:
            notes.append("%s: constraint '%s' dropped: the test swarm is one manager node" % (name, constraint))
    if "constraints" in placement:
        placement["constraints"] = kept
    adapt_bind_sources(name, service, notes, host_root)


def adapt_bind_sources(name, service, notes, host_root):
    """Bind sources this machine lacks become folders of the test."""
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict) and volume.get("type") == "bind":
            source = volume.get("source", "")
            if source in ("/var/run/docker.sock", "/run/docker.sock"):
                continue
            if not os.path.exists(source):
                volume["source"] = host_root + source
                os.makedirs(volume["source"], exist_ok=True)
                notes.append("%s: bind source %s → %s (a folder of the test)" % (name, source, volume["source"]))


def configs_of(document, service):
    """[{target, file, mode}] of the configs the service mounts, each with the file of the
    output folder it is made from."""
    configs = []
    for config in service.get("configs") or []:
        if isinstance(config, str):
            source, target = config, "/" + config
        else:
            source, target = config.get("source"), config.get("target") or "/" + config.get("source")
        file = ((document.get("configs") or {}).get(source) or {}).get("file")
        if file:
            mode = config.get("mode") if isinstance(config, dict) else None
            configs.append({"target": target, "file": os.path.normpath(file), "mode": "%o" % mode if mode is not None else None})
    return configs


def base_images(dockerfile):
    """The images the stages of a Dockerfile start from (not `scratch`, not an earlier stage),
    with ARG defaults before the first FROM substituted."""
    arguments, stages, bases = {}, set(), []
    with open(dockerfile, encoding="utf-8") as handle:
        text = re.sub(r"\\\n", " ", handle.read())
    for line in text.splitlines():
        words = line.strip().split()
        if not words or words[0].startswith("#"):
            continue
        if words[0].upper() == "ARG" and not bases and len(words) > 1 and "=" in words[1]:
            key, value = words[1].split("=", 1)
            arguments[key] = value.strip("\"'")
        if words[0].upper() == "FROM":
            words = [word for word in words[1:] if not word.startswith("--")]
            image = re.sub(r"\$\{?(\w+)(?::-([^}]*))?\}?", lambda m: arguments.get(m.group(1), m.group(2) or ""), words[0])
            if image != "scratch" and image not in stages and image not in bases:
                bases.append(image)
            if len(words) >= 3 and words[1].upper() == "AS":
                stages.add(words[2])
    return bases


def builds_of(folder, source, deploy_script, notes):
    """The apps deploy.sh builds: each context copied beside the copy (deploy.sh runs in it, and
    the test changes a context), deploy.sh pointed at the copy. Returns the builds and the new
    script."""
    builds = []
    contexts = os.path.join(os.path.dirname(folder), os.path.basename(folder) + ".contexts")
    pattern = r"^build_and_push\s+'?(\w+)'?\s+'?([^'\s]+)'?\s+'?([^'\n]+?)'?$"
    for variable, repository, context in re.findall(pattern, deploy_script, re.M):
        original = os.path.normpath(os.path.join(source, context))
        copy = os.path.join(contexts, variable)
        shutil.copytree(original, copy, symlinks=True)
        deploy_script = deploy_script.replace(
            "build_and_push %s %s %s" % (variable, repository, context),
            "build_and_push %s %s %s" % (variable, repository, copy))
        deploy_script = deploy_script.replace(
            "build_and_push %s %s '%s'" % (variable, repository, context),
            "build_and_push %s %s %s" % (variable, repository, copy))
        notes.append("build context %s → %s (a copy the test may change)" % (original, copy))
        builds.append({"variable": variable, "repository": repository, "context": copy,
                       "bases": base_images(os.path.join(copy, "Dockerfile"))})
    return builds, deploy_script


def plan(folder, host_root, source, nodes=False):
    with open(os.path.join(folder, "deploy.sh"), encoding="utf-8") as handle:
        deploy_script = handle.read()
    match = re.search(r"^STACK=(\S+)$", deploy_script, re.M)
    if not match:
        raise SystemExit("no STACK= line in %s/deploy.sh" % folder)
    stack = match.group(1).strip("'\"")
    path = os.path.join(folder, "stack.yml")
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    services = document.get("services") or {}
    notes = ["every service: endpoint_mode dnsrr (this kernel has no IPVS, so service VIPs do not work)"]
    node_labels = {}
    for name, service in services.items():
        adapt_service(name, service, notes, host_root, node_labels, nodes)
    for name, network in (document.get("networks") or {}).items() if nodes else ():
        options = (network or {}).get("driver_opts") or {}
        if "encrypted" in options:
            del options["encrypted"]
            notes.append("network %s: not encrypted (this kernel has no IPsec AES-GCM, which encrypted overlays between nodes need)" % name)

    # The shared storage, and the volume folders on it (deploy.sh makes them): moved into the
    # test's folder, which the harness mounts.
    if re.search(r"^SHARED_STORAGE=/data$", deploy_script, re.M):
        deploy_script = re.sub(r"^SHARED_STORAGE=/data$", "SHARED_STORAGE=%s/data" % host_root, deploy_script, flags=re.M)
        notes.append("shared storage: /data → %s/data (mounted by the harness)" % host_root)
    for name, volume in (document.get("volumes") or {}).items():
        options = (volume or {}).get("driver_opts") or {}
        device = options.get("device")
        if options.get("o") == "bind" and device and device.startswith("/"):
            options["device"] = host_root + device
            deploy_script = re.sub(r"(?<![\w/])%s(?![\w/-])" % re.escape(device), host_root + device, deploy_script)
            notes.append("volume %s: folder %s → %s (deploy.sh makes it there)" % (name, device, options["device"]))

    # The backups' folder, which deploy.sh makes on its node: where the jobs' bind sources went.
    for target in re.findall(r"^\(umask 077 && mkdir -p '?([^')]+)'?\)$", deploy_script, re.M):
        if target.startswith("/") and not target.startswith(host_root):
            deploy_script = deploy_script.replace("mkdir -p %s)" % target, "mkdir -p %s)" % (host_root + target))
            deploy_script = deploy_script.replace("mkdir -p '%s')" % target, "mkdir -p '%s')" % (host_root + target))
            notes.append("backups' folder %s → %s (deploy.sh makes it there)" % (target, host_root + target))
    backups = []
    for name, service in services.items():
        labels = (service.get("deploy") or {}).get("labels") or {}
        if labels.get("swarm.cronjob.enable") != "true":
            continue
        environment = service.get("environment") or {}
        repository_path = environment.get("RESTIC_REPOSITORY", "")
        bind = next((v for v in service.get("volumes") or [] if isinstance(v, dict) and v.get("type") == "bind"
                     and repository_path.startswith(v.get("target", "") + "/")), None)
        backups.append({"service": name, "source": name[len("backup-"):], "schedule": labels.get("swarm.cronjob.schedule"),
                        "repository": bind["source"] + repository_path[len(bind["target"]):] if bind else None,
                        "image": service.get("image")})

    images = {}
    ports = ports_named_in(folder, stack, services)
    metrics = metrics_targets(folder, stack, services)
    for name, target in metrics.items():
        ports.setdefault(name, set()).add(target["port"])
        if REAL_IMAGES.get(repository(services[name].get("image") or ""), "standin") != "standin":
            continue
        # The stand-in serves an exposition page there (standin-http).
        environment = services[name].setdefault("environment", {})
        value = "%d:%s" % (target["port"], target["path"])
        if isinstance(environment, list):
            environment.append("STANDIN_METRICS=" + value)
        else:
            environment["STANDIN_METRICS"] = value
        notes.append("%s: STANDIN_METRICS=%s: the stand-in serves a Prometheus page there (job %s)" % (name, value, target["job"]))
    builds, deploy_script = builds_of(folder, source, deploy_script, notes)
    for build in builds:
        for base in build["bases"]:
            images.setdefault(base, {"kind": BUILD_BASES.get(repository(base), "standin"), "ports": set(), "services": []})
        build["service"] = next((name for name, service in services.items()
                                 if "${%s:" % build["variable"] in (service.get("image") or "")), None)
    for name, service in services.items():
        image = service.get("image")
        if not image or "${STACKC_TAG_" in image:
            continue  # built and pushed by deploy.sh
        entry = images.setdefault(image, {"kind": REAL_IMAGES.get(repository(image), "standin"), "ports": set(), "services": []})
        entry["services"].append(name)
        entry["ports"] |= ports.get(name, set())
    for image, entry in images.items():
        if entry["kind"] == "standin":
            entry["ports"] |= set(DEFAULT_PORTS.get(repository(image), []))
            if not entry["ports"]:
                entry["ports"].add(80)
        entry["ports"] = sorted(entry["ports"])

    # The registry the stack's engines push to and pull from, and its login.
    registry = None
    for host, user, secret in re.findall(r"^registry_login\s+'?([^'\s]+)'?\s+'?([^'\s]+)'?\s+'?([^'\s]+)'?$", deploy_script, re.M):
        registry = {"host": host, "user": user, "credential": "%s.%s" % (secret, user)}
    # The mirror caches Docker Hub, which this swarm cannot reach (distribution 2.8 asks its
    # upstream at start and stops without it): it caches the stack's own registry instead.
    mirror = os.path.join(folder, "registry", "mirror.yml")
    if os.path.exists(mirror):
        with open(mirror, encoding="utf-8") as handle:
            text = handle.read()
        if "remoteurl: https://registry-1.docker.io" in text:
            with open(mirror, "w", encoding="utf-8") as handle:
                handle.write(text.replace("remoteurl: https://registry-1.docker.io", "remoteurl: http://registry:5000"))
            notes.append("registry/mirror.yml: upstream Docker Hub → http://registry:5000 (the stack's registry; no Hub here)")

    stack_routes = routes_of(folder, stack, document, deploy_script)
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(document, handle, sort_keys=False)
    platform = os.path.join(folder, "stack.platform.yml")
    if os.path.exists(platform):
        # The platform part: its services adapted the same way.
        with open(platform, encoding="utf-8") as handle:
            part = yaml.safe_load(handle)
        for section in ("services", "volumes", "networks"):
            for name in list(part.get(section) or {}):
                part[section][name] = document[section][name]
        with open(platform, "w", encoding="utf-8") as handle:
            yaml.safe_dump(part, handle, sort_keys=False)
    with open(os.path.join(folder, "deploy.sh"), "w", encoding="utf-8") as handle:
        handle.write(deploy_script)
    return {
        "stack": stack,
        "folder": folder,
        "images": images,
        "services": {name: {"image": service.get("image"), "mode": (service.get("deploy") or {}).get("mode", "replicated"),
                            "replicas": (service.get("deploy") or {}).get("replicas", 1),
                            "configs": configs_of(document, service)} for name, service in services.items()},
        "node_labels": node_labels,
        "builds": builds,
        "platform": sum((line.replace("'", "").split() for line in re.findall(r"^deploy_first\s+(.*)$", deploy_script, re.M)), []),
        "registry": registry,
        "hosts": sorted({route["host"] for route in stack_routes}),
        "notes": notes,
        "routes": stack_routes,
        "prometheus": "prometheus" if "prometheus" in services and metrics else "",
        "metrics": metrics,
        "backups": backups,
        "engine_data": os.path.join(os.path.dirname(host_root), "data"),
    }


# MARK: - Routes


def secret_name(document, service, target):
    """The engine's name of the secret mounted at /run/secrets/`target` in `service`."""
    for secret in service.get("secrets") or []:
        source, mounted = (secret, secret) if isinstance(secret, str) else (secret.get("source"), secret.get("target") or secret.get("source"))
        if mounted == target:
            return ((document.get("secrets") or {}).get(source) or {}).get("name", source)
    return None


def htpasswd_users(deploy_script, secret):
    """Where deploy.sh keeps the passwords of `secret`'s users, and the users it makes htpasswd
    lines for in it."""
    match = re.search(r"^ensure_htpasswd_secret\s+'?%s'?\s+'?([^'\s]+)'?\s+(.+)$" % re.escape(secret), deploy_script, re.M)
    return (match.group(1), match.group(2).replace("'", "").split()) if match else (None, [])


def basic_auth(document, proxy, users_file, deploy_script):
    """{user, secret} for a usersFile the proxy reads, when deploy.sh keeps a login for it."""
    if not users_file or not users_file.startswith("/run/secrets/"):
        return None
    secret = secret_name(document, proxy, users_file[len("/run/secrets/"):])
    kept, users = htpasswd_users(deploy_script, secret) if secret else (None, [])
    # `secret`: where the passwords are kept (CREDENTIALS_DIR/<secret>.<user>).
    return {"user": users[0], "secret": kept} if users else {"user": None, "secret": secret}


def route(proxy, service, host, path, scheme, redirect=False, cookie=None, auth=None, refused=False, sign_in=None):
    """A route; `sign_in` ({service, address, login_url}) names the authenticating proxy the edge
    proxy asks about every request, `flow` (set later) marks the route of that proxy's own
    sign-in flow (`<path>/oauth2/…`)."""
    return {"proxy": proxy, "service": service, "host": host, "path": path, "scheme": scheme,
            "redirect": redirect, "cookie": cookie, "auth": auth, "refused": refused, "sign_in": sign_in, "flow": False}


def traefik_routes(folder, stack, document, deploy_script):
    """Routes from the `traefik.http.*` labels and the dynamic file's routers: host, path,
    scheme, service, redirect, sticky cookie, basic authentication, sign-in (forward auth)."""
    services = document.get("services") or {}
    proxy = services.get("traefik") or {}
    dynamic = {}
    if os.path.exists(os.path.join(folder, "traefik", "dynamic.yml")):
        with open(os.path.join(folder, "traefik", "dynamic.yml"), encoding="utf-8") as handle:
            dynamic = (yaml.safe_load(handle) or {}).get("http") or {}
    file_middlewares = dynamic.get("middlewares") or {}

    def auth_of(middlewares, labels):
        for middleware in middlewares:
            name = middleware.split("@")[0]
            users_file = labels.get("traefik.http.middlewares.%s.basicauth.usersfile" % name) \
                or ((file_middlewares.get(name) or {}).get("basicAuth") or {}).get("usersFile")
            if users_file:
                return basic_auth(document, proxy, users_file, deploy_script)
        return None

    def sign_in_of(middlewares, labels):
        """The service a forward-auth middleware of the router asks, and where it sends a
        browser without a session (its OAUTH2_PROXY_LOGIN_URL)."""
        for middleware in middlewares:
            name = middleware.split("@")[0]
            address = labels.get("traefik.http.middlewares.%s.forwardauth.address" % name) \
                or ((file_middlewares.get(name) or {}).get("forwardAuth") or {}).get("address")
            if address:
                host = re.match(r"https?://([\w.-]+)", address)
                asked = host.group(1) if host and host.group(1) in services else None
                environment = (services.get(asked) or {}).get("environment") or {}
                if isinstance(environment, list):
                    environment = dict(item.split("=", 1) for item in environment if "=" in item)
                return {"service": "%s_%s" % (stack, asked) if asked else None, "address": address,
                        "login_url": environment.get("OAUTH2_PROXY_LOGIN_URL")}
        return None

    routes = []
    for name, service in services.items():
        labels = {key: str(value) for key, value in ((service.get("deploy") or {}).get("labels") or {}).items()}
        if labels.get("traefik.enable", "").lower() != "true":
            continue
        routers = {}
        for key, value in labels.items():
            match = re.fullmatch(r"traefik\.http\.routers\.([\w-]+)\.(\w+)", key)
            if match:
                routers.setdefault(match.group(1), {})[match.group(2)] = value
        for router in routers.values():
            lb = "traefik.http.services.%s.loadbalancer." % router.get("service", name)
            cookie = None
            if labels.get(lb + "sticky.cookie", "").lower() == "true" or labels.get(lb + "sticky.cookie.name"):
                cookie = labels.get(lb + "sticky.cookie.name") or "(traefik's default)"
            middlewares = [m for m in router.get("middlewares", "").split(",") if m]
            # An allow list no client can be on: the route refuses every request (a login stackc
            # cannot make yet).
            refused = any(labels.get("traefik.http.middlewares.%s.ipallowlist.sourcerange" % m.split("@")[0])
                          == "255.255.255.255/32" for m in middlewares)
            for host in re.findall(r"Host\(`([^`]+)`\)", router.get("rule", "")):
                paths = re.findall(r"PathPrefix\(`([^`]+)`\)", router.get("rule", ""))
                routes.append(route("traefik", "%s_%s" % (stack, name), host, paths[0] if paths else "/",
                                    "https" if "websecure" in router.get("entrypoints", "") else "http",
                                    redirect=any(m.startswith("redirect-to-https") for m in middlewares),
                                    cookie=cookie, auth=auth_of(middlewares, labels), refused=refused,
                                    sign_in=sign_in_of(middlewares, labels)))
    for router in (dynamic.get("routers") or {}).values():
        middlewares = router.get("middlewares") or []
        for host in re.findall(r"Host\(`([^`]+)`\)", router.get("rule", "")):
            routes.append(route("traefik", None, host, "/", "https" if "websecure" in (router.get("entryPoints") or []) else "http",
                                redirect=any(m.startswith("redirect-to-https") for m in middlewares), auth=auth_of(middlewares, {})))
    return routes


def haproxy_routes(folder, stack, document, deploy_script):
    """Routes from a generated haproxy.cfg: host ACLs, use_backend, cookies, server templates,
    the stats page's authentication."""
    path = os.path.join(folder, "haproxy", "haproxy.cfg")
    if not os.path.exists(path):
        return []
    sections, current = {}, None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line[0].isspace() and not line.startswith("#"):
                current = line.strip()
                sections[current] = []
            elif current and line.strip():
                sections[current].append(line.strip())
    backends = {header.split()[1]: lines for header, lines in sections.items() if header.startswith("backend ")}
    proxy = (document.get("services") or {}).get("haproxy") or {}
    command = " ".join(proxy.get("command") or []) if isinstance(proxy.get("command"), list) else str(proxy.get("command") or "")
    routes = []
    for header, lines in sections.items():
        if not header.startswith("frontend "):
            continue
        scheme = "https" if any(l.startswith("bind") and " ssl " in l + " " for l in lines) else "http"
        acls = {}
        for line in lines:
            match = re.match(r"acl (\S+) hdr\(host\)\S* -i (\S+)", line)
            if match:
                acls.setdefault(match.group(1), {})["host"] = match.group(2)
            match = re.match(r"acl (\S+) path_beg (\S+)", line)
            if match:
                acls.setdefault(match.group(1), {})["path"] = match.group(2)
        for line in lines:
            match = re.match(r"(use_backend (\S+)|http-request redirect scheme https.*?) if (.+)$", line)
            if not match:
                continue
            names = match.group(3).split()
            host = next((acls[n]["host"] for n in names if "host" in acls.get(n, {})), None)
            route_path = next((acls[n]["path"] for n in names if "path" in acls.get(n, {})), "/")
            backend = backends.get(match.group(2) or "", [])
            if not host:
                continue
            if match.group(2) is None or any(l.startswith("http-request redirect scheme https") for l in backend):
                routes.append(route("haproxy", "(redirect)", host, route_path, "http", redirect=True))
                continue
            template = next((re.search(r"tasks\.%s_([\w.-]+):\d+" % re.escape(stack), l) for l in backend if l.startswith("server-template")), None)
            auth = None
            if any(l.startswith("http-request auth") for l in backend):
                secret = re.search(r"/run/secrets/([\w.-]+)", command)
                auth = basic_auth(document, proxy, "/run/secrets/" + secret.group(1), deploy_script) if secret else {"user": None, "secret": None}
            if template or auth:
                cookie = next((l.split()[1] for l in backend if l.startswith("cookie ")), None)
                refused = any(l.startswith("http-request return status 403") for l in backend)
                routes.append(route("haproxy", "%s_%s" % (stack, template.group(1)) if template else None, host, route_path, scheme,
                                    cookie=cookie, auth=auth, refused=refused))
    return routes


def routes_of(folder, stack, document, deploy_script):
    """The routes of every proxy, a redirect from HTTP merged into the route it leads to."""
    found = traefik_routes(folder, stack, document, deploy_script) + haproxy_routes(folder, stack, document, deploy_script)
    merged = {}
    for entry in found:
        if entry["service"] == "(redirect)" or (entry["redirect"] and entry["scheme"] == "http"):
            continue
        merged.setdefault((entry["host"], entry["path"]), entry)
    for entry in found:
        key = (entry["host"], entry["path"])
        if key in merged and (entry["service"] == "(redirect)" or entry["redirect"]):
            merged[key]["redirect"] = True
    # The routes to an authenticating proxy are its sign-in flow.
    asked = {entry["sign_in"]["service"] for entry in found if entry.get("sign_in") and entry["sign_in"]["service"]}
    for entry in merged.values():
        entry["flow"] = entry["service"] in asked
    return sorted(merged.values(), key=lambda r: (r["host"], r["path"]))


# MARK: - converge


def service_states(stack):
    """{service: (converged, shown replicas)} from `docker service ls`."""
    states = {}
    for line in docker_lines("service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack, "--format", "{{json .}}"):
        entry = json.loads(line)
        replicas = entry.get("Replicas", "")
        completed = re.search(r"\((\d+)/(\d+) completed\)", replicas)
        if completed:
            done = completed.group(1) == completed.group(2)
        else:
            # A global service with no task has no node it may run on: that is no success.
            running = re.match(r"(\d+)/(\d+)", replicas)
            done = bool(running) and running.group(1) == running.group(2) and (running.group(2) != "0" or "global" not in entry.get("Mode", ""))
        states[entry["Name"]] = (done, replicas)
    return states


def indent(text, prefix="    | "):
    return "\n".join(prefix + line for line in text.rstrip().splitlines())


def why(service):
    """The task errors, the newest container's health check and its last log lines."""
    lines = []
    tasks = [json.loads(l) for l in docker_lines("service", "ps", "--no-trunc", "--format", "{{json .}}", service)]
    shown = 0
    for task in tasks:
        if shown == 4:
            break
        state, error = task.get("CurrentState", ""), task.get("Error", "")
        if error or not state.startswith("Running"):
            lines.append("  task %s: %s (desired %s)%s" % (task.get("Name", "").lstrip("\\_ ").strip(), state,
                                                         task.get("DesiredState", ""), ": " + error if error else ""))
            shown += 1
    containers = docker_lines("ps", "-a", "--no-trunc", "--filter", "label=com.docker.swarm.service.name=" + service, "--format", "{{.ID}}")
    if not containers:
        lines.append("  no container was started")
        return lines
    # The newest container that ran (the newest may only have been created, to start next).
    ran = []
    for container in containers:
        state = json.loads(docker("inspect", "--format", "{{json .State}}", container, check=False) or "{}")
        if state.get("Status") != "created":
            ran.append((container, state))
    newest, state = ran[0] if ran else (containers[0], {})
    lines.append("  newest container %s: %s%s" % (newest[:12], state.get("Status", "?"),
                                                  ", exit code %s" % state.get("ExitCode") if state.get("Status") == "exited" else ""))
    # The health check that explains most: a replacement container may still be "starting"
    # while the one before it was stopped for being unhealthy, so name that one if there is one.
    checked = [(container, s.get("Health")) for container, s in ran if s.get("Health")]
    unhealthy = [(container, health) for container, health in checked if health.get("Status") == "unhealthy"]
    if checked:
        container, health = (unhealthy or checked)[0]
        last = (health.get("Log") or [{}])[-1]
        whose = "" if container == newest else " in earlier container %s" % container[:12]
        lines.append("  health check%s: %s (%s failing in a row); last probe exit %s, output:" % (
            whose, health.get("Status"), health.get("FailingStreak"), last.get("ExitCode")))
        lines.append(indent(last.get("Output") or "(no output)"))
    logs = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), "logs", "--tail", "15", newest],
                          capture_output=True, text=True, timeout=60)
    lines.append("  last log lines:")
    lines.append(indent((logs.stdout + logs.stderr) or "(no output)"))
    return lines


def running_container(service):
    """(container id, task name) of the running task of the service with the lowest slot (the
    one that runs once-only start-up steps), or (None, None)."""
    tasks = []
    for line in docker_lines("ps", "--filter", "label=com.docker.swarm.service.name=" + service, "--filter", "status=running",
                             "--format", '{{.ID}} {{.Label "com.docker.swarm.task.name"}}'):
        container, _, task = line.partition(" ")
        parts = task.split(".")
        slot = int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 0
        tasks.append((slot, container, ".".join(parts[:2]) if len(parts) > 2 else task))
    return min(tasks)[1:] if tasks else (None, None)


def delivered_files(container, task, configs, folder):
    """Whether each config is in the running container at its target, with its mode and the
    bytes of the output folder's file it is made from; lines saying so."""
    ok, lines = True, []
    for config in configs:
        target, file = config["target"], config["file"]
        run = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), "exec", container, "sh", "-c", 'stat -c %a "$1" && cat "$1"',
                              "sh", target], capture_output=True, timeout=60)
        mode, _, content = run.stdout.partition(b"\n")
        mode = mode.decode(errors="replace").strip()
        try:
            with open(os.path.join(folder, file), "rb") as handle:
                expected = handle.read()
        except OSError as error:
            ok = False
            lines.append("  file %s: NOT checked: cannot read %s in the output folder: %s" % (target, file, error))
            continue
        if run.returncode != 0:
            problem = run.stderr.decode(errors="replace").strip() or "docker exec exited %d" % run.returncode
        elif content != expected:
            problem = "%d bytes that differ from the %d of %s" % (len(content), len(expected), file)
        elif config["mode"] is not None and mode != config["mode"]:
            problem = "mode %s (expected %s)" % (mode, config["mode"])
        else:
            lines.append("  file %s in task %s: mode %s, the %d bytes of %s" % (target, task, mode, len(content), file))
            continue
        ok = False
        lines.append("  file %s in task %s: NOT as delivered: %s" % (target, task, problem))
    return ok, lines


#: Lines of a service's log that say what its start-up did with the stand-in tools: the hooks
#: the stand-in ran, their own messages, the calls the stand-in php and kcadm.sh recorded.
STARTUP_LOG = re.compile(r"^(stand-in: running hook |stackc: |stand-in (php|kcadm\.sh): )")


def startup_lines(container):
    logs = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), "logs", container], capture_output=True, text=True, timeout=60)
    return [line for line in (logs.stdout + logs.stderr).splitlines() if STARTUP_LOG.match(line)][:20]


def converge(plan_path, deadline):
    with open(plan_path, encoding="utf-8") as handle:
        stack_plan = json.load(handle)
    stack = stack_plan["stack"]
    expected = ["%s_%s" % (stack, name) for name in stack_plan["services"]]
    while True:
        states = service_states(stack)
        if all(states.get(name, (False, ""))[0] for name in expected) or time.time() >= deadline:
            break
        time.sleep(3)
    failed = []
    for name in expected:
        done, replicas = states.get(name, (False, "not created"))
        if done:
            print("service %s: converged (%s)" % (name, replicas))
            if "completed" in replicas:
                # A job's work is its log: show what it did.
                for container in docker_lines("ps", "-a", "--filter", "label=com.docker.swarm.service.name=" + name, "--format", "{{.ID}}")[:1]:
                    logs = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), "logs", "--tail", "20", container],
                                          capture_output=True, text=True, timeout=60)
                    print("  its last log lines:")
                    print(indent((logs.stdout + logs.stderr) or "(no output)"))
                continue
            # A running task: the files delivered to it, and what its start-up did.
            service = stack_plan["services"][name[len(stack) + 1:]]
            container, task = running_container(name)
            if container:
                delivered, lines = delivered_files(container, task, service.get("configs") or [], stack_plan["folder"])
                if not delivered:
                    failed.append(name)
                recorded = startup_lines(container)
                if recorded:
                    lines += ["  its start-up in task %s (from its log):" % task, indent("\n".join(recorded))]
                for line in lines:
                    print(line)
            continue
        failed.append(name)
        print("service %s: NOT converged (%s)" % (name, replicas))
        for line in why(name) if name in states else []:
            print(line)
    sys.stdout.flush()
    return 1 if failed else 0


# MARK: - routes


#: The cookie the stand-in for oauth2-proxy takes for a signed-in session (standin-http).
SESSION_COOKIE = "stackc_standin_session"


def curl(url, host, port, cookie_jar=None, login=None, session=False):
    """(status, location, set-cookie names, body) of one request through the proxy on loopback;
    with `session`, the cookie of a signed-in session (seed_session puts it in a cookie jar)."""
    command = ["curl", "-sk", "-m", "5", "-o", "-", "-D", "/dev/stderr", "--resolve", "%s:%d:127.0.0.1" % (host, port)]
    if cookie_jar:
        command += ["-b", cookie_jar, "-c", cookie_jar]
    elif session:
        command += ["-b", "%s=1" % SESSION_COOKIE]
    if login:
        command += ["-K", "-"]  # the password goes on standard input, not the command line
    config = 'user = "%s:%s"\n' % login if login else None
    run = subprocess.run(command + [url], input=config, capture_output=True, text=True, timeout=30)
    headers = run.stderr
    status = re.findall(r"^HTTP/\S+ (\d+)", headers, re.M)
    location = re.search(r"^location: (\S+)", headers, re.M | re.I)
    cookies = re.findall(r"^set-cookie: ([^=]+)=", headers, re.M | re.I)
    return (int(status[-1]) if status else 0), (location.group(1) if location else None), cookies, run.stdout


def seed_session(jar, host):
    """A cookie jar (Netscape format) holding the session cookie for `host`."""
    with open(jar, "w", encoding="utf-8") as handle:
        handle.write("%s\tFALSE\t/\tFALSE\t0\t%s\t1\n" % (host, SESSION_COOKIE))


def task_hostnames(service):
    """{container hostname: task name} of the service's running containers."""
    names = {}
    for container in docker_lines("ps", "--filter", "label=com.docker.swarm.service.name=" + service, "--format", "{{.ID}}"):
        info = json.loads(docker("inspect", "--format", "{{json .}}", container, check=False) or "{}")
        names[info.get("Config", {}).get("Hostname", "")] = info.get("Config", {}).get("Labels", {}).get("com.docker.swarm.task.name", "?")
    return names


def login_for(auth):
    """(user, password) deploy.sh kept in STACKC_CREDENTIALS_DIR for a basic-auth route."""
    if not auth or not auth.get("user") or not auth.get("secret"):
        return None
    path = os.path.join(os.environ.get("STACKC_CREDENTIALS_DIR", ""), "%s.%s" % (auth["secret"], auth["user"]))
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return auth["user"], handle.read().strip()


def while_the_proxy_learns(attempt, done, pause):
    """Calls attempt() every `pause` seconds until done(its result) or 60 s have passed, and
    returns the last result: Traefik reads routers and tasks from the Swarm API on its own
    schedule, so a route may answer 404, or from only some replicas, for a while."""
    deadline = time.time() + 60
    while True:
        result = attempt()
        if done(result) or time.time() >= deadline:
            return result
        time.sleep(pause)


def kind_of(stack_plan, service):
    """`standin` or the real image's kind for `<stack>_<name>`."""
    entry = stack_plan["services"].get((service or "")[len(stack_plan["stack"]) + 1:], {})
    return stack_plan["images"].get(entry.get("image"), {}).get("kind")


def first_word(body):
    return body.split(" ")[0] if body else ""


def check_sign_in_required(route, url, host, port, stack_plan):
    """Without a session, a request to an app behind a sign-in proxy must end at that proxy: a
    redirect to the realm's sign-in page from one of its tasks (a stand-in names itself in the
    body), and no task of the app reached."""
    sign_in, service = route["sign_in"], route["service"]
    asked = sign_in.get("service")
    asked_standin = kind_of(stack_plan, asked) == "standin"
    login_url = sign_in.get("login_url")

    def attempt():
        app_names = task_hostnames(service) if service else {}
        asked_names = task_hostnames(asked) if asked else {}
        status, location, _, body = curl(url, host, port)
        return status, location, body, app_names, asked_names

    def redirected(result):
        status, location, body, app_names, asked_names = result
        return (status in (302, 303, 307) and bool(location) and (not login_url or location.startswith(login_url))
                and first_word(body) not in app_names and (not asked_standin or first_word(body) in asked_names))

    result = while_the_proxy_learns(attempt, redirected, pause=2)
    status, location, body, app_names, asked_names = result
    if redirected(result):
        by = "task " + asked_names[first_word(body)] if asked_standin else asked or sign_in["address"]
        return True, ["sign-in %s: %d without a session, to %s, from the sign-in proxy (%s); no task of %s reached"
                      % (url, status, location, by, service)]
    return False, ["sign-in %s: FAILED: without a session status %d, location %s, answer %r (expected a redirect to %s "
                   "from %s, and no answer from the tasks of %s: %s)" % (url, status, location, body[:120],
                                                                         login_url or "a sign-in page", asked or sign_in["address"],
                                                                         service, sorted(app_names.values()))]


def check_sign_in_flow(route, url, host, port, stack_plan):
    """The route of a sign-in proxy's own flow (`<path>/oauth2/…`) reaches the proxy directly,
    not through forward auth: `…/oauth2/start` without a session redirects to the realm's
    sign-in page, and a stand-in says it got that very path."""
    service = route["service"]
    standin = kind_of(stack_plan, service) == "standin"
    start = url.rstrip("/") + "/start"
    target = route["path"].rstrip("/") + "/start"
    login_url = next((r["sign_in"].get("login_url") for r in stack_plan["routes"]
                      if r.get("sign_in") and r["sign_in"].get("service") == service), None)

    def attempt():
        names = task_hostnames(service)
        status, location, _, body = curl(start, host, port)
        return status, location, body, names

    def started(result):
        status, location, body, names = result
        words = body.split()
        return (status in (302, 303, 307) and bool(location) and (not login_url or location.startswith(login_url))
                and (not standin or (first_word(body) in names and words[2:3] == [target])))

    result = while_the_proxy_learns(attempt, started, pause=2)
    status, location, body, names = result
    if started(result):
        by = "task %s, which got GET %s" % (names[first_word(body)], target) if standin else service
        return True, ["sign-in flow %s: %d to %s from %s (its own route, no forward auth)" % (start, status, location, by)]
    return False, ["sign-in flow %s: FAILED: status %d, location %s, answer %r (expected a redirect to %s from a task of "
                   "%s: %s)" % (start, status, location, body[:120], login_url or "a sign-in page", service, sorted(names.values()))]


def check_redirect(host, path):
    """Whether plain HTTP redirects to HTTPS, and the line saying so."""
    status, location, _, _ = curl("http://%s%s" % (host, path), host, 80)
    expected = "https://%s%s" % (host, path)
    if status in (301, 302, 307, 308) and location == expected:
        return True, "redirect http://%s%s: %d to %s" % (host, path, status, location)
    return False, "redirect http://%s%s: FAILED: status %d, location %s (expected a redirect to %s)" % (host, path, status, location, expected)


def check_route(route, stack_plan):
    """Whether everything held, and lines saying what was checked."""
    host, path, service = route["host"], route["path"], route["service"]
    port = 443 if route["scheme"] == "https" else 80
    url = "%s://%s%s" % (route["scheme"], host, path)
    app = stack_plan["services"].get((service or "")[len(stack_plan["stack"]) + 1:], {})
    standin = service is not None and stack_plan["images"].get(app.get("image"), {}).get("kind") == "standin"
    ok, lines = True, []
    if route.get("refused"):
        # The manifest protects the app with a login stackc does not generate yet: the proxy
        # must refuse every request, and no task may answer.
        def refused_attempt():
            return curl(url, host, port)

        status, _, _, body = while_the_proxy_learns(refused_attempt, lambda result: result[0] != 404, pause=2)
        names = task_hostnames(service) if service else {}
        if status == 403 and body.split(" ")[0] not in names:
            lines.append("refused %s: 403 from the proxy, no task reached (its login is not generated yet)" % url)
        else:
            ok = False
            lines.append("refused %s: FAILED: status %d, answer %r (expected 403 from the proxy)" % (url, status, body[:120]))
        return ok, lines
    if route.get("flow"):
        ok, lines = check_sign_in_flow(route, url, host, port, stack_plan)
        if ok and route["redirect"]:
            ok, line = check_redirect(host, path)
            lines.append(line)
        return ok, lines
    # Behind a sign-in proxy: without a session the proxy sends the browser to sign in; every
    # check below sends the cookie of a session, which it lets through.
    session = bool(route.get("sign_in"))
    if session:
        ok, lines = check_sign_in_required(route, url, host, port, stack_plan)
        if not ok:
            return ok, lines
    login = login_for(route["auth"])
    if route["auth"]:
        status = while_the_proxy_learns(lambda: curl(url, host, port)[0], lambda status: status != 404, pause=2)
        if status == 401 and login:
            lines.append("login %s: 401 without credentials; the password deploy.sh kept for %s (%s) is used below" % (url, route["auth"]["user"], route["auth"]["secret"]))
        else:
            ok = False
            lines.append("login %s: FAILED: %d without credentials (expected 401), kept password: %s" % (url, status, "found" if login else "not found"))
            return ok, lines

    def route_attempt():
        names = task_hostnames(service) if service else {}
        status, location, _, body = curl(url, host, port, login=login, session=session)
        return status, body, names, location

    def own_redirect(status, location):
        """A real program's own redirect to a page of its own (Prometheus's / to its graph page):
        relative, or on the route's host over HTTPS. The proxy's redirects go elsewhere (HTTP to
        HTTPS, a sign-in page on the identity's host)."""
        return (not standin and service is not None and status in (301, 302, 303, 307, 308) and bool(location)
                and (location.startswith("/") and not location.startswith("//")
                     or location.startswith("https://%s/" % host)))

    def route_answered(result):
        status, body, names, location = result
        return ((status == 200 and (not standin or body.split(" ")[0] in names))
                or own_redirect(status, location)
                or (service is None and 0 < status < 500 and status != 401))

    status, body, hostnames, location = while_the_proxy_learns(route_attempt, route_answered, pause=2)
    answered = body.split(" ")[0] if body else ""
    if service is None and 0 < status < 500 and status != 401:
        lines.append("route %s: %d from the proxy itself%s" % (url, status, " with the kept password" if login else ""))
    elif own_redirect(status, location):
        lines.append("route %s: %d from %s to its own page %s%s" % (
            url, status, service, location, " with a session (the sign-in proxy let it through)" if session else
            " with the kept password" if login else ""))
    elif status == 200 and (not standin or answered in hostnames):
        lines.append("route %s: %d from %s%s" % (url, status, "task " + hostnames[answered] if standin else service,
                                                  " with a session (the sign-in proxy let it through)" if session else ""))
    else:
        lines.append("route %s: FAILED: status %d, answer %r (tasks of %s: %s)" % (url, status, body[:120], service, sorted(hostnames.values())))
        return False, lines
    if route["redirect"]:
        redirected, line = check_redirect(host, path)
        ok &= redirected
        lines.append(line)
    if (app.get("replicas") or 1) < 2 or not standin:
        return ok, lines
    if route["cookie"]:
        jar = "/tmp/stackc-cookies-%d" % os.getpid()
        if session:
            seed_session(jar, host)
        try:
            seen, cookie_names = [], []
            for _ in range(8):
                _, _, cookies, body = curl(url, host, port, cookie_jar=jar, login=login)
                cookie_names += cookies
                seen.append(hostnames.get(body.split(" ")[0], body[:40]))
        finally:
            if os.path.exists(jar):
                os.remove(jar)
        name_ok = route["cookie"].startswith("(") or route["cookie"] in cookie_names
        if len(set(seen)) == 1 and name_ok:
            lines.append("sticky %s: cookie %s pins one replica: %d of %d requests to %s" % (url, route["cookie"], len(seen), len(seen), seen[0]))
        else:
            ok = False
            lines.append("sticky %s: FAILED: cookie %s (set: %s) spread requests over %s" % (url, route["cookie"], sorted(set(cookie_names)), sorted(set(seen))))
    else:
        def spread_attempt():
            names = task_hostnames(service)
            bodies = [curl(url, host, port, login=login, session=session)[3] for _ in range(12)]
            return [names.get(body.split(" ")[0], body[:40]) for body in bodies]

        seen = while_the_proxy_learns(spread_attempt, lambda seen: len(set(seen)) >= 2, pause=5)
        if len(set(seen)) >= 2:
            lines.append("spread %s: no sticky cookie: 12 requests reached %d replicas (%s)" % (url, len(set(seen)), ", ".join(sorted(set(seen)))))
        else:
            ok = False
            lines.append("spread %s: FAILED: without a sticky cookie 12 requests all reached %s" % (url, sorted(set(seen))))
    return ok, lines


def routes(plan_path):
    with open(plan_path, encoding="utf-8") as handle:
        stack_plan = json.load(handle)
    failed = False
    for route in stack_plan["routes"]:
        ok, lines = check_route(route, stack_plan)
        failed |= not ok
        for line in lines:
            print(line)
        sys.stdout.flush()
    return 1 if failed else 0


# MARK: - metrics


def prometheus_targets(container):
    """Prometheus's active targets, asked from inside its container; (targets, error)."""
    run = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), "exec", container, "wget", "-qO-",
                          "http://127.0.0.1:9090/api/v1/targets?state=active"], capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        return [], (run.stderr.strip() or "docker exec exited %d" % run.returncode)
    try:
        return json.loads(run.stdout)["data"]["activeTargets"], None
    except (ValueError, KeyError, TypeError) as error:
        return [], "not the targets API's answer (%s): %r" % (error, run.stdout[:200])


def metrics(plan_path, wait=90):
    with open(plan_path, encoding="utf-8") as handle:
        stack_plan = json.load(handle)
    stack, expected = stack_plan["stack"], stack_plan["metrics"]
    prometheus = "%s_%s" % (stack, stack_plan["prometheus"])
    container, task = running_container(prometheus)
    if not container:
        print("metrics: FAILED: no running task of %s to ask" % prometheus)
        return 1
    tasks = {name: len(docker_lines("ps", "--filter", "label=com.docker.swarm.service.name=%s_%s" % (stack, name),
                                    "--filter", "status=running", "--format", "{{.ID}}")) for name in expected}

    def missing(targets):
        """What is not scraped yet: (service, job, tasks, up)."""
        gaps = []
        for name, target in sorted(expected.items()):
            up = {t["labels"].get("instance") for t in targets if t["labels"].get("service") == "%s_%s" % (stack, name)
                  and t["labels"].get("job") == target["job"] and t.get("health") == "up"
                  and t.get("scrapeUrl", "").endswith(":%d%s" % (target["port"], target["path"]))}
            if len(up) < max(tasks[name], 1):
                gaps.append((name, target["job"], tasks[name], len(up)))
        return gaps

    # How it runs: the user (the stack says 0:0, the image nobody) and the engine's socket.
    identity = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), "exec", container, "sh", "-c",
                               'echo "uid $(id -u), /var/run/docker.sock: $(stat -L -c %F /var/run/docker.sock)"'],
                              capture_output=True, text=True, timeout=60)
    args = json.loads(docker("inspect", "--format", "{{json .Args}}", container, check=False) or "[]")
    print("prometheus: task %s runs as %s; started with %s" % (task, (identity.stdout.strip() or identity.stderr.strip()), " ".join(args)))
    started = time.time()
    while True:
        targets, error = prometheus_targets(container)
        gaps = missing(targets)
        if not gaps or time.time() - started >= wait:
            break
        time.sleep(5)
    waited = time.time() - started
    for target in sorted(targets, key=lambda t: (t["labels"].get("job", ""), t["labels"].get("instance", ""))):
        labels = target["labels"]
        print("prometheus target: job %s, address %s, health %s%s%s" % (
            labels.get("job"), labels.get("instance"), target.get("health"),
            " (service %s, slot %s)" % (labels["service"], labels.get("slot", "-")) if labels.get("service") else "",
            ": " + target["lastError"] if target.get("lastError") else ""))
    if error:
        print("metrics: FAILED: Prometheus in task %s did not answer: %s" % (task, error))
        return 1
    if gaps:
        for name, job, count, up in gaps:
            print("metrics: FAILED: %s_%s (job %s): %d of its %d running tasks scraped and up after %ds"
                  % (stack, name, job, up, count, waited))
        return 1
    print("metrics: Prometheus (task %s) scrapes every opted-in task and exporter, all up, after %ds: %s" % (
        task, waited, ", ".join("%s_%s (job %s, %d)" % (stack, name, t["job"], max(tasks[name], 1)) for name, t in sorted(expected.items()))))
    sys.stdout.flush()
    return 0


# MARK: - Backups


def prometheus_query(container, query):
    """The samples of an instant query, asked from inside Prometheus's container."""
    run = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), "exec", container, "wget", "-qO-",
                          "http://127.0.0.1:9090/api/v1/query?query=" + query], capture_output=True, text=True, timeout=60)
    try:
        return json.loads(run.stdout)["data"]["result"]
    except (ValueError, KeyError, TypeError):
        return []


def backups(plan_path, wait=240):
    """Runs each backup job whose image is real once, as its scheduler would (scaled to one
    task), and checks that it completed, wrote a restic repository with a snapshot in the
    backups' folder, and recorded the run where node-exporter reads it; with Prometheus, that
    Prometheus has the time of the last success."""
    with open(plan_path, encoding="utf-8") as handle:
        stack_plan = json.load(handle)
    stack, failed, ran = stack_plan["stack"], 0, []
    for job in stack_plan["backups"]:
        service = "%s_%s" % (stack, job["service"])
        kind = stack_plan["images"].get(job["image"], {}).get("kind")
        if kind == "standin":
            print("backup %s: not run: its image %s is a stand-in here" % (job["source"], job["image"]))
            continue
        docker("service", "scale", "--detach", "%s=1" % service)
        started, state = time.time(), ""
        while time.time() - started < wait:
            states = docker_lines("service", "ps", "--format", "{{.CurrentState}}", service)
            state = states[0] if states else ""
            if state.startswith(("Complete", "Failed", "Rejected")):
                break
            time.sleep(2)
        waited = time.time() - started
        logs = docker("service", "logs", "--raw", service, check=False)
        if not state.startswith("Complete"):
            print("backup %s: FAILED: the job's task is '%s' after %ds; its log:\n%s" % (job["source"], state, waited, indent(logs)))
            failed += 1
            continue
        repository = job["repository"]
        snapshots = os.listdir(os.path.join(repository, "snapshots")) if repository and os.path.isdir(os.path.join(repository, "snapshots")) else []
        if repository and (not os.path.isfile(os.path.join(repository, "config")) or not snapshots):
            print("backup %s: FAILED: no restic repository with a snapshot at %s; the job's log:\n%s" % (job["source"], repository, indent(logs)))
            failed += 1
            continue
        record_path = os.path.join(stack_plan["engine_data"], "volumes", "%s_backup-metrics" % stack, "_data", "%s.prom" % job["source"])
        record = open(record_path, encoding="utf-8").read() if os.path.exists(record_path) else ""
        if 'stackc_backup_last_run_success{source="%s"} 1' % job["source"] not in record:
            print("backup %s: FAILED: the record %s does not say the run succeeded:\n%s" % (job["source"], record_path, indent(record)))
            failed += 1
            continue
        print("backup %s: the job ran in %ds, restic repository %s has %d snapshot(s), the record says it succeeded"
              % (job["source"], waited, repository, len(snapshots)))
        ran.append(job["source"])
    if ran and stack_plan.get("prometheus"):
        container, task = running_container("%s_%s" % (stack, stack_plan["prometheus"]))
        started, seen = time.time(), set()
        while container and time.time() - started < 120:
            seen = {sample["metric"].get("source") for sample in prometheus_query(container, "stackc_backup_last_success_timestamp_seconds")}
            if set(ran) <= seen:
                break
            time.sleep(5)
        if set(ran) <= seen:
            print("backups: Prometheus (task %s) has the time of the last success of %s, through node-exporter, after %ds"
                  % (task, ", ".join(sorted(ran)), time.time() - started))
        else:
            print("backups: FAILED: Prometheus has no time of the last success of %s after %ds (it has: %s)"
                  % (", ".join(sorted(set(ran) - seen)), time.time() - started, ", ".join(sorted(filter(None, seen))) or "none"))
            failed += 1
    sys.stdout.flush()
    return 1 if failed else 0


# MARK: - Builds


def service_image(service):
    return docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", service).strip()


def running_tasks(service):
    return sorted(docker_lines("service", "ps", "-q", "--filter", "desired-state=running", service))


def registry_tags(stack_plan, repository):
    """The tags the stack's registry lists for `repository`, asked through the proxy over HTTPS
    with the password deploy.sh kept (the certificate is the stack's own: not verified here)."""
    registry = stack_plan["registry"]
    with open(os.path.join(os.environ["STACKC_CREDENTIALS_DIR"], registry["credential"]), encoding="utf-8") as handle:
        password = handle.read().strip()
    name = repository[len(registry["host"]) + 1:]
    run = subprocess.run(["curl", "--silent", "--insecure", "--max-time", "10", "--noproxy", "*",
                          "--resolve", "%s:443:127.0.0.1" % registry["host"], "--user", "%s:%s" % (registry["user"], password),
                          "https://%s/v2/%s/tags/list" % (registry["host"], name)], capture_output=True, text=True, timeout=30)
    try:
        return json.loads(run.stdout).get("tags") or []
    except ValueError:
        return []


def redeploy(stack_plan, label):
    """Runs deploy.sh again; its exit status, and its output on failure."""
    run = subprocess.run(["bash", "deploy.sh"], cwd=stack_plan["folder"], capture_output=True, text=True,
                         timeout=int(os.environ.get("STACKC_DEPLOY_TIMEOUT", "300")) + 120)
    if run.returncode != 0:
        print("%s: FAILED: deploy.sh exited %d:" % (label, run.returncode))
        print(indent(run.stdout + run.stderr))
    return run.returncode


def builds(plan_path):
    """For each app deploy.sh built: the registry has its image under the tag the service runs;
    removed from the engine, it comes back from the registry through the proxy when the service
    is updated; deploy.sh again with the same context leaves the tasks alone; with a changed
    context it rolls out a new tag."""
    with open(plan_path, encoding="utf-8") as handle:
        stack_plan = json.load(handle)
    stack, failed = stack_plan["stack"], False
    # The engine here takes 127.0.0.0/8 as an insecure registry (it would not check the
    # certificate), so the trust the stack writes is checked with curl, which does.
    host = stack_plan["registry"]["host"]
    authority = "/etc/docker/certs.d/%s/ca.crt" % host
    verified = subprocess.run(["curl", "--silent", "--output", "/dev/null", "--write-out", "%{http_code}", "--max-time", "10",
                               "--noproxy", "*", "--cacert", authority, "--resolve", "%s:443:127.0.0.1" % host,
                               "https://%s/v2/" % host], capture_output=True, text=True, timeout=30)
    if os.path.exists(authority) and verified.stdout == "401":
        print("trust: %s (written by %s_registry-trust) verifies https://%s, which asks for a login (401)" % (authority, stack, host))
    else:
        print("trust: FAILED: %s %s; curl with it: %s %s" % (authority, "exists" if os.path.exists(authority) else "is missing",
                                                            verified.stdout, verified.stderr.strip()))
        failed = True
    # The platform part went first; the whole stack, deployed after, changed none of it.
    platform = ["%s_%s" % (stack, name) for name in stack_plan["platform"]]
    history = {name: len(docker_lines("service", "ps", "-q", name)) for name in platform}
    if platform and all(history[name] == len(running_tasks(name)) > 0 for name in platform):
        print("platform part: %s kept the tasks of the first deploy through the whole stack's deploy" % ", ".join(platform))
    else:
        print("platform part: FAILED: tasks ever / running: %s" % {name: (history[name], len(running_tasks(name))) for name in platform})
        failed = True
    for build in stack_plan["builds"]:
        service = "%s_%s" % (stack, build["service"])
        image = service_image(service)
        repository, _, tag = image.partition("@")[0].rpartition(":")
        if repository != build["repository"] or not tag.startswith("src-"):
            print("build %s: FAILED: the service runs %r, not a content tag of %s" % (service, image, build["repository"]))
            failed = True
            continue
        tags = registry_tags(stack_plan, repository)
        if tag in tags:
            print("build %s: the registry lists %s:%s (asked through the proxy with the kept password); the service runs it" % (service, repository, tag))
        else:
            print("build %s: FAILED: the registry lists %s for %s, not %s" % (service, tags, repository, tag))
            failed = True
            continue
        # Pulled back from the registry: removed from the engine, pulled by the engine through
        # the proxy with the login deploy.sh made (this engine never pulls for a task:
        # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE), the same image; the service's tasks replaced by
        # ones running it.
        reference = "%s:%s" % (repository, tag)
        original = docker("image", "inspect", "--format", "{{.Id}}", reference).strip()
        docker("image", "rm", "--force", reference)
        gone = not docker("image", "inspect", "--format", "{{.Id}}", reference, check=False).strip()
        pull = subprocess.run([os.environ.get("DOCKER_CLI", "docker"), "pull", reference], capture_output=True, text=True, timeout=300)
        pulled = docker("image", "inspect", "--format", "{{.Id}}", reference, check=False).strip()
        before = running_tasks(service)
        docker("service", "update", "--force", "--with-registry-auth", "--detach", service)
        deadline, now, states = time.time() + 180, before, {}
        while time.time() < deadline:
            now, states = running_tasks(service), service_states(stack)
            if now and not set(now) & set(before) and states.get(service, (False, ""))[0]:
                break
            time.sleep(3)
        if gone and pull.returncode == 0 and pulled == original and not set(now) & set(before) and states.get(service, (False, ""))[0]:
            print("build %s: removed from the engine, pulled back from https://%s through the proxy (image %s, as built); new tasks run it"
                  % (service, stack_plan["registry"]["host"], original[:19]))
        else:
            print("build %s: FAILED: removed: %s; pull: exit %d %s; image %s (built %s); tasks %s (before %s), %s"
                  % (service, gone, pull.returncode, (pull.stdout + pull.stderr).strip()[-300:], pulled or "absent",
                     original, now, before, states.get(service)))
            print(why(service))
            failed = True
            continue
        # The same context: nothing changes, in this service or any other.
        image = service_image(service)
        services = [line for line in docker_lines("service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack,
                                                   "--filter", "mode=replicated", "--filter", "mode=global", "--format", "{{.Name}}")]
        everything = {name: running_tasks(name) for name in services}
        before = everything[service] if service in everything else running_tasks(service)
        if redeploy(stack_plan, "redeploy %s" % service) != 0:
            failed = True
            continue
        after, again = running_tasks(service), service_image(service)
        moved = [name for name, tasks in everything.items() if running_tasks(name) != tasks]
        if after == before and again == image and not moved:
            print("redeploy, same context: %s keeps %s and its %d task(s), untouched, as does every other service (%d)"
                  % (service, image, len(after), len(everything) - 1))
        else:
            print("redeploy, same context: FAILED: %s went from %s %s to %s %s; services whose tasks changed: %s"
                  % (service, image, before, again, after, moved))
            failed = True
        # A changed context: a new tag, rolled out.
        with open(os.path.join(build["context"], "Dockerfile"), "a", encoding="utf-8") as handle:
            handle.write("# changed by the acceptance test\n")
        if redeploy(stack_plan, "redeploy %s" % service) != 0:
            failed = True
            continue
        changed, rolled = service_image(service), running_tasks(service)
        new_tag = changed.partition("@")[0].rpartition(":")[2]
        if new_tag != tag and new_tag.startswith("src-") and rolled and not set(rolled) & set(after) \
                and new_tag in registry_tags(stack_plan, repository):
            print("redeploy, changed context: %s rolled out to %s:%s (pushed), %d new task(s)" % (service, repository, new_tag, len(rolled)))
        else:
            print("redeploy, changed context: FAILED: %s runs %s with tasks %s (before: %s, %s)" % (service, changed, rolled, image, after))
            failed = True
    sys.stdout.flush()
    return 1 if failed else 0

def main(arguments):
    if arguments[:1] == ["plan"] and len(arguments) in (4, 5) and arguments[4:] in ([], ["--nodes"]):
        print(json.dumps(plan(arguments[1], arguments[2], arguments[3], nodes=arguments[4:] == ["--nodes"]), indent=1, default=sorted))
        return 0
    if arguments[:1] == ["converge"] and len(arguments) == 3:
        return converge(arguments[1], float(arguments[2]))
    if arguments[:1] == ["routes"] and len(arguments) == 2:
        return routes(arguments[1])
    if arguments[:1] == ["metrics"] and len(arguments) == 2:
        return metrics(arguments[1])
    if arguments[:1] == ["builds"] and len(arguments) == 2:
        return builds(arguments[1])
    if arguments[:1] == ["backups"] and len(arguments) == 2:
        return backups(arguments[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
