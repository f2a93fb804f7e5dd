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

/// A YAML or TOML value, reduced to what the importers read: the tools' files are mappings of scalars and lists.
///
/// Both libraries' trees (Yams' `Node`, TOMLKit's `TOMLTable`) are turned into this one, so that each importer reads
/// its format's keys the same way whichever syntax carried them. A table keeps its keys in the file's order (YAML),
/// or in the library's (TOML, sorted): the order of queries in the output follows it.
enum ConfigNode: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case list([ConfigNode])
    case table([ConfigEntry])

    /// The member named exactly `key`, when this is a table that has it.
    subscript(key: String) -> ConfigNode? {
        guard case .table(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The value as text when it is a scalar: YAML files write ports and intervals both as `5432` and `"5432"`.
    var text: String? {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): value ? "true" : "false"
        case .null, .list, .table: nil
        }
    }

    /// What the value is, for messages (`a list`, `text`).
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "text"
        case .list: "a list"
        case .table: "a mapping"
        }
    }
}

/// One member of a ``ConfigNode`` table.
struct ConfigEntry: Equatable, Sendable {
    var key: String
    var value: ConfigNode
}
