//===----------------------------------------------------------------------===//
//
// This source file is part of the OnPremWatch open source project
//
// Copyright (c) 2026 the OnPremWatch project authors
// Licensed under Apache License v2.0
//
// See LICENSE for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

import Yams

extension ConfigNode {
    /// Parses YAML with Yams (libyaml), as the tools do with their own YAML libraries; an empty file is null.
    ///
    /// - Throws: `Import.InvalidFile` with the line and column libyaml stopped at.
    static func yaml(_ text: String, file: String) throws(ImportError) -> ConfigNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ImportError(.invalidFile, file: file, "is not YAML: \(Self.describe(error, text: text))")
        } catch {
            throw ImportError(.invalidFile, file: file, "is not YAML")
        }
        guard let root else { return .null }
        var budget = maximumNodes
        return try ConfigNode(yaml: root, file: file, budget: &budget)
    }

    /// libyaml's problem and where, without the snippet of the file that Yams' description adds.
    ///
    /// Never the file's text: the line libyaml stopped at may hold a password.
    private static func describe(_ error: YamlError, text: String) -> String {
        switch error {
        case .reader(let problem, let offset, _, _):
            offset.map { "\(problem) at line \(Self.line(ofByte: $0, in: text)) (byte offset \($0))" } ?? problem
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            "\(problem) at line \(mark.line), column \(mark.column)"
        case .duplicatedKeysInMapping(let duplicates, _):
            "a mapping repeats \(duplicates.joined(separator: ", "))"
        case .dataCouldNotBeDecoded:
            "the file is not UTF-8 text"
        default:
            "libyaml stopped"
        }
    }

    /// The 1-based line of a byte offset.
    private static func line(ofByte offset: Int, in text: String) -> Int {
        text.utf8.prefix(max(0, offset)).filter { $0 == UInt8(ascii: "\n") }.count + 1
    }

    /// The most nodes a file may expand to, aliases counted each time they are used: a few aliases nested
    /// ("billion laughs") would otherwise make a tree too large to hold.
    static let maximumNodes = 100_000

    /// The tree of a composed YAML node; scalars typed as YAML's core schema resolves them (`30` a number, `"30"`
    /// text, `true` a boolean, `~` null). Merge keys (`<<: *anchor`, or a list of anchors) are expanded as go-yaml
    /// and PyYAML expand them: the mapping's own keys win, then the earlier merged mapping's.
    private init(yaml node: Node, file: String, budget: inout Int) throws(ImportError) {
        budget -= 1
        guard budget >= 0 else {
            throw ImportError(
                .invalidFile, file: file,
                "expands to more than \(Self.maximumNodes) YAML nodes (aliases counted each time they are used)")
        }
        switch node {
        case .scalar(let scalar):
            // The resolved tag's name (Yams keeps Tag.name internal; its description is the name).
            switch node.tag.description {
            case Tag.Name.null.rawValue: self = .null
            case Tag.Name.bool.rawValue: self = node.bool.map(ConfigNode.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue: self = node.int.map(ConfigNode.integer) ?? .string(scalar.string)
            case Tag.Name.float.rawValue: self = node.float.map(ConfigNode.number) ?? .string(scalar.string)
            default: self = .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for item in sequence { items.append(try ConfigNode(yaml: item, file: file, budget: &budget)) }
            self = .list(items)
        case .mapping(let mapping):
            var entries: [ConfigEntry] = []
            let isMerge: (Node) -> Bool = { $0.scalar != nil && $0.tag.description == Tag.Name.merge.rawValue }
            let own = Set(mapping.compactMap { isMerge($0.key) ? nil : $0.key.scalar?.string })
            var merged = Set<String>()
            for (key, value) in mapping {
                if isMerge(key) {
                    let sources: [Node]
                    switch value {
                    case .mapping: sources = [value]
                    case .sequence(let sequence) where sequence.allSatisfy({ $0.mapping != nil }):
                        sources = Array(sequence)
                    default:
                        throw ImportError(
                            .invalidFile, file: file,
                            "the merge key (<<) at line \(key.mark?.line ?? 0) takes a mapping or a list of mappings")
                    }
                    for source in sources {
                        guard case .table(let sourceEntries) = try ConfigNode(yaml: source, file: file, budget: &budget)
                        else { continue }
                        for entry in sourceEntries where !own.contains(entry.key) && !merged.contains(entry.key) {
                            merged.insert(entry.key)
                            entries.append(entry)
                        }
                    }
                    continue
                }
                guard let name = key.scalar?.string else {
                    throw ImportError(
                        .invalidFile, file: file, "a mapping key at line \(key.mark?.line ?? 0) is not a scalar")
                }
                entries.append(ConfigEntry(key: name, value: try ConfigNode(yaml: value, file: file, budget: &budget)))
            }
            self = .table(entries)
        case .alias:
            // compose() resolves aliases to their anchored nodes; an unresolved one is not a value.
            throw ImportError(.invalidFile, file: file, "has a YAML alias that names no anchor")
        }
    }
}
