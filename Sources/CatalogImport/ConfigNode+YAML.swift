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
            throw ImportError(.invalidFile, file: file, "is not YAML: \(Self.describe(error))")
        } catch {
            throw ImportError(.invalidFile, file: file, "is not YAML: \(error)")
        }
        guard let root else { return .null }
        return try ConfigNode(yaml: root, file: file)
    }

    /// libyaml's problem and where, without the snippet of the file that Yams' description adds.
    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            "\(problem) at line \(mark.line), column \(mark.column)"
        case .duplicatedKeysInMapping(let duplicates, _):
            "a mapping repeats \(duplicates.joined(separator: ", "))"
        default:
            "\(error)"
        }
    }

    /// The tree of a composed YAML node; scalars typed as YAML's core schema resolves them (`30` a number, `"30"`
    /// text, `true` a boolean, `~` null).
    private init(yaml node: Node, file: String) throws(ImportError) {
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
            for item in sequence { items.append(try ConfigNode(yaml: item, file: file)) }
            self = .list(items)
        case .mapping(let mapping):
            var entries: [ConfigEntry] = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw ImportError(
                        .invalidFile, file: file, "a mapping key at line \(key.mark?.line ?? 0) is not a scalar")
                }
                entries.append(ConfigEntry(key: name, value: try ConfigNode(yaml: value, file: file)))
            }
            self = .table(entries)
        case .alias:
            // compose() resolves aliases to their anchored nodes; an unresolved one is not a value.
            throw ImportError(.invalidFile, file: file, "has a YAML alias that names no anchor")
        }
    }
}
