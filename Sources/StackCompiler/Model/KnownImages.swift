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
        guard !fromOwnRegistry(image) else { return nil }
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
        case "python":
            return Start(entrypoint: [], command: ["python3"])
        // Bases images are built from: a stage with its own CMD needs only their ENTRYPOINT.
        case "alpine":
            return Start(entrypoint: [], command: ["/bin/sh"])
        case "busybox":
            return Start(entrypoint: [], command: ["sh"])
        case "debian", "ubuntu":
            return Start(entrypoint: [], command: ["bash"])
        default:
            return nil
        }
    }

    /// `docker.io/library/nginx:1.27` → (`nginx`, `1.27`); no tag is `latest`.
    static func split(_ image: String) -> (repository: String, tag: String) {
        let reference = ImageReference(image)
        return (reference.shortRepository, reference.tag ?? "latest")
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
        if image.hasPrefix("gcr.io/distroless/") {
            // Distroless: no shell and no tools, but in its `debug` tags (busybox).
            let debug = contains(image, "debug", after: UInt8(ascii: ":"))
            return Tools(shell: debug, wget: debug, curl: false, python: false)
        }
        if fromOwnRegistry(image) {
            // A team's own image: only an Alpine base says what it has.
            return contains(image, "alpine", after: UInt8(ascii: ":"))
                ? Tools(shell: true, wget: true, curl: false, python: false) : nil
        }
        let (repository, tag) = split(image)
        let alpine = contains(tag, "alpine")
        // Most images are a team's own: one set look-up says so before any comparison.
        guard alpine || toolRepositories.contains(repository) else { return nil }
        let busybox = Tools(shell: true, wget: true, curl: false, python: false)
        switch repository {
        case "traefik/whoami", "containous/whoami":
            return Tools(shell: false, wget: false, curl: false, python: false)
        case "busybox", "alpine", "nginxdemos/hello", "traefik":
            return busybox
        case _ where alpine:
            return Tools(shell: true, wget: true, curl: false, python: repository == "python")
        case "nginx", "nginxinc/nginx-unprivileged", "nextcloud":
            return Tools(shell: true, wget: false, curl: true, python: false)
        case "python":
            let slim = contains(tag, "slim")
            return Tools(shell: true, wget: !slim, curl: !slim, python: true)
        default:  // postgres, redis, mariadb, httpd, haproxy (Debian)
            return Tools(shell: true, wget: false, curl: false, python: false)
        }
    }

    /// True when the image's first path component names a registry (it has a `.` or a `:`, or
    /// is `localhost`) other than Docker Hub's: none of the images stackc knows. Read byte by
    /// byte, without splitting the reference, because every app's image is asked about.
    static func fromOwnRegistry(_ image: String) -> Bool {
        var image = image
        return image.withUTF8 { bytes in
            guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return false }
            let first = bytes[..<slash]
            if first.elementsEqual("docker.io".utf8) || first.elementsEqual("index.docker.io".utf8) { return false }
            return first.contains(UInt8(ascii: ".")) || first.contains(UInt8(ascii: ":"))
                || first.elementsEqual("localhost".utf8)
        }
    }

    /// The repositories `tools(of:)` knows besides Alpine-based tags.
    static let toolRepositories: Set<String> = [
        "traefik/whoami", "containous/whoami", "busybox", "alpine", "nginxdemos/hello", "traefik", "nginx",
        "nginxinc/nginx-unprivileged", "nextcloud", "python", "postgres", "redis", "mariadb", "httpd", "haproxy",
    ]

    /// Whether `text` contains `word`, compared byte by byte (a tag is short and ASCII); with
    /// `after`, only in what follows the last such byte (`:` for an image's tag; a `:` before
    /// a `/` is a registry's port, which no known word follows).
    static func contains(_ text: String, _ word: StaticString, after separator: UInt8? = nil) -> Bool {
        let needle = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        var text = text
        return text.withUTF8 { all in
            var bytes = all[...]
            if let separator {
                guard let last = all.lastIndex(of: separator) else { return false }
                bytes = all[(last + 1)...]
            }
            guard bytes.count >= needle.count else { return false }
            for start in bytes.startIndex...(bytes.endIndex - needle.count)
            where bytes[start] == needle[0] && zip(bytes[start...], needle).allSatisfy({ $0 == $1 }) {
                return true
            }
            return false
        }
    }
}
