import StackDiagnostics
import YAML

/// Decoding of the app keys that reach past the proxy: published ports, files delivered into
/// the containers, extra `/etc/hosts` entries.
extension SyntaxDecoder {
    /// `ports`: a list of `{target, published, protocol, mode}` or `"published:target[/udp]"`.
    mutating func ports(_ node: YAMLNode, in context: @autoclosure () -> String) -> [PortSyntax] {
        guard let items = items(node, in: context()) else { return [] }
        var result: [PortSyntax] = []
        for item in items {
            if let port = port(item, in: "an entry of \(context())") { result.append(port) }
        }
        return result
    }

    /// One entry of `ports`.
    mutating func port(_ node: YAMLNode, in context: @autoclosure () -> String) -> PortSyntax? {
        if let scalar = node.scalar, scalar.kind != .null {
            return portShorthand(node, scalar.text, in: context())
        }
        guard let f = fields(node, in: context(), known: Self.portKeys) else { return nil }
        let target = f["target"].flatMap { int($0, in: f.context("target"), range: 1...65535) }
        let published = f["published"].flatMap { int($0, in: f.context("published"), range: 1...65535) }
        let transport = f["protocol"].flatMap {
            choice($0, in: f.context("protocol"), as: PublishedPort.Transport.self)
        }
        let mode = f["mode"].flatMap { choice($0, in: f.context("mode"), as: PublishedPort.Mode.self) }
        if f["target"] == nil { missing("target", in: f, example: "target: 5432") }
        if f["published"] == nil { missing("published", in: f, example: "published: 5432") }
        guard let target, let published,
            f["protocol"] == nil || transport != nil, f["mode"] == nil || mode != nil
        else { return nil }
        return PortSyntax(
            span: node.span,
            port: PublishedPort(
                target: target.value, published: published.value, transport: transport?.value ?? .tcp,
                mode: mode?.value ?? .ingress),
            publishedSpan: published.span)
    }

    /// `"5432:5432"`, `"53:53/udp"`: published, target, protocol; mode ingress.
    mutating func portShorthand(_ node: YAMLNode, _ text: String, in context: @autoclosure () -> String)
        -> PortSyntax?
    {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let numbers = parts[0].split(separator: ":", omittingEmptySubsequences: false)
        let transport = parts.count == 2 ? PublishedPort.Transport(rawValue: String(parts[1])) : .tcp
        let values = numbers.map { part in
            part.count <= 5 && part.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int(part) : nil
        }
        guard numbers.count == 2, let published = values[0], let target = values[1], let transport else {
            let example =
                numbers.count == 1 && values.first.flatMap({ $0 }) != nil
                ? "{target: \(numbers[0]), published: \(numbers[0])}"
                : "{target: 80, published: 8080, protocol: tcp}"
            invalidFormat(
                node, text, in: context(), expected: "'published:target' such as \"8080:80\" or \"53:53/udp\"",
                help: "write the published port, ':', then the container's port, or the long form: '\(example)'")
            return nil
        }
        guard (1...65535).contains(published), (1...65535).contains(target) else {
            error(
                Codes.invalidValue, "\(context()) has a port outside 1 to 65535: '\(clip(text))'", at: node.span,
                expected: "ports from 1 to 65535")
            return nil
        }
        return PortSyntax(
            span: node.span,
            port: PublishedPort(target: target, published: published, transport: transport, mode: .ingress),
            publishedSpan: node.span)
    }

    /// `files`: container path → a file of the repository, relative to the manifest's folder.
    mutating func files(
        _ node: YAMLNode, in context: @autoclosure () -> String,
        volumes: [(name: Located<String>, path: Located<String>)]
    ) -> [(path: Located<String>, source: Located<String>)] {
        var result: [(path: Located<String>, source: Located<String>)] = []
        for pair in entries(node, in: context()) ?? [] {
            let key = Located(value: pair.keyText, span: pair.key.span)
            guard let path = fileContainerPath(key, in: "the container path of an entry of \(context())"),
                let source = fileSource(pair.value, in: "the file delivered at '\(Self.clip(path.value))'")
            else { continue }
            if let volume = volumes.first(where: { Self.isSameOrInside(path.value, folder: $0.path.value) }) {
                error(
                    Codes.mountOverlap,
                    "the file '\(clip(path.value))' of \(context()) is inside the volume '\(volume.name.value)' mounted at '\(clip(volume.path.value))'",
                    at: path.span, expected: "a container path outside every volume of the app",
                    help: "deliver the file elsewhere, or mount the volume at another path",
                    notes: [Diagnostic.Note("the volume '\(volume.name.value)' is mounted here", at: volume.path.span)])
                continue
            }
            result.append((path, source))
        }
        return result
    }

    /// True when `path` is `folder` or below it.
    static func isSameOrInside(_ path: String, folder: String) -> Bool {
        let folder = withoutTrailingSlashes(folder)
        let path = withoutTrailingSlashes(path)
        return path == folder || path.hasPrefix(folder == "/" ? "/" : folder + "/")
    }

    /// The container path of a delivered file: absolute, no `..`, not a folder.
    mutating func fileContainerPath(_ key: Located<String>, in context: @autoclosure () -> String) -> Located<
        String
    >? {
        let text = key.value
        guard text.utf8.first == 0x2F, !text.hasSuffix("/"), !Self.hasParentComponent(text),
            !Self.containsSpaceOrControl(text, orAnyOf: ":")
        else {
            error(
                Codes.invalidFormat, "'\(clip(text))' is not valid for \(context())", at: key.span,
                expected: "an absolute path to a file, such as /etc/nginx/nginx.conf",
                help: text.hasSuffix("/") && text.utf8.first == 0x2F
                    ? "name the file itself, not its folder" : nil)
            return nil
        }
        return key
    }

    /// The file of the repository: relative to the manifest's folder.
    mutating func fileSource(_ node: YAMLNode, in context: @autoclosure () -> String) -> Located<String>? {
        let expected = "a file relative to the manifest's folder, such as ./nginx/nginx.conf"
        guard let text = formatText(node, in: context(), expected: expected) else { return nil }
        let value = text.value
        guard !value.isEmpty, value.utf8.first != 0x2F, !value.hasPrefix("~"), !value.hasSuffix("/"),
            !Self.containsSpaceOrControl(value, orAnyOf: "\\"), value != ".", value != ".."
        else {
            invalidFormat(
                node, value, in: context(), expected: expected,
                help: value.hasPrefix("/") || value.hasPrefix("~")
                    ? "the file must come with the manifest: give its path relative to the manifest's folder" : nil)
            return nil
        }
        return text
    }

    /// `extra_hosts`: host name → IPv4 address or `vip`.
    mutating func extraHosts(_ node: YAMLNode, in context: @autoclosure () -> String) -> [(
        host: Located<String>, address: Located<ExtraHostAddress>
    )] {
        var result: [(host: Located<String>, address: Located<ExtraHostAddress>)] = []
        for pair in entries(node, in: context()) ?? [] {
            let name = pair.keyText
            guard Self.isHostName(name) else {
                error(
                    Codes.invalidFormat, "'\(clip(name))' is not valid as a host name of \(context())",
                    at: pair.key.span, expected: "a host name such as shop.example.org")
                continue
            }
            let host = Located(value: name.lowercased(), span: pair.key.span)
            if let scalar = pair.value.scalar, scalar.text == "vip" {
                result.append((host, Located(value: .vip, span: pair.value.span)))
            } else if let address = ipv4(pair.value, in: "the address of '\(Self.clip(name))' in \(context())") {
                let text = address.value.map(String.init).joined(separator: ".")
                result.append((host, Located(value: .ipv4(text), span: address.span)))
            }
        }
        return result
    }
}
