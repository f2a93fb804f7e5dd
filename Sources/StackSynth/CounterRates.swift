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
public import Core
public import JSON
public import MetricModel

/// The `server-health` pack's counters on a dashboard: CloudWatch stores each as published, a running total, and
/// the widget shows its per-second rate with metric math (`RATE`), so the function keeps no state between
/// invocations.
public enum CounterRates: Sendable {
    /// The counters that get a rate: those of the pack that are metrics (by default the ones its dashboard
    /// widget draws; the catalog's `builtinPublish` or an alarm make others metrics too).
    public static var counters: [String] { counters(of: BuiltinPack.serverHealth.definition) }

    /// The counters of `pack` (as a catalog runs it) that are published as metrics.
    static func counters(of pack: QueryDefinition) -> [String] {
        pack.counters.filter { !pack.isLogOnly($0) }
    }

    /// The counters each of the customer's packs publishes as metrics, by the pack's `Query` dimension; packs that
    /// run in each database are left out (their series carry a database the widget cannot know).
    static func counters(of plan: CollectionPlan.CustomerPlan) -> [(query: String, counters: [String])] {
        plan.groups.flatMap(\.queries).filter { $0.builtin != nil && !$0.eachDatabase }
            .map { ($0.cloudwatchDimension, counters(of: $0)) }.filter { !$0.counters.isEmpty }
    }

    /// The widget's `metrics`: each counter, hidden, and an expression of its rate. A counter that fell (the
    /// server's statistics were reset, or a failover put another server behind the name) shows as no rate
    /// rather than a negative one.
    /// `dimensions`: the ones the catalog sets on the customer, which its series carry too.
    public static func metrics(
        customer: String, dimensions: [Dimension] = [], counters: [String] = CounterRates.counters,
        query: String = "server-health"
    ) -> [JSONValue] {
        counters.flatMap { counter -> [JSONValue] in
            [
                .array(
                    [
                        "${Namespace}", .string(counter), "Customer", .string(customer), "Query", .string(query),
                    ] + dimensions.flatMap { [JSONValue.string($0.name), .string($0.value)] }
                        + [["id": .string("m_\(counter)"), "visible": false]]),
                [
                    [
                        "expression": .string(expression(counter)), "label": .string("\(counter) per second"),
                        "id": .string("r_\(counter)"),
                    ]
                ],
            ]
        }
    }

    /// `IF(DIFF(m) >= 0, RATE(m))`: the rate where the counter grew, nothing where it fell.
    public static func expression(_ counter: String) -> String {
        "IF(DIFF(m_\(counter)) >= 0, RATE(m_\(counter)))"
    }
}
