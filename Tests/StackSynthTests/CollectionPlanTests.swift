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

@Suite struct CollectionPlanTests {
    static let catalog = Catalog(
        customers: [
            Customer(
                opname: "Plant A", host: "h", database: "d", version: "1", threshold: 100,
                thresholds: ["lag": 5]),
            Customer(opname: "Plant B", host: "h", database: "d", version: "1", interval: 300),
            Customer(opname: "Plant C", host: "h", database: "d", version: "2"),
        ],
        queries: [
            QueryDefinition(
                name: "sessions", versions: ["1"], sql: "s", cloudwatchDimension: "sessions",
                alarms: [AlarmSpec(metric: "active"), AlarmSpec(metric: "lag")]),
            QueryDefinition(
                name: "alarms", versions: ["1"], sql: "s", cloudwatchDimension: "alarms", interval: 20,
                alarms: [AlarmSpec(metric: "open", threshold: 3)]),
            QueryDefinition(name: "daily", versions: ["1"], sql: "s", cloudwatchDimension: "daily", interval: 3600),
            QueryDefinition(name: "other", versions: ["2"], sql: "s", cloudwatchDimension: "other"),
        ])

    @Test("queries are grouped by interval: the query's own, else the customer's, else one minute")
    func groupsByInterval() {
        let plan = CollectionPlan(catalog: Self.catalog)
        let a = plan.customers[0]
        // The one-minute queries ride in the first round of the sub-minute group: one execution a minute.
        #expect(a.groups.map(\.interval) == [20, 3600])
        #expect(a.groups.map { $0.queries.map(\.name) } == [["alarms", "sessions"], ["daily"]])
        #expect(a.groups[0].onceAMinute == ["sessions"])
        #expect(a.groups[0].queries.map(a.groups[0].runs(of:)) == [3, 1])
        #expect(a.groups.map(\.rounds) == [3, 1])
        #expect(a.groups.map(\.schedulePeriod) == [60, 3600])
        #expect(a.healthPeriod == 60)
        // Plant B collects every five minutes unless a query says otherwise.
        #expect(plan.customers[1].groups.map(\.interval) == [20, 300, 3600])
        // Plant C runs only the variants of its version.
        #expect(plan.customers[2].groups.map { $0.queries.map(\.name) } == [["other"]])
    }

    @Test("an alarm's period covers its query's interval: widened where the catalog set none (issue 30)")
    func periodsCoverIntervals() {
        let plan = CollectionPlan(catalog: Self.catalog)
        // Plant A collects sessions every minute, alarms every 20 s: a minute covers both.
        #expect(plan.customers[0].alarms.map(\.spec.period) == [60, 60, 60])
        // Plant B collects sessions every five minutes: a one-minute alarm would read nothing four minutes of five.
        let b = plan.customers[1].alarms.map { "\($0.spec.metric) \($0.spec.period)" }
        #expect(b == ["open 60"])
        let widened = CollectionPlan(
            catalog: Catalog(
                customers: [Customer(opname: "P", host: "h", database: "d", version: "1", threshold: 1)],
                queries: [
                    QueryDefinition(
                        name: "q", versions: ["1"], sql: "s", cloudwatchDimension: "q", interval: 300,
                        alarms: [AlarmSpec(metric: "m", periods: 2)])
                ]))
        #expect(widened.customers[0].alarms.map(\.spec.period) == [300])
        #expect(AlarmSpec(metric: "m").period(covering: 90) == 120)
        #expect(AlarmSpec(metric: "m", period: 600).period(covering: 300) == 600)
    }

    @Test("an alarm's threshold: the catalog entry's, else the customer's for that KPI, else the customer's own")
    func thresholds() {
        let plan = CollectionPlan(catalog: Self.catalog)
        let a = plan.customers[0].alarms.map { "\($0.spec.metric)=\($0.threshold)" }
        #expect(a == ["active=100.0", "lag=5.0", "open=3.0"])
        // Plant B has no threshold at all: only the alarm that carries its own gets made, and synth names the rest.
        #expect(plan.customers[1].alarms.map(\.spec.metric) == ["open"])
        #expect(plan.customers[1].alarmsWithoutThreshold == ["sessions/active", "sessions/lag"])
    }

    /// Issue 28.
    @Test("an eachDatabase query's alarm that names no database is one per listed database, else the customer's")
    func alarmsPerDatabase() {
        var query = QueryDefinition(
            name: "bloat", versions: ["1"], sql: "s", cloudwatchDimension: "bloat",
            alarms: [
                AlarmSpec(metric: "dead", threshold: 5),
                AlarmSpec(metric: "live", dimensions: ["database": "b"], threshold: 1),
            ])
        query.eachDatabase = true
        var listed = Customer(opname: "listed", host: "h", database: "ops", version: "1")
        listed.databases = .list(["a", "b"])
        var all = Customer(opname: "all", host: "h", database: "ops", version: "1")
        all.databases = .all(excluding: [])
        let plan = CollectionPlan(catalog: Catalog(customers: [listed, all], queries: [query]))
        func databases(_ customer: Int, _ metric: String) -> [String] {
            plan.customers[customer].alarms.filter { $0.spec.metric == metric }.compactMap {
                $0.spec.dimensions["database"]
            }
        }
        #expect(databases(0, "dead") == ["a", "b"] && databases(0, "live") == ["b"])
        #expect(databases(1, "dead") == ["ops"])
    }

    @Test("keys are 12 hex digits, fixed for a name, and distinct across 2,000 customers")
    func keys() {
        let key = CollectionPlan.key("Customer 1")
        #expect(key.count == 12)
        #expect(key.allSatisfy { $0.isHexDigit })
        #expect(CollectionPlan.key("Customer 1") == key)
        let keys = Set((1...2000).map { CollectionPlan.key("Customer \($0)") })
        #expect(keys.count == 2000)
        // A key never depends on the catalog's order: it is part of resource names that must not change.
        let reversed = CollectionPlan(catalog: Catalog(customers: Self.catalog.customers.reversed(), queries: []))
        #expect(reversed.customers.last?.key == CollectionPlan(catalog: Self.catalog).customers.first?.key)
    }
}
