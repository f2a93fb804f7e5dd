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

/// How a metric of a query leaves the function (issue 29): as a CloudWatch metric, which alarms and dashboards can
/// read and which costs $0.30 a month per series, or as a field of the log line, which Logs Insights reads and
/// which costs only its bytes.
///
/// A series is worth a metric when something reads it: an alarm always makes its metric one, whatever the catalog
/// says (``Catalog/warnings`` names each such promotion).
public enum Publishing: String, CaseIterable, Sendable {
    case metric
    case log

    /// Reads a `publish` map (`{"xid_age": "log"}`) into the names it keeps as log fields and those it publishes
    /// as metrics. `name(_:)` turns a key into the published metric's name (a column's `metricNames`).
    static func read(
        _ key: String, in fields: JSONObject, place: String, name: (String) -> String = { $0 }
    ) throws(CatalogError) -> (log: Set<String>, metric: Set<String>) {
        guard let value = fields[key], value != .null else { return ([], []) }
        guard case .object(let map) = value else {
            throw CatalogError(.invalid, "\(place): \(key) must map metric names to \"metric\" or \"log\"")
        }
        var log: Set<String> = []
        var metric: Set<String> = []
        for (column, choice) in map {
            guard case .string(let text) = choice, let publishing = Publishing(rawValue: text) else {
                throw CatalogError(.invalid, "\(place): \(key).\(column) must be \"metric\" or \"log\"")
            }
            switch publishing {
            case .log: log.insert(name(column))
            case .metric: metric.insert(name(column))
            }
        }
        return (log, metric)
    }
}
