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

import Core
import JSON
import MetricModel

/// Reads typed fields from a JSON object, with errors that say where.
struct FieldReader {
    let fields: JSONObject
    let place: String

    /// Refuses a key the entry does not have, naming it and the nearest known one (issue 30: `"treshold": 5` was
    /// accepted in silence, and its alarm used another threshold). `hints` say more for keys people bring from
    /// elsewhere (`password` belongs in a secret).
    func refuseUnknownKeys(_ known: [String], hints: [String: String] = [:]) throws(CatalogError) {
        for key in fields.keys.sorted() where !known.contains(key) {
            var message = "\(place): unknown key \"\(key)\""
            if let hint = hints[key] {
                message += "; \(hint)"
            } else if let nearest = NearestName.nearest(key, among: known) {
                message += "; did you mean \"\(nearest)\"?"
            } else {
                message += "; the keys are \(known.sorted().joined(separator: ", "))"
            }
            throw CatalogError(.invalid, message)
        }
    }

    func requiredText(_ key: String) throws(CatalogError) -> String {
        guard let text = try optionalText(key), !text.isEmpty else {
            throw CatalogError(.invalid, "\(place): \(key) is missing or empty")
        }
        return text
    }

    func optionalText(_ key: String) throws(CatalogError) -> String? {
        guard let value = fields[key], value != .null else { return nil }
        guard let text = value.text else { throw CatalogError(.invalid, "\(place): \(key) must be a string") }
        return text
    }

    /// A finite number, given as a JSON number or as text (`"80"`); `NaN` and infinities are refused.
    func optionalNumber(_ key: String) throws(CatalogError) -> Double? {
        let value: Double
        switch fields[key] {
        case nil, .null?: return nil
        case .number(let number)?: value = number
        case .string(let text)?:
            guard let number = Double(text) else { throw CatalogError(.invalid, "\(place): \(key) must be a number") }
            value = number
        default: throw CatalogError(.invalid, "\(place): \(key) must be a number")
        }
        guard value.isFinite else { throw CatalogError(.invalid, "\(place): \(key) must be a finite number") }
        return value
    }

    func optionalBool(_ key: String) throws(CatalogError) -> Bool? {
        switch fields[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw CatalogError(.invalid, "\(place): \(key) must be true or false")
        }
    }

    /// A whole number in `range`, converted with a check: a value past `Int`'s range is an error, not a trap.
    func optionalInteger(_ key: String, in range: ClosedRange<Int>) throws(CatalogError) -> Int? {
        guard let value = try optionalNumber(key) else { return nil }
        guard let whole = Int(exactly: value), range.contains(whole) else {
            throw CatalogError(.invalid, "\(place): \(key) must be a whole number in \(range)")
        }
        return whole
    }

    func numberMap(_ key: String) throws(CatalogError) -> [String: Double] {
        guard let value = fields[key], value != .null else { return [:] }
        guard case .object(let map) = value else { throw CatalogError(.invalid, "\(place): \(key) must be an object") }
        let entries = FieldReader(fields: map, place: "\(place): \(key)")
        var result: [String: Double] = [:]
        for name in map.keys {
            guard let number = try entries.optionalNumber(name) else {
                throw CatalogError(.invalid, "\(place): \(key).\(name) must be a number")
            }
            result[name] = number
        }
        return result
    }

    func textList(_ key: String) throws(CatalogError) -> [String] {
        switch fields[key] {
        case nil, .null?: return []
        case .array(let items)?:
            var result: [String] = []
            for item in items {
                guard let text = item.text else { throw CatalogError(.invalid, "\(place): \(key) must list strings") }
                result.append(text)
            }
            return result
        default: throw CatalogError(.invalid, "\(place): \(key) must be a list")
        }
    }
}
