/// The dashboards Grafana provisions, as classic dashboard models (the JSON its file provider
/// reads): the cluster's (nodes from node-exporter, services from cAdvisor, every target) and
/// one per app with `metrics` (its targets, its containers, its logs when `monitoring.logs`).
/// Each has a fixed uid made from the stack's and the app's names, names its data sources by
/// their fixed uids, and selects only this stack's series (`stack`, or the containers' Swarm
/// labels cAdvisor keeps), so that the same manifest always gives the same bytes.
enum GrafanaDashboards {
    /// Grafana 11.0's schema version: Grafana 12 migrates it on load, and every key used here
    /// means the same in both.
    static let schemaVersion = 39

    /// The labels cAdvisor gives a container's series from its Swarm labels.
    enum ContainerLabel {
        static let stack = "container_label_com_docker_stack_namespace"
        static let service = "container_label_com_docker_swarm_service_name"
        static let task = "container_label_com_docker_swarm_task_name"
    }

    /// The labels the log shipper gives each line in Loki: the stack and the service
    /// (`<stack>_<app>`), as Prometheus labels its series.
    enum LogLabel {
        static let stack = "stack"
        static let service = "service"
    }

    // MARK: The dashboards

    /// Nodes up, CPU, memory and disk per node; CPU and memory per service; targets up.
    static func cluster(_ stack: ResolvedStack) -> JSONValue {
        let s = quoted(stack.name)
        let nodes = "job=\"node-exporter\", stack=\(s)"
        let containers = "\(ContainerLabel.stack)=\(s)"
        let disks = "stack=\(s), fstype!~\"tmpfs|overlay|squashfs\""
        var layout = Layout()
        let panels: [JSONValue] = [
            layout.stat("Nodes up", "sum(up{\(nodes)})"),
            layout.stat("Nodes down", "count(up{\(nodes)} == 0) or vector(0)"),
            // Not the engines' job: its targets wait for node provisioning's `metrics-addr`.
            layout.stat("Targets up", "sum(up{stack=\(s), job!=\"\(MetricsPass.engineJob)\"})"),
            layout.stat("Targets down", "count(up{stack=\(s), job!=\"\(MetricsPass.engineJob)\"} == 0) or vector(0)"),
            layout.graph(
                "CPU busy per node",
                "1 - avg by (node) (rate(node_cpu_seconds_total{mode=\"idle\", stack=\(s)}[$__rate_interval]))",
                legend: "{{node}}", unit: "percentunit"),
            layout.graph(
                "Memory used per node",
                "1 - sum by (node) (node_memory_MemAvailable_bytes{stack=\(s)}) / sum by (node) (node_memory_MemTotal_bytes{stack=\(s)})",
                legend: "{{node}}", unit: "percentunit"),
            layout.graph(
                "Disk used per node",
                "1 - max by (node, mountpoint) (node_filesystem_avail_bytes{\(disks)}) / max by (node, mountpoint) (node_filesystem_size_bytes{\(disks)})",
                legend: "{{node}} {{mountpoint}}", unit: "percentunit"),
            layout.graph(
                "Targets up per job", "sum by (job) (up{stack=\(s)})", legend: "{{job}}", unit: "short"),
            layout.graph(
                "CPU per service (cores)",
                "sum by (\(ContainerLabel.service)) (rate(container_cpu_usage_seconds_total{\(containers)}[$__rate_interval]))",
                legend: "{{\(ContainerLabel.service)}}", unit: "short"),
            layout.graph(
                "Memory per service",
                "sum by (\(ContainerLabel.service)) (container_memory_working_set_bytes{\(containers)})",
                legend: "{{\(ContainerLabel.service)}}", unit: "bytes"),
        ]
        return dashboard(
            uid: PlatformNames.grafanaDashboardUID(stack: stack.name, name: "cluster"),
            title: "\(stack.name) / cluster", stack: stack.name, panels: panels)
    }

    /// An app's targets (up, scrape duration), its containers (CPU, memory, starts), and its
    /// logs when the stack has Loki.
    static func app(_ app: App, _ stack: ResolvedStack) -> JSONValue {
        let s = quoted(stack.name)
        let service = quoted("\(stack.name)_\(app.name)")
        let targets = "stack=\(s), job=\(quoted(app.name))"
        let containers = "\(ContainerLabel.stack)=\(s), \(ContainerLabel.service)=\(service)"
        var layout = Layout()
        var panels: [JSONValue] = [
            layout.stat("Targets up", "sum(up{\(targets)})"),
            layout.stat("Targets down", "count(up{\(targets)} == 0) or vector(0)"),
            layout.stat("Containers running", "count(container_last_seen{\(containers)}) or vector(0)"),
            // Swarm replaces a stopped container with a new task: restarts show as containers
            // that started within the hour (the first start of a deploy included).
            layout.stat(
                "Containers started (1h)",
                "count(max_over_time(container_start_time_seconds{\(containers)}[1h]) > time() - 3600) or vector(0)"),
            layout.graph(
                "Targets up", "up{\(targets)}", legend: "slot {{slot}} on {{node}}", unit: "short"),
            layout.graph(
                "Scrape duration", "scrape_duration_seconds{\(targets)}", legend: "slot {{slot}} on {{node}}",
                unit: "s"),
            layout.graph(
                "CPU per container (cores)",
                "sum by (\(ContainerLabel.task)) (rate(container_cpu_usage_seconds_total{\(containers)}[$__rate_interval]))",
                legend: "{{\(ContainerLabel.task)}}", unit: "short"),
            layout.graph(
                "Memory per container",
                "sum by (\(ContainerLabel.task)) (container_memory_working_set_bytes{\(containers)})",
                legend: "{{\(ContainerLabel.task)}}", unit: "bytes"),
        ]
        if stack.monitoring.logs {
            panels.append(layout.logs("Logs", "{\(LogLabel.stack)=\(s), \(LogLabel.service)=\(service)}"))
        }
        return dashboard(
            uid: PlatformNames.grafanaDashboardUID(stack: stack.name, name: "app-\(app.name)"),
            title: "\(stack.name) / \(app.name)", stack: stack.name, panels: panels)
    }

    /// The dashboard around its panels: read-only (provisioned), the last 6 hours refreshed every
    /// minute, and a menu of the stack's other dashboards (by their shared tags).
    static func dashboard(uid: String, title: String, stack: String, panels: [JSONValue]) -> JSONValue {
        let tags: [JSONValue] = [.string("stackc"), .string(stack)]
        return .object([
            ("uid", .string(uid)),
            ("title", .string(title)),
            ("tags", .array(tags)),
            ("timezone", .string("browser")),
            ("editable", .bool(false)),
            ("graphTooltip", .int(1)),
            ("schemaVersion", .int(schemaVersion)),
            ("version", .int(1)),
            ("time", .object([("from", .string("now-6h")), ("to", .string("now"))])),
            ("refresh", .string("1m")),
            ("templating", .object([("list", .array([]))])),
            ("annotations", .object([("list", .array([]))])),
            (
                "links",
                .array([
                    .object([
                        ("title", .string("\(stack) dashboards")),
                        ("type", .string("dashboards")),
                        ("tags", .array(tags)),
                        ("asDropdown", .bool(true)),
                        ("includeVars", .bool(false)),
                        ("keepTime", .bool(true)),
                    ])
                ])
            ),
            ("panels", .array(panels)),
        ])
    }

    /// A PromQL or LogQL string literal (names are DNS labels, so nothing needs escaping but
    /// the quotes' own rule).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    static func datasource(_ type: String, _ uid: String) -> JSONValue {
        .object([("type", .string(type)), ("uid", .string(uid))])
    }

    static let prometheus = datasource("prometheus", PlatformNames.GrafanaDatasource.prometheus)
    static let loki = datasource("loki", PlatformNames.GrafanaDatasource.loki)

    /// Places panels on Grafana's 24-column grid in order: stats four to a row, graphs two to a
    /// row, logs across the whole width; numbers them.
    struct Layout {
        var nextID = 1
        var x = 0
        var y = 0
        var rowHeight = 0

        mutating func place(width: Int, height: Int) -> (id: Int, grid: JSONValue) {
            if x + width > 24 {
                x = 0
                y += rowHeight
                rowHeight = 0
            }
            let grid = JSONValue.object([("h", .int(height)), ("w", .int(width)), ("x", .int(x)), ("y", .int(y))])
            x += width
            rowHeight = Swift.max(rowHeight, height)
            defer { nextID += 1 }
            return (nextID, grid)
        }

        /// One number: the query's latest value.
        mutating func stat(_ title: String, _ expression: String) -> JSONValue {
            let (id, grid) = place(width: 6, height: 4)
            return .object([
                ("id", .int(id)),
                ("type", .string("stat")),
                ("title", .string(title)),
                ("gridPos", grid),
                ("datasource", GrafanaDashboards.prometheus),
                ("targets", .array([target(expression, legend: nil, instant: true)])),
                (
                    "fieldConfig",
                    .object([("defaults", .object([("unit", .string("short"))])), ("overrides", .array([]))])
                ),
                (
                    "options",
                    .object([
                        ("reduceOptions", .object([("calcs", .array([.string("lastNotNull")]))])),
                        ("colorMode", .string("value")),
                        ("graphMode", .string("none")),
                    ])
                ),
            ])
        }

        /// A time series graph, one line per series.
        mutating func graph(_ title: String, _ expression: String, legend: String, unit: String) -> JSONValue {
            let (id, grid) = place(width: 12, height: 8)
            return .object([
                ("id", .int(id)),
                ("type", .string("timeseries")),
                ("title", .string(title)),
                ("gridPos", grid),
                ("datasource", GrafanaDashboards.prometheus),
                ("targets", .array([target(expression, legend: legend, instant: false)])),
                (
                    "fieldConfig",
                    .object([("defaults", .object([("unit", .string(unit))])), ("overrides", .array([]))])
                ),
                (
                    "options",
                    .object([("legend", .object([("displayMode", .string("list")), ("placement", .string("bottom"))]))])
                ),
            ])
        }

        /// The lines of a LogQL stream selector, newest first.
        mutating func logs(_ title: String, _ selector: String) -> JSONValue {
            let (id, grid) = place(width: 24, height: 12)
            return .object([
                ("id", .int(id)),
                ("type", .string("logs")),
                ("title", .string(title)),
                ("gridPos", grid),
                ("datasource", GrafanaDashboards.loki),
                (
                    "targets",
                    .array([
                        .object([
                            ("refId", .string("A")), ("datasource", GrafanaDashboards.loki),
                            ("expr", .string(selector)),
                        ])
                    ])
                ),
                (
                    "options",
                    .object([
                        ("showTime", .bool(true)), ("wrapLogMessage", .bool(true)),
                        ("sortOrder", .string("Descending")),
                    ])
                ),
            ])
        }

        func target(_ expression: String, legend: String?, instant: Bool) -> JSONValue {
            var members: [(String, JSONValue)] = [
                ("refId", .string("A")),
                ("datasource", GrafanaDashboards.prometheus),
                ("expr", .string(expression)),
            ]
            if let legend { members.append(("legendFormat", .string(legend))) }
            members += [("instant", .bool(instant)), ("range", .bool(!instant))]
            return .object(members)
        }
    }
}
