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
import Testing

@testable import StackSynth

@Suite struct CostEstimateTests {
    func item(_ estimate: CostEstimate, _ name: String) -> Double {
        estimate.items.first { $0.name == name }?.monthly ?? .nan
    }

    @Test("The cost example (docs/monitoring-stack.md): one customer, ten one-minute KPI queries, under $4 a month")
    func example() {
        let plan = CollectionPlan(catalog: Fixtures.catalog(customers: 1))
        let estimate = CostEstimate(plan: plan, dashboards: 1)
        let collection = ["workflow", "schedules", "Lambda", "metric publishing", "metric storage"]
            .map { item(estimate, $0) }.reduce(0, +)
        #expect(collection < 4)
        // The floor: ten KPIs and one health series at $0.30.
        #expect(abs(item(estimate, "metric storage") - 3.30) < 0.001)
        // One Express execution a minute: $1 per million plus 64 MB for 200 ms (two 100 ms rounds of Lambda).
        #expect(abs(item(estimate, "workflow") - 43_800 * (1e-6 + 2 * 0.1 * 0.0625 * 0.000_016_67)) < 0.001)
        // 438,000 invocations of 50 ms at 128 MB.
        #expect(abs(item(estimate, "Lambda") - (438_000 * 0.2e-6 + 438_000 * 0.05 * 0.125 * 0.000_016_666_7)) < 0.001)
        #expect(abs(item(estimate, "alarms") - 1.10) < 0.001)
        #expect(abs(item(estimate, "dashboards") - 3.00) < 0.001)
    }

    @Test("with the CloudWatch sink, publishing is one PutMetricData request per invocation")
    func cloudWatchSink() {
        var assumptions = CostEstimate.Assumptions()
        assumptions.sink = "cloudwatch"
        let estimate = CostEstimate(
            plan: CollectionPlan(catalog: Fixtures.catalog(customers: 1)), dashboards: 1, assumptions: assumptions)
        #expect(abs(item(estimate, "metric publishing") - 4.38) < 0.001)
    }

    @Test("metric storage is tiered: 10,000 at $0.30, the next 240,000 at $0.10")
    func tiers() {
        #expect(abs(CostEstimate.metricStorage(10_000) - 3_000) < 0.001)
        #expect(abs(CostEstimate.metricStorage(22_000) - 4_200) < 0.001)
    }

    @Test("sub-minute collection pays for the Express execution's waiting time; high-resolution alarms cost more")
    func subMinute() throws {
        let catalog = Catalog(
            customers: [Customer(opname: "c", host: "h", database: "d", version: "1", threshold: 1)],
            queries: [
                QueryDefinition(
                    name: "q", versions: ["1"], sql: "s", cloudwatchDimension: "q", storageResolution: 1,
                    interval: 20, alarms: [AlarmSpec(metric: "m", period: 10)])
            ])
        let estimate = CostEstimate(plan: CollectionPlan(catalog: catalog), dashboards: 1)
        // Three rounds of 150 ms and two 20 s waits: 40.5 s, billed per 100 ms at 64 MB.
        #expect(abs(item(estimate, "workflow") - 43_800 * (1e-6 + 405 * 0.1 * 0.0625 * 0.000_016_67)) < 0.001)
        #expect(abs(item(estimate, "alarms") - 0.40) < 0.001)
    }

    @Test("the report is a markdown table with a total per month and per customer")
    func report() {
        let estimate = CostEstimate(plan: CollectionPlan(catalog: Fixtures.catalog(customers: 2)), dashboards: 1)
        let lines = estimate.report.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Monthly cost estimate, 2 customers") == true)
        #expect(lines.last?.hasPrefix("| **total** |") == true)
        #expect(CostEstimate.dollars(7_110.614) == "$7,110.61")
    }
}
