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

/// The dashboards: one row per customer, pages of at most ``StackTemplates/widgetsPerDashboard`` widgets.
extension StackTemplates {
    // MARK: - Dashboards

    /// One row per customer, of a widget per unit (issue 30: bytes beside percentages beside counts on one axis
    /// read as nothing), each drawing its alarms' thresholds; the pack's counter rates beside them. Customers in
    /// catalog order, as many on each dashboard as its widgets allow; at least one (empty) page.
    static func dashboardPages(_ customers: [CollectionPlan.CustomerPlan]) -> [[CollectionPlan.CustomerPlan]] {
        var pages: [[CollectionPlan.CustomerPlan]] = [[]]
        var widgets = 0
        for customer in customers {
            let count = Self.widgetCount(customer)
            if widgets + count > Self.widgetsPerDashboard {
                pages.append([])
                widgets = 0
            }
            pages[pages.count - 1].append(customer)
            widgets += count
        }
        return pages
    }

    /// A customer's widgets: a unit's, and the packs' counters.
    static func widgetCount(_ customer: CollectionPlan.CustomerPlan) -> Int {
        unitPanels(customer).count + (CounterRates.counters(of: customer).isEmpty ? 0 : 1)
    }

    /// One panel of a customer's row: the KPIs of one unit, found by `SEARCH` (the dashboard needs no list of row
    /// dimensions the catalog cannot know), and the thresholds of their alarms.
    struct UnitPanel {
        var unit: String
        /// The metric names; empty: every series of the customer (a query whose metrics the catalog names nowhere).
        var metrics: [String]
        var thresholds: [(label: String, value: Double)]
    }

    /// The panels of a customer's row, by unit; a last one of every series when some query names no metric.
    static func unitPanels(_ customer: CollectionPlan.CustomerPlan) -> [UnitPanel] {
        var byUnit: [String: Set<String>] = [:]
        var unnamed = false
        for query in customer.groups.flatMap(\.queries) where query.builtin == nil {
            // A log field is no metric to draw (issue 29); Logs Insights' saved query shows it. A query whose
            // metrics the catalog names nowhere gets the panel of every series.
            if query.knownMetrics.isEmpty { unnamed = true }
            let names = query.knownMetrics.filter { !query.isLogOnly($0) }
            for name in names {
                // A counter's panel is its rate's: a cumulative count on an axis says nothing.
                let unit = query.isCounter(name) ? Self.perSecond : query.unit(of: name).rawValue
                byUnit[unit, default: []].insert(name)
            }
        }
        var panels = byUnit.keys.sorted().map { unit in
            var thresholds: [String: [String]] = [:]
            for alarm in customer.alarms where alarm.query.builtin == nil && byUnit[unit]!.contains(alarm.spec.metric) {
                let symbol = alarm.spec.comparison.rawValue.hasPrefix("Greater") ? ">" : "<"
                let extra = alarm.spec.dimensions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                let what = alarm.spec.metric + (extra.isEmpty ? "" : " (\(extra.joined(separator: ", ")))")
                thresholds["\(symbol) \(alarm.threshold)", default: []].append(what)
            }
            return UnitPanel(
                unit: unit, metrics: byUnit[unit]!.sorted(),
                thresholds: thresholds.keys.sorted().map { key in
                    let names = thresholds[key]!
                    let label =
                        (names.count > 3
                            ? names.prefix(3).joined(separator: ", ") + ", ..." : names.joined(separator: ", "))
                    return (
                        label: "\(label) \(key.split(separator: " ")[0]) threshold",
                        value: Double(key.split(separator: " ")[1])!
                    )
                })
        }
        if unnamed || panels.isEmpty { panels.append(UnitPanel(unit: "all series", metrics: [], thresholds: [])) }
        return panels
    }

    /// Widths that fill whole rows of the 24-column grid, at most four widgets a row: CloudWatch places each widget
    /// in the next free position, so a customer's row starts on a line of its own.
    static func widths(_ count: Int) -> [Int] {
        stride(from: 0, to: count, by: 4).flatMap { start in
            let inRow = min(4, count - start)
            return Array(repeating: 24 / inRow, count: inRow)
        }
    }

    /// The panel of counters, drawn as per-second rates.
    static let perSecond = "per second"

    /// `text` inside a quoted term of a `SEARCH` expression.
    static func searchQuoted(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("'", with: "\\'")
    }

    static func dashboardTemplate(_ customers: [CollectionPlan.CustomerPlan]) -> JSONValue {
        var resources: [String: JSONValue] = [:]
        let pages = Self.dashboardPages(customers)
        for (index, page) in pages.enumerated() {
            let widgets: [JSONValue] = page.map { plan in
                let opname = Self.searchQuoted(plan.customer.opname)
                let panels = Self.unitPanels(plan)
                let packCounters = CounterRates.counters(of: plan)
                let widths = Self.widths(panels.count + (packCounters.isEmpty ? 0 : 1))
                var cells: [JSONValue] = panels.enumerated().map { column, panel in
                    var terms = "Namespace=\"${Namespace}\" Customer=\"\(opname)\""
                    // One unit: every series of the customer is the panel's, and the expression stays short (2,000
                    // customers' dashboards are one nested template, at most 1 MB).
                    if !panel.metrics.isEmpty && (panels.count > 1 || panel.unit == Self.perSecond) {
                        terms +=
                            " ("
                            + panel.metrics.map { "MetricName=\"\(Self.searchQuoted($0))\"" }.joined(separator: " OR ")
                            + ")"
                    }
                    var properties: JSONObject = [
                        "title": .string(
                            "\(plan.customer.opname): \(panel.unit == "all series" ? "all series" : panel.unit)"),
                        "region": "${AWS::Region}", "view": "timeSeries", "period": 60,
                        "metrics": [
                            [
                                [
                                    "expression": .string(
                                        panel.unit == Self.perSecond
                                            ? "RATE(SEARCH('\(terms)', 'Maximum', 60))"
                                            : "SEARCH('\(terms)', 'Average', 60)"),
                                    "id": "kpis",
                                ]
                            ]
                        ],
                        "yAxis": ["left": ["label": .string(panel.unit)]],
                    ]
                    if !panel.thresholds.isEmpty {
                        properties["annotations"] = [
                            "horizontal": .array(
                                panel.thresholds.map { ["label": .string($0.label), "value": .number($0.value)] })
                        ]
                    }
                    return [
                        "type": "metric", "width": .number(Double(widths[column])), "height": 6,
                        "properties": .object(properties),
                    ]
                }
                if !packCounters.isEmpty {
                    cells.append([
                        "type": "metric", "width": .number(Double(widths[panels.count])), "height": 6,
                        "properties": [
                            "title": .string("\(plan.customer.opname): server counters, per second"),
                            "region": "${AWS::Region}", "view": "timeSeries", "period": 60,
                            "metrics": .array(
                                packCounters.flatMap { pack in
                                    CounterRates.metrics(
                                        customer: plan.customer.opname, dimensions: plan.customer.dimensions,
                                        counters: pack.counters, query: pack.query)
                                }),
                        ],
                    ])
                }
                return cells
            }.flatMap { $0 }
            let body = JSONValue.object(["widgets": .array(widgets)]).serialized()
            let text = subEscaped(String(decoding: body, as: UTF8.self), keeping: ["${Namespace}", "${AWS::Region}"])
            resources["Dashboard\(index + 1)"] = [
                "Type": "AWS::CloudWatch::Dashboard",
                "Properties": [
                    "DashboardName": sub(index == 0 ? "${Name}" : "${Name}-\(index + 1)"),
                    "DashboardBody": sub(text),
                ],
            ]
        }
        return [
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": "OnPremWatch: dashboards, one row per customer",
            "Parameters": ["Name": ["Type": "String"], "Namespace": ["Type": "String"]],
            "Resources": .object(JSONObject(resources)),
        ]
    }
}
