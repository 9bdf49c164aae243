/// `health` of an app: an HTTP path (a string literal), `.off` (`health: none`), or the check
/// with its timings.
///
/// ```swift
/// health: "/healthz"
/// health: Health(path: "/status", interval: .seconds(10), retries: 5)
/// health: Health(command: ["pg_isready", "-q"])
/// health: .off
/// ```
public struct Health: Sendable, ManifestValue, ExpressibleByStringInterpolation {
    let manifestNode: ManifestNode

    /// No health check, not even a preset's (`health: none`).
    public static let off = Health(node: "none".manifestNode)

    private init(node: ManifestNode) { manifestNode = node }

    /// An HTTP check of this path on the app's port.
    public init(stringLiteral path: String) { manifestNode = path.manifestNode }

    /// An HTTP check of `path`, or a `command` run inside the container (a string for the
    /// image's shell, a list of words to run as they are), with its timings.
    public init(
        path: String? = nil, command: Command? = nil, interval: TimeSpan? = nil, timeout: TimeSpan? = nil,
        retries: Int? = nil, startPeriod: TimeSpan? = nil, fileID: StaticString = #fileID,
        filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("path", path)
        map.add("command", command)
        map.add("interval", interval)
        map.add("timeout", timeout)
        map.add("retries", retries)
        map.add("start_period", startPeriod)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}

/// `metrics` of an app: the port Prometheus scrapes (an integer literal), or the port with a
/// `path` and `interval`.
public struct Metrics: Sendable, ManifestValue, ExpressibleByIntegerLiteral {
    let manifestNode: ManifestNode

    /// Scrape this port at `/metrics`.
    public init(integerLiteral port: Int) { manifestNode = port.manifestNode }

    /// Scrape `port` at `path` (default `/metrics`) every `interval`.
    public init(
        port: Int, path: String? = nil, interval: TimeSpan? = nil, fileID: StaticString = #fileID,
        filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("port", port)
        map.add("path", path)
        map.add("interval", interval)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}

/// One published port of an app, for traffic that does not go through the HTTP proxy: the
/// shorthand `"published:target[/udp]"` as a string literal, or each part.
///
/// ```swift
/// ports: ["5432:5432", Port(target: 53, published: 53, protocol: .udp, mode: .host)]
/// ```
public struct Port: Sendable, ManifestValue, ExpressibleByStringInterpolation {
    /// The transport protocol.
    public enum Transport: String, Sendable, ManifestValue {
        /// TCP (the default).
        case tcp
        /// UDP.
        case udp
    }

    /// How the port is published.
    public enum Mode: String, Sendable, ManifestValue {
        /// On every node, through Swarm's routing mesh (the default).
        case ingress
        /// On the node that runs the task only.
        case host
    }

    let manifestNode: ManifestNode

    /// `"8080:80"`, `"53:53/udp"`.
    public init(stringLiteral value: String) { manifestNode = value.manifestNode }

    /// The container's port (`target`), the port on the nodes (`published`), the transport
    /// (`protocol`) and `mode`.
    public init(
        target: Int, published: Int, protocol transport: Transport? = nil, mode: Mode? = nil,
        fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
        column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("target", target)
        map.add("published", published)
        map.add("protocol", transport)
        map.add("mode", mode)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}

/// `resources` of an app: limits, and reservations when they differ from the limits.
///
/// ```swift
/// resources: Resources(cpus: 2, memory: .gigabytes(1), reserve: Reservation(cpus: 0.5, memory: "256M"))
/// ```
public struct Resources: Sendable, ManifestValue {
    let manifestNode: ManifestNode

    /// At most `cpus` (fractions allowed) and `memory`; `reserve` what the scheduler sets aside
    /// (default: the limits).
    public init(
        cpus: Double? = nil, memory: Size? = nil, reserve: Reservation? = nil, fileID: StaticString = #fileID,
        filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("cpus", cpus)
        map.add("memory", memory)
        map.add("reserve", reserve)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}

/// `resources.reserve` of an app: what the scheduler sets aside for each task.
public struct Reservation: Sendable, ManifestValue {
    let manifestNode: ManifestNode

    /// `cpus` and `memory` set aside per task.
    public init(
        cpus: Double? = nil, memory: Size? = nil, fileID: StaticString = #fileID,
        filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("cpus", cpus)
        map.add("memory", memory)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}

/// `update` of an app: how a new version rolls out (default: start-first, one task at a time,
/// roll back on failure).
public struct Update: Sendable, ManifestValue {
    /// `update.order`.
    public enum Order: String, Sendable, ManifestValue {
        /// Start the new task before stopping the old one.
        case startFirst = "start-first"
        /// Stop the old task first.
        case stopFirst = "stop-first"
    }

    /// `update.failure_action`.
    public enum FailureAction: String, Sendable, ManifestValue {
        /// Go back to the previous version.
        case rollback
        /// Stop the update where it is.
        case pause
        /// Go on with the update.
        case `continue`
    }

    let manifestNode: ManifestNode

    /// The `order` of stopping and starting, the tasks updated at once (`parallelism`, 0 for
    /// all), the `failureAction`, the `delay` between batches, and how long a new task is
    /// watched (`monitor`).
    public init(
        order: Order? = nil, parallelism: Int? = nil, failureAction: FailureAction? = nil, delay: TimeSpan? = nil,
        monitor: TimeSpan? = nil, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
        line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("order", order)
        map.add("parallelism", parallelism)
        map.add("failure_action", failureAction)
        map.add("delay", delay)
        map.add("monitor", monitor)
        manifestNode = map.node(at: SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column))
    }
}
