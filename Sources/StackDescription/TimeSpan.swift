/// A duration as the manifest writes it: `.seconds(30)`, `.minutes(5)`, `.hours(1)`,
/// `.days(7)`, or the text itself as a string literal (`"1h30m"`).
public struct TimeSpan: Sendable, Equatable, ExpressibleByStringInterpolation {
    /// The manifest's text, such as `30s` or `1h30m`.
    public var text: String

    /// A duration written as the manifest writes it: numbers with `s`, `m`, `h` or `d`.
    public init(_ text: String) { self.text = text }

    /// A duration written as a string literal, such as `"90s"`.
    public init(stringLiteral value: String) { self.text = value }

    /// This many seconds.
    public static func seconds(_ count: Int) -> TimeSpan { TimeSpan("\(count)s") }
    /// This many minutes.
    public static func minutes(_ count: Int) -> TimeSpan { TimeSpan("\(count)m") }
    /// This many hours.
    public static func hours(_ count: Int) -> TimeSpan { TimeSpan("\(count)h") }
    /// This many days.
    public static func days(_ count: Int) -> TimeSpan { TimeSpan("\(count)d") }
}

extension TimeSpan: ManifestValue {
    var manifestNode: ManifestNode { text.manifestNode }
}

/// A size as the manifest writes it, in binary multiples: `.megabytes(512)` (`512M`),
/// `.gigabytes(2)` (`2G`), or the text as a string literal (`"1.5G"`, `"256MiB"`).
public struct Size: Sendable, Equatable, ExpressibleByStringInterpolation {
    /// The manifest's text, such as `512M`.
    public var text: String

    /// A size written as the manifest writes it.
    public init(_ text: String) { self.text = text }

    /// A size written as a string literal, such as `"2G"`.
    public init(stringLiteral value: String) { self.text = value }

    /// This many KiB (`K`).
    public static func kilobytes(_ count: Int) -> Size { Size("\(count)K") }
    /// This many MiB (`M`).
    public static func megabytes(_ count: Int) -> Size { Size("\(count)M") }
    /// This many GiB (`G`).
    public static func gigabytes(_ count: Int) -> Size { Size("\(count)G") }
    /// This many TiB (`T`).
    public static func terabytes(_ count: Int) -> Size { Size("\(count)T") }
}

extension Size: ManifestValue {
    var manifestNode: ManifestNode { text.manifestNode }
}
