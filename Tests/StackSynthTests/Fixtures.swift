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

import CatalogModel
import Core
import JSON
import MetricModel

@testable import StackSynth

/// Catalogs built as values, so the tests read the plan and templates without files.
enum Fixtures {
    /// The cost example of docs/monitoring-stack.md at any scale: every customer runs `queries` one-KPI queries every
    /// minute, each with an alarm at the customer's threshold (what `scripts/generate-catalog.py` writes).
    static func catalog(customers: Int, queries: Int = 10) -> Catalog {
        Catalog(
            customers: (1...max(1, customers)).prefix(customers).map { number in
                Customer(
                    opname: "Customer \(number)", host: "10.0.0.\(number % 250)", database: "ops", version: "1",
                    threshold: 100)
            },
            queries: (1...max(1, queries)).prefix(queries).map { number in
                QueryDefinition(
                    name: "kpi-\(number)", versions: ["1"], sql: "select 1 as kpi_\(number)",
                    cloudwatchDimension: "kpi-\(number)", units: ["kpi_\(number)": .count],
                    alarms: [AlarmSpec(metric: "kpi_\(number)")])
            })
    }
}

extension JSONValue {
    /// The member at a path of object keys and array indexes, for reading generated documents in expectations.
    subscript(_ path: Any...) -> JSONValue? {
        var value: JSONValue? = self
        for step in path {
            switch (value, step) {
            case (.object(let fields)?, let key as String): value = fields[key]
            case (.array(let items)?, let index as Int): value = items.indices.contains(index) ? items[index] : nil
            default: return nil
            }
        }
        return value
    }

    var objectKeys: [String] {
        guard case .object(let fields) = self else { return [] }
        return fields.keys.sorted()
    }

    var items: [JSONValue] {
        guard case .array(let items) = self else { return [] }
        return items
    }
}
