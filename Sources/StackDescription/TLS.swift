/// `tls`: how HTTPS certificates are obtained (default: one self-signed wildcard certificate).
///
/// ```swift
/// TLS(mode: .acme, email: "ops@example.org")
/// ```
public struct TLS: Sendable {
    /// `tls.mode`.
    public enum Mode: String, Sendable, ManifestValue {
        /// One wildcard certificate for `*.<domain>` and `<domain>`, made at deploy time.
        case selfsigned
        /// Let's Encrypt through the proxy (HTTP challenge); needs `email`.
        case acme
        /// The operator supplies the certificate and key as Docker secrets.
        case provided
    }

    let section: StackSection

    /// The certificate `mode` and, for ACME, the account's `email`.
    public init(
        mode: Mode? = nil, email: String? = nil, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
        line: UInt = #line, column: UInt = #column
    ) {
        var map = ManifestMap()
        map.add("mode", mode)
        map.add("email", email)
        let position = SourcePosition(fileID: fileID, filePath: filePath, line: line, column: column)
        section = StackSection(key: "tls", node: map.node(at: position))
    }
}
