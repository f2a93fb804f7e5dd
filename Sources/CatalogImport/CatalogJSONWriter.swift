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

import JSON

extension ImportedCatalog {
    /// The catalog fragment as JSON text: `{"customers": [...], "queries": [...]}`, two-space indented, each entry's
    /// keys in the order docs/catalog.md lists them (`name` first), so that a person reads it as a catalog.
    ///
    /// ``JSON/JSONValue/serialized(pretty:)`` sorts keys, which puts `cloudwatchDimension` before `name`; the fragment
    /// is meant to be pasted into a catalog and reviewed, so it is written in reading order here.
    public func json() -> String {
        let customers = customers.map(\.fields)
        let queries = queries.map(\.fields)
        return OrderedJSON.object([("customers", .array(customers)), ("queries", .array(queries))]).text(indent: "")
            + "\n"
    }
}

extension ImportedQuery {
    var fields: OrderedJSON {
        var fields: [(String, OrderedJSON)] = [
            ("name", .string(name)), ("versions", .array(versions.map(OrderedJSON.string))),
        ]
        if let cloudwatchDimension { fields.append(("cloudwatchDimension", .string(cloudwatchDimension))) }
        if let description { fields.append(("description", .string(description))) }
        fields.append(("query", .string(sql)))
        if let interval { fields.append(("interval", .integer(interval))) }
        if let timeoutMs { fields.append(("timeoutMs", .integer(timeoutMs))) }
        if !dimensions.isEmpty { fields.append(("dimensions", .strings(dimensions))) }
        if !metricNames.isEmpty { fields.append(("metricNames", .strings(metricNames))) }
        if !counters.isEmpty { fields.append(("counters", .array(counters.map(OrderedJSON.string)))) }
        return .object(fields)
    }
}

extension ImportedCustomer {
    var fields: OrderedJSON {
        var fields: [(String, OrderedJSON)] = [("opname", .string(opname))]
        if hosts.count == 1 {
            fields.append(("ip", .string(hosts[0])))
        } else {
            fields.append(("hosts", .array(hosts.map(OrderedJSON.string))))
        }
        if let port { fields.append(("port", .integer(port))) }
        fields += [("database", .string(database)), ("version", .string(version))]
        for (key, value) in [
            ("user", user), ("sslmode", sslmode), ("sslrootcert", sslrootcert), ("sslcert", sslcert),
            ("sslkey", sslkey),
        ] {
            if let value { fields.append((key, .string(value))) }
        }
        if let interval { fields.append(("interval", .integer(interval))) }
        if !dimensions.isEmpty { fields.append(("dimensions", .strings(dimensions))) }
        return .object(fields)
    }
}

/// JSON with keys in a chosen order, for the fragment only (strings escaped by ``JSON/JSONText``).
enum OrderedJSON: Sendable {
    case string(String)
    case integer(Int)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    /// A string map with its keys sorted, so the same import always gives the same text.
    static func strings(_ map: [String: String]) -> OrderedJSON {
        .object(map.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    /// Scalars, and arrays and objects of scalars, go on one line; the rest one member a line.
    private var isFlat: Bool {
        switch self {
        case .string, .integer: true
        case .array(let items):
            items.allSatisfy { if case .string = $0 { true } else if case .integer = $0 { true } else { false } }
        case .object(let members): members.allSatisfy { if case .string = $0.1 { true } else { false } }
        }
    }

    func text(indent: String) -> String {
        switch self {
        case .string(let value): return JSONText.quoted(value)
        case .integer(let value): return String(value)
        case .array(let items):
            if items.isEmpty { return "[]" }
            if isFlat { return "[" + items.map { $0.text(indent: indent) }.joined(separator: ", ") + "]" }
            let inner = indent + "  "
            return "[\n" + items.map { inner + $0.text(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            if isFlat && indent.count > 4 {
                return "{"
                    + members.map { JSONText.quoted($0.0) + ": " + $0.1.text(indent: indent) }
                    .joined(separator: ", ") + "}"
            }
            let inner = indent + "  "
            return "{\n"
                + members.map { inner + JSONText.quoted($0.0) + ": " + $0.1.text(indent: inner) }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }
}
