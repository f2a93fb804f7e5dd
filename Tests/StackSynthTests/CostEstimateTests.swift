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
import MetricModel
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

    @Test("Express duration is tiered: 1,000 GB-hours at $0.06, the next 4,000 at $0.03, the rest at $0.01642")
    func expressTiers() {
        #expect(abs(CostEstimate.expressDuration(gbSeconds: 500 * 3600) - 30) < 0.001)
        #expect(abs(CostEstimate.expressDuration(gbSeconds: 6_000 * 3600) - (60 + 120 + 16.42)) < 0.001)
    }

    @Test("issue 29: the shipped demo catalog at 2,000 customers costs at most $4 a customer, every pack alarm kept")
    func demoAtScale() throws {
        let path = String(#filePath).replacing("Tests/StackSynthTests/CostEstimateTests.swift", with: "catalog.json")
        var catalog = try Catalog(json: try #require(FileBytes.read(path)))
        let models = catalog.customers
        catalog.customers = (1...2_000).map { number in
            var customer = models[(number - 1) % models.count]
            customer.opname = "Customer \(number)"
            return customer
        }
        let plan = CollectionPlan(catalog: catalog)
        let estimate = CostEstimate(plan: plan, dashboards: StackTemplates.dashboardPages(plan.customers).count)
        #expect(estimate.perCustomer <= 4.00)
        // The pack's four default alarms and the deadlocks rate alarm, for every customer.
        let packAlarms = plan.customers.map { $0.alarms.filter { $0.query.builtin != nil }.count }
        #expect(Set(packAlarms) == [5])
        // Publishing every log field as a metric would cost more than twice as much storage.
        #expect(estimate.logFieldSeries > estimate.metricSeries && estimate.logFieldSaving > 4_000)
        #expect(estimate.report.contains("less than publishing all"))
    }

    @Test("a query's log fields are no metric: the estimate counts them apart, and an alarm makes one a metric")
    func logFields() {
        var query = QueryDefinition(
            name: "q", versions: ["1"], sql: "s", cloudwatchDimension: "q",
            units: ["a": .count, "b": .count, "c": .count], alarms: [AlarmSpec(metric: "a")])
        query.logFields = ["b", "c", "a"]
        #expect(CostEstimate.seriesCount(query) == (1, 2))
        #expect(query.promotedLogFields == ["a"] && !query.isLogOnly("a") && query.isLogOnly("b"))
    }

    /// Issue 28.
    @Test("an eachDatabase query's series count once per database: a customer's list, or three for all")
    func eachDatabase() {
        var query = QueryDefinition(
            name: "q", versions: ["1"], sql: "s", cloudwatchDimension: "q", units: ["a": .count, "b": .count])
        query.eachDatabase = true
        var listed = Customer(opname: "listed", host: "h", database: "d", version: "1")
        listed.databases = .list(["a", "b", "c", "d"])
        var all = Customer(opname: "all", host: "h", database: "d", version: "1")
        all.databases = .all(excluding: [])
        let one = Customer(opname: "one", host: "h", database: "d", version: "1")
        for (customer, series) in [(listed, 2 * 4 + 1), (all, 2 * 3 + 1), (one, 2 + 1)] {
            let estimate = CostEstimate(
                plan: CollectionPlan(catalog: Catalog(customers: [customer], queries: [query])), dashboards: 1)
            #expect(estimate.metricSeries == series, "\(customer.opname)")
        }
    }

    @Test("the report is a markdown table with a total per month and per customer")
    func report() {
        let estimate = CostEstimate(plan: CollectionPlan(catalog: Fixtures.catalog(customers: 2)), dashboards: 1)
        let lines = estimate.report.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Monthly cost estimate, 2 customers") == true)
        #expect(lines.contains { $0.hasPrefix("| **total** |") })
        #expect(lines.last?.contains("Not counted: the network to the sites") == true)
        #expect(CostEstimate.dollars(7_110.614) == "$7,110.61")
    }

    /// Issue 30: 60 series a site where the estimate counted 43.
    @Test(
        "series as published: measured by check --run, else the catalog's series, else metrics per alarm dimension set")
    func dimensionedSeries() {
        let query = QueryDefinition(
            name: "sessions", versions: ["1"], sql: "s", cloudwatchDimension: "sessions",
            units: ["active": .count, "idle": .count],
            alarms: [
                AlarmSpec(metric: "active", dimensions: ["region": "north"]),
                AlarmSpec(metric: "active", dimensions: ["region": "south"]),
            ])
        var hinted = query
        hinted.series = 12
        func storage(_ query: QueryDefinition, measured: [String: [String: Int]] = [:]) -> (Double, String) {
            var assumptions = CostEstimate.Assumptions()
            assumptions.measuredSeries = measured
            let catalog = Catalog(
                customers: [Customer(opname: "Site 1", host: "h", database: "d", version: "1", threshold: 1)],
                queries: [query])
            let estimate = CostEstimate(plan: CollectionPlan(catalog: catalog), dashboards: 1, assumptions: assumptions)
            let sources = estimate.seriesSources
            return (item(estimate, "metric storage"), "\(sources.measured) \(sources.hinted) \(sources.guessed)")
        }
        // Guessed: two metrics, each for the two regions the alarms name, and the health series.
        #expect(storage(query) == (5 * 0.30, "0 0 1"))
        #expect(storage(hinted) == (13 * 0.30, "0 1 0"))
        #expect(storage(hinted, measured: ["Site 1": ["sessions": 40]]) == (41 * 0.30, "1 0 0"))
    }

    @Test("the secrets and the VPC endpoints the function needs are counted; a NAT's subnets need no endpoint")
    func secretsAndEndpoints() {
        let catalog = Catalog(
            customers: [
                Customer(opname: "a", host: "h", database: "d", version: "1", threshold: 1, secret: "s1"),
                Customer(opname: "b", host: "h", database: "d", version: "1", threshold: 1, secret: "s2"),
            ],
            queries: Fixtures.catalog(customers: 1).queries)
        var assumptions = CostEstimate.Assumptions()
        assumptions.sink = "cloudwatch"
        let estimate = CostEstimate(plan: CollectionPlan(catalog: catalog), dashboards: 1, assumptions: assumptions)
        #expect(abs(item(estimate, "secrets") - (0.80 + 2 * 43_800 / 5 * 0.05 / 10_000)) < 0.001)
        // monitoring and secretsmanager, in two AZs, a month of hours.
        #expect(abs(item(estimate, "VPC endpoints") - 4 * 0.01 * 730) < 0.001)
        assumptions.availabilityZones = 0
        let nat = CostEstimate(plan: CollectionPlan(catalog: catalog), dashboards: 1, assumptions: assumptions)
        #expect(nat.items.allSatisfy { $0.name != "VPC endpoints" })
    }
}
