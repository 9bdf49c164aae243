/// When a backup runs: `.hourly` (on the hour), `.daily` (03:00), `.weekly` (Sunday 03:00), or
/// five cron fields, `.cron("30 2 * * *")`.
public enum Schedule: Sendable, Equatable {
    /// Every hour, on the hour.
    case hourly
    /// Every day at 03:00.
    case daily
    /// Every Sunday at 03:00.
    case weekly
    /// A five-field cron expression: minute, hour, day of month, month, weekday.
    case cron(String)
}

extension Schedule: ManifestValue {
    var manifestNode: ManifestNode {
        switch self {
        case .hourly: "hourly".manifestNode
        case .daily: "daily".manifestNode
        case .weekly: "weekly".manifestNode
        case .cron(let expression): expression.manifestNode
        }
    }
}

/// An app's `backup`: a schedule for its volumes (`.daily`, `.cron("30 2 * * *")`), or `.off`
/// (the literal `false` too) to say explicitly that it has none.
public struct AppBackup: Sendable, Equatable, ExpressibleByBooleanLiteral {
    /// A schedule, or a boolean as written (`false`; `true` is for the checker to refuse).
    private enum Written: Sendable, Equatable {
        case schedule(Schedule)
        case flag(Bool)
    }

    private let written: Written

    /// Archive the app's volumes on this schedule.
    public static func schedule(_ schedule: Schedule) -> AppBackup { AppBackup(written: .schedule(schedule)) }
    /// No backup (`backup: false`).
    public static let off = AppBackup(written: .flag(false))
    /// Every hour, on the hour.
    public static let hourly = AppBackup.schedule(.hourly)
    /// Every day at 03:00.
    public static let daily = AppBackup.schedule(.daily)
    /// Every Sunday at 03:00.
    public static let weekly = AppBackup.schedule(.weekly)

    /// A five-field cron expression.
    public static func cron(_ expression: String) -> AppBackup { .schedule(.cron(expression)) }

    private init(written: Written) { self.written = written }

    /// `false` is `.off`; `true` is written as it is, and the checker asks for a schedule.
    public init(booleanLiteral value: Bool) { written = .flag(value) }
}

extension AppBackup: ManifestValue {
    var manifestNode: ManifestNode {
        switch written {
        case .schedule(let schedule): schedule.manifestNode
        case .flag(let flag): flag.manifestNode
        }
    }
}
