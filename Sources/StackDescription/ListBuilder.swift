/// Collects the entries of a list section (`Apps`, `Databases`, the users of `Identity`) from
/// the statements of a closure: single entries, arrays of them, `if`/`else`, `switch`, `for`
/// and `#available`, as in any Swift code.
///
/// ```swift
/// Apps {
///     for name in ["shop", "blog"] { App(name, image: "\(name):1.0", port: 8080, host: name) }
///     if withAdmin { App("admin", image: "admin:2.1", port: 80, host: "admin") }
/// }
/// ```
@resultBuilder
public enum ListBuilder<Element> {
    /// One entry.
    public static func buildExpression(_ element: Element) -> [Element] { [element] }

    /// Several entries, for example from a function that returns them.
    public static func buildExpression(_ elements: [Element]) -> [Element] { elements }

    /// The statements of a block, in order.
    public static func buildBlock(_ parts: [Element]...) -> [Element] { parts.flatMap { $0 } }

    /// An `if` without `else`.
    public static func buildOptional(_ part: [Element]?) -> [Element] { part ?? [] }

    /// The first branch of an `if`/`else` or `switch`.
    public static func buildEither(first part: [Element]) -> [Element] { part }

    /// The second branch of an `if`/`else` or `switch`.
    public static func buildEither(second part: [Element]) -> [Element] { part }

    /// A `for` loop.
    public static func buildArray(_ parts: [[Element]]) -> [Element] { parts.flatMap { $0 } }

    /// An `if #available` block.
    public static func buildLimitedAvailability(_ part: [Element]) -> [Element] { part }
}

/// Builds the apps of `Apps { … }`, or of a function that returns some.
public typealias AppsBuilder = ListBuilder<App>

/// Builds the databases of `Databases { … }`.
public typealias DatabasesBuilder = ListBuilder<Database>

/// Builds the users of `Identity { … }`.
public typealias UsersBuilder = ListBuilder<User>
