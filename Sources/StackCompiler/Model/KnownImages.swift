/// How well-known images start (their ENTRYPOINT and CMD), so that a wrapper can run first and
/// then start them unchanged. stackc reads no registry, so this is knowledge, kept small.
enum KnownImages {
    /// The image's entrypoint and command.
    struct Start: Equatable {
        var entrypoint: [String]
        var command: [String]
    }

    /// The start of `image` (`name[:tag]`), if known.
    static func start(of image: String) -> Start? {
        let (repository, tag) = split(image)
        switch repository {
        case "nextcloud":
            return tag.contains("fpm")
                ? Start(entrypoint: ["/entrypoint.sh"], command: ["php-fpm"])
                : Start(entrypoint: ["/entrypoint.sh"], command: ["apache2-foreground"])
        case "nginx", "nginxdemos/hello", "nginxinc/nginx-unprivileged":
            return Start(entrypoint: ["/docker-entrypoint.sh"], command: ["nginx", "-g", "daemon off;"])
        case "httpd":
            return Start(entrypoint: [], command: ["httpd-foreground"])
        case "postgres":
            return Start(entrypoint: ["docker-entrypoint.sh"], command: ["postgres"])
        case "redis":
            return Start(entrypoint: ["docker-entrypoint.sh"], command: ["redis-server"])
        case "mariadb":
            return Start(entrypoint: ["docker-entrypoint.sh"], command: ["mariadbd"])
        case "traefik":
            return Start(entrypoint: ["/entrypoint.sh"], command: ["traefik"])
        default:
            return nil
        }
    }

    /// `docker.io/library/nginx:1.27` → (`nginx`, `1.27`).
    static func split(_ image: String) -> (repository: String, tag: String) {
        var reference = Substring(image.split(separator: "@").first ?? Substring(image))
        var tag = "latest"
        if let colon = reference.lastIndex(of: ":"), !reference[colon...].contains("/") {
            tag = String(reference[reference.index(after: colon)...])
            reference = reference[..<colon]
        }
        var repository = String(reference)
        for prefix in ["docker.io/library/", "docker.io/", "index.docker.io/library/", "library/"]
        where repository.hasPrefix(prefix) {
            repository = String(repository.dropFirst(prefix.count))
        }
        return (repository, tag)
    }

    /// What an image has for checks and start-up wrappers to run.
    struct Tools: Equatable {
        /// `/bin/sh`, for `CMD-SHELL` checks and the start-up wrapper.
        var shell: Bool
        var wget: Bool
        var curl: Bool
        /// `python3`, which can make an HTTP request itself.
        var python: Bool

        /// Whether the image can probe an HTTP URL with `wget` or `curl`.
        var httpClient: Bool { wget || curl }
    }

    /// What `image` has, if stackc knows; nil for an image it does not know. Alpine-based tags
    /// have busybox's `wget`; the Debian-based official images of servers have `curl` where their
    /// own build installs it, and neither otherwise.
    static func tools(of image: String) -> Tools? {
        let (repository, tag) = split(image)
        let alpine = tag.contains("alpine")
        let busybox = Tools(shell: true, wget: true, curl: false, python: false)
        switch repository {
        case "traefik/whoami", "containous/whoami":
            return Tools(shell: false, wget: false, curl: false, python: false)
        case "busybox", "alpine", "nginxdemos/hello", "traefik",
            "haproxy" where alpine:
            return busybox
        case _ where alpine:
            return Tools(shell: true, wget: true, curl: false, python: repository == "python")
        case "nginx", "nginxinc/nginx-unprivileged", "nextcloud":
            return Tools(shell: true, wget: false, curl: true, python: false)
        case "python":
            let slim = tag.contains("slim")
            return Tools(shell: true, wget: !slim, curl: !slim, python: true)
        case "postgres", "redis", "mariadb", "httpd", "haproxy":
            return Tools(shell: true, wget: false, curl: false, python: false)
        default:
            return nil
        }
    }
}
