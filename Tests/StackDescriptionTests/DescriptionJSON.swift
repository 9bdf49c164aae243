import Foundation
import Testing

@testable import StackDescription

/// A description's JSON form read back with Foundation, and the places in this folder's source
/// files that tests mark with a marker comment.
struct DescriptionJSON {
    let text: String
    let object: [String: Any]

    init(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        self.text = text
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        object = try #require(parsed as? [String: Any], sourceLocation: sourceLocation)
    }

    /// `manifest`.
    var manifest: [String: Any] { object["manifest"] as? [String: Any] ?? [:] }

    /// The value at a path of keys and list indices under `manifest`.
    func value(_ path: String...) -> Any? {
        var current: Any? = manifest
        for key in path {
            if let map = current as? [String: Any] {
                current = map[key]
            } else if let list = current as? [Any], let index = Int(key), list.indices.contains(index) {
                current = list[index]
            } else {
                return nil
            }
        }
        return current
    }

    /// The mapping at `path` with each scalar as its text (`2`, `vagrant`), for comparing
    /// whole mappings (Foundation's numbers and strings do not compare with Swift's).
    func texts(_ path: String...) -> [String: String]? {
        var current: Any? = manifest
        for key in path { current = (current as? [String: Any])?[key] }
        return (current as? [String: Any])?.mapValues { "\($0)" }
    }

    /// The locations by path (`apps.web.image`).
    var locations: [String: (file: String, fileID: String, line: Int, column: Int)] {
        var result: [String: (file: String, fileID: String, line: Int, column: Int)] = [:]
        for entry in object["locations"] as? [[String: Any]] ?? [] {
            let path = (entry["path"] as? [Any] ?? []).map { "\($0)" }.joined(separator: ".")
            result[path] = (
                entry["file"] as? String ?? "", entry["fileID"] as? String ?? "", entry["line"] as? Int ?? 0,
                entry["column"] as? Int ?? 0
            )
        }
        return result
    }

    /// The `errors` messages.
    var errorMessages: [String] {
        (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    }

    /// The keys of the mapping at `path` in the order the text writes them.
    func keyOrder(of keys: [String]) -> [String] {
        keys.compactMap { key in text.range(of: "\"\(key)\":").map { (key, $0.lowerBound) } }
            .sorted { $0.1 < $1.1 }.map(\.0)
    }
}

/// Where a marker comment (`// 1️⃣`) stands in a source file: the line, and the column of the
/// opening parenthesis of `call` (`"App("`) on that line, 1-based: where a default `#column`
/// of an initialiser points.
func markedPosition(_ marker: String, call: String, in filePath: String = #filePath) throws -> (line: Int, column: Int)
{
    let source = try String(contentsOfFile: filePath, encoding: .utf8)
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    let index = try #require(lines.firstIndex { $0.contains("// " + marker) && !$0.contains("markedPosition") })
    let line = lines[index]
    let start = try #require(line.range(of: call))
    return (index + 1, line.utf8.distance(from: line.startIndex, to: start.upperBound))
}
