/// A failing input and the same input fixed.
public struct CodeExample: Sendable {
    /// Gets the code (and, for an error, fails).
    public let failing: ExampleInput
    /// Gets no diagnostic at all, and builds.
    public let fixed: ExampleInput
}

/// One side of an example: a manifest (YAML, or a `stack.swift`) and the files beside it that it
/// needs (files an app delivers, Dockerfiles), by their path relative to the manifest's folder.
public struct ExampleInput: Sendable, ExpressibleByStringLiteral {
    /// The languages of a manifest.
    public enum Kind: String, Sendable {
        case yaml, swift
    }

    /// A file beside the manifest.
    public struct File: Sendable {
        /// Relative to the manifest's folder.
        public let path: String
        /// Its text.
        public let text: String
    }

    /// What the manifest is written in.
    public let kind: Kind
    /// The manifest's text.
    public let manifest: String
    /// The files beside it, in the order they are shown.
    public let files: [File]

    init(_ manifest: String, kind: Kind = .yaml, files: [(String, String)] = []) {
        self.kind = kind
        self.manifest = manifest.hasSuffix("\n") ? manifest : manifest + "\n"
        self.files = files.map { File(path: $0.0, text: $0.1.hasSuffix("\n") ? $0.1 : $0.1 + "\n") }
    }

    /// A YAML manifest with nothing beside it.
    public init(stringLiteral manifest: String) {
        self.init(manifest)
    }

    /// The name the manifest is shown (and, by `stackc explain`, written) under: a YAML
    /// manifest is named after its stack (`shop.yml`), as `stackc init` names one, never
    /// `stack.yml`, the Swarm file stackc generates; a description is `stack.swift`.
    public var fileName: String {
        guard kind == .yaml else { return "stack.swift" }
        for line in manifest.split(separator: "\n") where line.hasPrefix("name:") {
            let name = line.dropFirst("name:".count).trimmingSpaces()
            if !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                return "\(name).yml"
            }
        }
        return "manifest.yml"
    }
}
