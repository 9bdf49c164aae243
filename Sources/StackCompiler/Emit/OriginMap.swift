/// Origins for the parts of a YAML or JSON document, by path: mapping (object) keys, and
/// sequence (array) items by a key the line walker gives them or `#<position>`. A part without
/// an origin of its own has its parent's.
final class OriginMap {
    var origin: OutputOrigin?
    private(set) var children: [String: OriginMap] = [:]

    init(_ origin: OutputOrigin? = nil) { self.origin = origin }

    /// Sets the origin of the part at `path`.
    func set(_ path: [String], _ origin: OutputOrigin?) {
        guard let origin else { return }
        var node = self
        for key in path {
            if let child = node.children[key] {
                node = child
            } else {
                let child = OriginMap()
                node.children[key] = child
                node = child
            }
        }
        node.origin = origin
    }

    func child(_ key: String) -> OriginMap? { children[key] }
}
