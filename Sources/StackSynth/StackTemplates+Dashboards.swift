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

/// The dashboards: one row per customer, pages of at most ``StackTemplates/widgetsPerDashboard`` widgets.
extension StackTemplates {
    // MARK: - Dashboards

    /// One row per customer: every series of its namespace (KPIs and health), found by `SEARCH`, so the dashboard
    /// needs no list of row dimensions the catalog cannot know.
    /// Customers in catalog order, as many on each dashboard as its widgets allow; at least one (empty) page.
    static func dashboardPages(_ customers: [CollectionPlan.CustomerPlan]) -> [[CollectionPlan.CustomerPlan]] {
        var pages: [[CollectionPlan.CustomerPlan]] = [[]]
        var widgets = 0
        for customer in customers {
            let count = customer.customer.builtin.contains(.serverHealth) ? 2 : 1
            if widgets + count > Self.widgetsPerDashboard {
                pages.append([])
                widgets = 0
            }
            pages[pages.count - 1].append(customer)
            widgets += count
        }
        return pages
    }

    static func dashboardTemplate(_ customers: [CollectionPlan.CustomerPlan]) -> JSONValue {
        var resources: [String: JSONValue] = [:]
        let pages = Self.dashboardPages(customers)
        for (index, page) in pages.enumerated() {
            let widgets: [JSONValue] = page.enumerated().map { row, plan in
                let opname = plan.customer.opname.replacing("\\", with: "\\\\")
                    .replacing("\"", with: "\\\"").replacing("'", with: "\\'")
                let search = "SEARCH('Namespace=\"${Namespace}\" Customer=\"\(opname)\"', 'Average', 60)"
                let health = plan.customer.builtin.contains(.serverHealth)
                let kpis: JSONValue = [
                    "type": "metric", "x": 0, "y": .number(Double(row * 6)), "width": health ? 12 : 24, "height": 6,
                    "properties": [
                        "title": .string(plan.customer.opname), "region": "${AWS::Region}", "view": "timeSeries",
                        "period": 60, "metrics": [[["expression": .string(search), "id": "kpis"]]],
                    ],
                ]
                guard health else { return [kpis] }
                return [
                    kpis,
                    [
                        "type": "metric", "x": 12, "y": .number(Double(row * 6)), "width": 12, "height": 6,
                        "properties": [
                            "title": .string("\(plan.customer.opname): server counters, per second"),
                            "region": "${AWS::Region}", "view": "timeSeries", "period": 60,
                            "metrics": .array(CounterRates.metrics(customer: plan.customer.opname)),
                        ],
                    ],
                ]
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
