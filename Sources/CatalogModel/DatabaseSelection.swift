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

/// The databases of a customer's server that its `eachDatabase` queries run in (issue 28): a list, or every
/// database that takes connections, templates excluded, less an `excludeDatabases` list.
///
/// postgres_exporter's auto-discovery held a connection per database ("100 databases, 100 connections", its
/// issue #1068): here each database's connection is opened in turn and kept only within the function's pool
/// (`ONPREM_MAX_CONNECTIONS`), so a server never holds more than that many idle connections of ours.
public enum DatabaseSelection: Sendable, Equatable {
    case list([String])
    case all(excluding: [String])

    /// The discovery statement of ``all(excluding:)``, run in the customer's own `database`.
    public static let discovery =
        "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate "
        + "AND has_database_privilege(oid, 'CONNECT') ORDER BY datname"

    /// Why `name` cannot be a `database` dimension's value, if it cannot (CloudWatch's rules): a discovered
    /// database's part then fails with the reason rather than sending datums CloudWatch refuses.
    public static func problem(_ name: String) -> String? {
        name.utf8.count > 63
            ? "is longer than PostgreSQL's 63 bytes" : PutMetricDataLimits.dimensionProblem(name, isName: false)
    }

    /// Databases discovered on the server, less the excluded ones; a list as it is.
    public func names(discovered: [String]) -> [String] {
        switch self {
        case .list(let names): names
        case .all(let excluded): discovered.filter { !excluded.contains($0) }
        }
    }

    /// Reads a customer's `databases` and `excludeDatabases`; `nil` without them.
    static func read(in fields: JSONObject, place: String) throws(CatalogError) -> DatabaseSelection? {
        let reader = FieldReader(fields: fields, place: place)
        let excluded = try reader.textList("excludeDatabases")
        switch fields["databases"] {
        case nil, .null?:
            guard excluded.isEmpty else {
                throw CatalogError(.invalid, "\(place): excludeDatabases goes with \"databases\": \"all\"")
            }
            return nil
        case .string("all")?:
            try check(excluded, key: "excludeDatabases", place: place)
            return .all(excluding: excluded)
        case .array?:
            guard excluded.isEmpty else {
                throw CatalogError(.invalid, "\(place): excludeDatabases goes with \"databases\": \"all\", not a list")
            }
            let names = try reader.textList("databases")
            guard !names.isEmpty, Set(names).count == names.count else {
                throw CatalogError(.invalid, "\(place): databases must list database names, each once")
            }
            try check(names, key: "databases", place: place)
            return .list(names)
        default:
            throw CatalogError(.invalid, "\(place): databases must be a list of database names, or \"all\"")
        }
    }

    /// A database name becomes the `database` dimension's value: PostgreSQL's 63 bytes, and CloudWatch's rules.
    private static func check(_ names: [String], key: String, place: String) throws(CatalogError) {
        for name in names {
            if let problem = problem(name) {
                throw CatalogError(.invalid, "\(place): \(key) entry \"\(name)\" \(problem)")
            }
        }
    }
}
