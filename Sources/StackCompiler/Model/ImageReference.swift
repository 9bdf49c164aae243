/// An image reference in its parts, as Docker reads it:
/// `registry.example.org:5000/team/app:1.2@sha256:…` is the repository
/// `registry.example.org:5000/team/app`, the tag `1.2` and the digest `sha256:…`. Read byte by
/// byte: the checker and the passes read one per app.
struct ImageReference: Equatable {
    /// Everything before the tag, as written (registry, path, name).
    var repository: String
    var tag: String?
    var digest: String?

    init(_ text: String) {
        let bytes = text.utf8
        var end = bytes.endIndex
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            digest = String(text[bytes.index(after: at)...])
            end = at
        }
        var lastSlash: String.Index?
        var lastColon: String.Index?
        var index = bytes.startIndex
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: "/"): lastSlash = index
            case UInt8(ascii: ":"): lastColon = index
            default: break
            }
            index = bytes.index(after: index)
        }
        // A colon before the last slash belongs to a registry's port, not to a tag.
        if let colon = lastColon, lastSlash.map({ colon > $0 }) ?? true {
            tag = String(text[bytes.index(after: colon)..<end])
            end = colon
        }
        repository = String(text[..<end])
    }

    /// The repository as Docker Hub's official images are usually named: without
    /// `docker.io/library/` and its variants (`docker.io/library/nginx` → `nginx`).
    var shortRepository: String {
        for prefix in ["docker.io/library/", "index.docker.io/library/", "docker.io/", "library/"]
        where repository.hasPrefix(prefix) {
            return String(repository.dropFirst(prefix.count))
        }
        return repository
    }
}
