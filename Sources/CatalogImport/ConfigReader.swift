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

/// Reads one table of a tool's file, naming the file and the key path in every error.
///
/// The importers read typed keys through it: a value of the wrong type is `Import.InvalidFile` naming the key
/// (`queries.yaml: pg_database.cache_seconds: must be a whole number, not text`), as the tool itself would refuse it.
struct ConfigReader: Sendable {
    let file: String
    /// The key path of this table (`pg_database`, `instances[0]`); empty at the top of the file.
    let place: String
    let entries: [ConfigEntry]

    init(file: String, place: String, entries: [ConfigEntry]) {
        self.file = file
        self.place = place
        self.entries = entries
    }

    /// The reader of `node` when it is a table, else `Import.InvalidFile` saying what it should be.
    init(file: String, place: String, node: ConfigNode, expected: String = "a mapping") throws(ImportError) {
        guard case .table(let entries) = node else {
            throw ImportError(.invalidFile, file: file, "\(place.isEmpty ? "the file" : place): must be \(expected)")
        }
        self.init(file: file, place: place, entries: entries)
    }

    /// `key` under this table's place.
    func path(_ key: String) -> String { place.isEmpty ? key : "\(place).\(key)" }

    /// An `Import.InvalidFile` error about `key`.
    func invalid(_ key: String, _ problem: String) -> ImportError {
        ImportError(.invalidFile, file: file, "\(path(key)): \(problem)")
    }

    var keys: [String] { entries.map(\.key) }

    subscript(key: String) -> ConfigNode? { entries.first { $0.key == key }?.value }

    /// Whether `key` is present and not null.
    func has(_ key: String) -> Bool {
        guard let value = self[key] else { return false }
        return value != .null
    }

    /// A scalar as text; `nil` when absent or null.
    func text(_ key: String) throws(ImportError) -> String? {
        guard let value = self[key], value != .null else { return nil }
        guard let text = value.text else { throw invalid(key, "must be text, not \(value.kind)") }
        return text
    }

    func requiredText(_ key: String) throws(ImportError) -> String {
        guard let text = try text(key), !text.isEmpty else { throw invalid(key, "is required") }
        return text
    }

    /// A whole number, written as a number or as text.
    func integer(_ key: String) throws(ImportError) -> Int? {
        guard let value = self[key], value != .null else { return nil }
        switch value {
        case .integer(let number): return number
        case .number(let number) where number == number.rounded() && abs(number) < 1e15: return Int(number)
        case .string(let text) where Int(text) != nil: return Int(text)
        default: throw invalid(key, "must be a whole number, not \(value.kind)")
        }
    }

    /// A boolean, written as one or as the text `true`/`false` (Datadog's examples quote them: `'true'`).
    func bool(_ key: String) throws(ImportError) -> Bool? {
        guard let value = self[key], value != .null else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw invalid(key, "must be true or false, not \(value.kind)")
        }
    }

    /// A list; `nil` when absent or null.
    func list(_ key: String) throws(ImportError) -> [ConfigNode]? {
        guard let value = self[key], value != .null else { return nil }
        guard case .list(let items) = value else { throw invalid(key, "must be a list, not \(value.kind)") }
        return items
    }

    /// A list of scalars as text, or one scalar as a list of one (YAML's `values: [a, b]` or `values: a`).
    func textList(_ key: String) throws(ImportError) -> [String]? {
        guard let value = self[key], value != .null else { return nil }
        if let text = value.text { return [text] }
        guard case .list(let items) = value else { throw invalid(key, "must be a list, not \(value.kind)") }
        var texts: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.text else { throw invalid("\(key)[\(index)]", "must be text, not \(item.kind)") }
            texts.append(text)
        }
        return texts
    }

    /// A table; `nil` when absent or null.
    func table(_ key: String) throws(ImportError) -> ConfigReader? {
        guard let value = self[key], value != .null else { return nil }
        return try ConfigReader(file: file, place: path(key), node: value)
    }

    /// The reader of the `index`th item of list `key`, which must be a table.
    func item(_ key: String, _ index: Int, _ node: ConfigNode) throws(ImportError) -> ConfigReader {
        try ConfigReader(file: file, place: path("\(key)[\(index)]"), node: node)
    }

    /// The keys not among `known`, in the file's order.
    func unknownKeys(_ known: [String]) -> [String] {
        keys.filter { !known.contains($0) }
    }
}
