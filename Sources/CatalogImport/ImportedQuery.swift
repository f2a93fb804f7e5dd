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

/// A catalog query made from another tool's query: the catalog's fields that imports fill (docs/catalog.md).
///
/// Every value here passes the catalog's own load checks: a name without control characters or `${`, one
/// statement, an interval the schedule can run, metric names CloudWatch takes, constant dimensions that are not
/// names the function sets. The importers make sure of it, and the tests load every fragment with the catalog.
public struct ImportedQuery: Equatable, Sendable {
    public var name: String
    /// The customer versions it serves (`--versions`): the catalog's schema versions, not PostgreSQL's.
    public var versions: [String]
    /// The `Query` dimension where it is not the name (Telegraf's `measurement`).
    public var cloudwatchDimension: String?
    /// What the tool's file said of it (help texts, column descriptions), for people.
    public var description: String?
    /// The statement: the tool's own, wrapped to cast, rename and select its columns.
    public var sql: String
    /// Seconds between runs (a cache or collection interval of the tool's).
    public var interval: Int?
    public var timeoutMs: Int?
    /// Constant dimensions (sql_exporter's `static_labels`, Datadog's query `tags`).
    public var dimensions: [String: String] = [:]
    /// Column to published metric, where the tool's metric name is not the column's.
    public var metricNames: [String: String] = [:]
    /// Columns the tool treats as cumulative.
    public var counters: [String] = []

    public init(name: String, versions: [String], sql: String) {
        self.name = name
        self.versions = versions
        self.sql = sql
    }
}

extension ImportedQuery {
    /// Why `name` cannot name a catalog query, if it cannot: the catalog's rule for names and `cloudwatchDimension`
    /// (they go into dimensions, state machine definitions and log lines), and the built-in pack's name.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "has a control character"
        }
        if name.contains("${") { return "contains \"${\"" }
        if name.utf8.count > 255 { return "is longer than 255 bytes" }
        if name == "server-health" { return "is the built-in pack's name" }
        return nil
    }
}

extension ImportedQuery {
    /// Why the catalog would refuse `name` in `metricNames`, if it would: CloudWatch's rule for metric names (1 to
    /// 255 characters, no control characters, not blank), and not a name the function sets itself.
    static func metricNameProblem(_ name: String) -> String? {
        let scalars = name.unicodeScalars
        if scalars.isEmpty || scalars.count > 255 { return "is not 1-255 characters" }
        if scalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "has a control character"
        }
        if scalars.allSatisfy(\.properties.isWhitespace) { return "is blank" }
        if ConstantDimensionRules.reserved.contains(name) { return "is a name the function sets itself" }
        return nil
    }
}

/// The catalog's rules for constant dimensions (`dimensions` of a query or a customer), which CloudWatch's own
/// rules and the function's names decide.
enum ConstantDimensionRules {
    /// Names the function sets itself (the catalog refuses them as constant dimensions).
    static let reserved: Set<String> = [
        "Customer", "Query", "_aws", "QuerySucceeded", "QueryDuration", "database", "state", "replica", "slot",
    ]

    /// At most this many per customer or query.
    static let maximum = 10

    /// Why `name` = `value` cannot be a constant dimension, if it cannot.
    static func problem(name: String, value: String) -> String? {
        if reserved.contains(name) { return "\(name) is a dimension the function sets itself" }
        for (text, what, limit) in [(name, "name", 255), (value, "value", 1024)] {
            guard !text.isEmpty, text.utf8.count <= limit else { return "its \(what) must be 1-\(limit) characters" }
            if text.utf8.contains(where: { $0 >= 0x80 }) {
                return "its \(what) is not ASCII (CloudWatch takes ASCII only)"
            }
            if text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "its \(what) has a control character" }
            if text.utf8.allSatisfy({ $0 == 0x20 }) { return "its \(what) is blank" }
        }
        if name.hasPrefix(":") { return "its name starts with ':'" }
        return nil
    }
}
