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
public import MetricModel

/// Dimensions the catalog sets on every metric of a customer or a query (`"dimensions": {"env": "prod"}`), as
/// sql_exporter's `static_labels` and Telegraf's tags do: read and checked against CloudWatch's rules at load, with
/// the entry named.
enum ConstantDimensions {
    /// Names the function sets itself, which a catalog may not.
    /// The server-health pack's own dimensions (`database`, `state`, `replica`, `slot`) too: a catalog dimension of
    /// that name would make the pack's rows carry it twice (`database` is also an `eachDatabase` query's). The other
    /// packs' (``BuiltinPack/rowDimensions``) are refused only for the customers that have them
    /// (``Catalog``'s check), so that a catalog without those packs keeps the names it had.
    static let reserved: Set<String> = [
        "Customer", "Query", "_aws", "QuerySucceeded", "QueryDuration", "database", "state", "replica", "slot",
    ]

    /// At most this many a customer or a query sets: with `Customer`, `Query` and the row's own, a datum holds 30.
    static let maximum = 10

    /// Reads `key` of `fields` as constant dimensions, sorted by name.
    static func read(_ key: String, in fields: JSONObject, place: String) throws(CatalogError) -> [Dimension] {
        guard let value = fields[key], value != .null else { return [] }
        guard case .object(let map) = value, map.count <= maximum else {
            throw CatalogError(.invalid, "\(place): \(key) must map at most \(maximum) dimension names to values")
        }
        var dimensions: [Dimension] = []
        for (name, value) in map {
            guard case .string(let text) = value else {
                throw CatalogError(.invalid, "\(place): \(key).\(name) must be a string")
            }
            if reserved.contains(name) {
                throw CatalogError(.invalid, "\(place): \(key).\(name) is a dimension the function sets itself")
            }
            if let problem = PutMetricDataLimits.dimensionProblem(name, isName: true)
                ?? PutMetricDataLimits.dimensionProblem(text, isName: false)
            {
                throw CatalogError(.invalid, "\(place): \(key).\(name): \(problem)")
            }
            dimensions.append(Dimension(name, text))
        }
        return dimensions.sorted { $0.name < $1.name }
    }
}
