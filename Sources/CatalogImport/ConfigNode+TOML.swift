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

import TOMLKit

extension ConfigNode {
    /// Parses TOML with TOMLKit (toml++), as Telegraf does with its own TOML library.
    ///
    /// - Throws: `Import.InvalidFile` with the line and column toml++ stopped at.
    static func toml(_ text: String, file: String) throws(ImportError) -> ConfigNode {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ImportError(
                .invalidFile, file: file,
                "is not TOML: \(error.description) at line \(error.source.begin.line), column \(error.source.begin.column)"
            )
        } catch {
            throw ImportError(.invalidFile, file: file, "is not TOML: \(error)")
        }
        return ConfigNode(toml: table)
    }

    /// A TOML table's tree. Dates and times are kept as their text: no key the importers read holds one.
    private init(toml value: any TOMLValueConvertible) {
        switch value.type {
        case .table:
            let table = value.table ?? TOMLTable()
            self = .table(zip(table.keys, table.values).map { ConfigEntry(key: $0, value: ConfigNode(toml: $1)) })
        case .array:
            self = .list((value.array.map { Array($0) } ?? []).map { ConfigNode(toml: $0) })
        case .string: self = .string(value.string ?? "")
        case .int: self = value.int.map(ConfigNode.integer) ?? .null
        case .double: self = value.double.map(ConfigNode.number) ?? .null
        case .bool: self = value.bool.map(ConfigNode.bool) ?? .null
        case .date, .time, .dateTime: self = .string(value.debugDescription)
        }
    }
}
