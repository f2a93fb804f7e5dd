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

public import CatalogModel
public import Core
public import JSON

/// What changing a catalog does in operational terms (pure): customers added and removed, what each customer
/// collects and how often, the alarms added, removed and changed, and the monthly bill before and after.
/// `onprem-watch plan` prints it for a pull request.
///
/// Alarms are named by customer, query and KPI (and the KPI's dimensions), the way an operator reads them, never by
/// logical IDs.
public struct CatalogChange: Sendable {
    /// One alarm as an operator names it.
    public struct AlarmName: Hashable, Sendable, Comparable {
        public var customer: String
        public var query: String
        public var metric: String
        /// `region=north`, sorted; empty for the KPI's every series.
        public var dimensions: String

        public static func < (left: Self, right: Self) -> Bool {
            (left.customer, left.query, left.metric, left.dimensions)
                < (right.customer, right.query, right.metric, right.dimensions)
        }

        public var text: String {
            "\(customer) / \(query) / \(metric)" + (dimensions.isEmpty ? "" : " (\(dimensions))")
        }
    }

    /// What an operator compares between two versions of one alarm.
    public struct AlarmSettings: Equatable, Sendable {
        public var threshold: Double
        public var comparison: String
        public var statistic: String
        public var period: Int
        public var periods: Int
        public var datapointsToAlarm: Int
        public var missingData: String
        public var severity: String
        /// The alarm compares a counter's per-second rate (the query's `counters`).
        public var perSecond = false

        /// Each setting as `name: value`, in a fixed order.
        var fields: [(name: String, value: String)] {
            [
                ("threshold", CatalogChange.number(threshold)), ("comparison", comparison), ("statistic", statistic),
                ("period", "\(period) s"), ("periods", "\(periods)"), ("datapointsToAlarm", "\(datapointsToAlarm)"),
                ("missingData", missingData), ("severity", severity), ("perSecond", perSecond ? "yes" : "no"),
            ]
        }
    }

    public struct AlarmChange: Sendable {
        public var name: AlarmName
        public var before: AlarmSettings?
        public var after: AlarmSettings?

        /// `threshold 80 → 90`, for the settings that differ.
        public var differences: [String] {
            guard let before, let after else { return [] }
            return zip(before.fields, after.fields).compactMap { old, new in
                old.value == new.value ? nil : "\(old.name) \(old.value) → \(new.value)"
            }
        }
    }

    /// A customer's query and how often it runs, in seconds; `nil` on the side where it does not run.
    public struct ScheduleChange: Sendable {
        public var customer: String
        public var query: String
        public var before: Int?
        public var after: Int?
    }

    public var customersAdded: [String]
    public var customersRemoved: [String]
    public var schedules: [ScheduleChange]
    public var alarms: [AlarmChange]
    /// Queries whose definition changed otherwise (SQL, units, dimension, limits): what each run collects.
    public var queriesChanged: [String]
    /// Customers kept whose entry changed otherwise (connection, TLS, login, cases, packs): how each is reached.
    public var customersChanged: [String]
    public var costBefore: CostEstimate
    public var costAfter: CostEstimate

    /// Whether the change changes nothing an operator would see (the bill included).
    public var isEmpty: Bool {
        customersAdded.isEmpty && customersRemoved.isEmpty && schedules.isEmpty && alarms.isEmpty
            && queriesChanged.isEmpty && customersChanged.isEmpty
            && CostEstimate.dollars(costBefore.total) == CostEstimate.dollars(costAfter.total)
    }

    public init(from base: Catalog, to catalog: Catalog, assumptions: CostEstimate.Assumptions = .init()) {
        let before = CollectionPlan(catalog: base)
        let after = CollectionPlan(catalog: catalog)
        let oldNames = Set(before.customers.map(\.customer.opname))
        let newNames = Set(after.customers.map(\.customer.opname))
        customersAdded = after.customers.map(\.customer.opname).filter { !oldNames.contains($0) }
        customersRemoved = before.customers.map(\.customer.opname).filter { !newNames.contains($0) }

        let oldSchedules = Self.schedules(before)
        let newSchedules = Self.schedules(after)
        schedules = Set(oldSchedules.keys).union(newSchedules.keys)
            .sorted { $0.lexicographicallyPrecedes($1) }
            .compactMap { key in
                let (old, new) = (oldSchedules[key], newSchedules[key])
                return old == new ? nil : ScheduleChange(customer: key[0], query: key[1], before: old, after: new)
            }

        let oldAlarms = Self.alarms(before, catalog: base)
        let newAlarms = Self.alarms(after, catalog: catalog)
        alarms = Set(oldAlarms.keys).union(newAlarms.keys).sorted().compactMap { name in
            let (old, new) = (oldAlarms[name], newAlarms[name])
            return old == new ? nil : AlarmChange(name: name, before: old, after: new)
        }
        // What the other lists say (alarms, thresholds, intervals) is left out, so each change is said once.
        func definition(_ query: QueryDefinition) -> QueryDefinition {
            var copy = query
            copy.alarms = []
            copy.interval = nil
            return copy
        }
        let oldQueries = Dictionary(grouping: base.queries, by: \.name).mapValues { $0.map(definition) }
        let newQueries = Dictionary(grouping: catalog.queries, by: \.name).mapValues { $0.map(definition) }
        queriesChanged = Set(oldQueries.keys).intersection(newQueries.keys).sorted().filter {
            oldQueries[$0] != newQueries[$0]
        }
        func entry(_ customer: Customer) -> Customer {
            var copy = customer
            copy.threshold = nil
            copy.thresholds = [:]
            copy.interval = nil
            return copy
        }
        let oldCustomers = Dictionary(
            base.customers.map { ($0.opname, entry($0)) }, uniquingKeysWith: { first, _ in first })
        customersChanged = catalog.customers.compactMap { customer in
            guard let old = oldCustomers[customer.opname], old != entry(customer) else { return nil }
            return customer.opname
        }
        costBefore = CostEstimate(
            plan: before, dashboards: StackTemplates.dashboardPages(before.customers).count, assumptions: assumptions)
        costAfter = CostEstimate(
            plan: after, dashboards: StackTemplates.dashboardPages(after.customers).count, assumptions: assumptions)
    }

    /// (customer, query) → seconds between runs.
    static func schedules(_ plan: CollectionPlan) -> [[String]: Int] {
        var result: [[String]: Int] = [:]
        for customer in plan.customers {
            for group in customer.groups {
                for query in group.queries { result[[customer.customer.opname, query.name]] = group.interval }
            }
        }
        return result
    }

    /// Every alarm of the plan with its settings, the health alarm of each customer among them.
    static func alarms(_ plan: CollectionPlan, catalog: Catalog) -> [AlarmName: AlarmSettings] {
        var result: [AlarmName: AlarmSettings] = [:]
        let catalogPolicy = catalog.cases.over(.builtIn)
        for customer in plan.customers {
            let customerPolicy = customer.customer.cases.over(catalogPolicy)
            var alarms = customer.alarms.map {
                (
                    query: $0.query.name, spec: $0.spec, threshold: $0.threshold,
                    rate: $0.query.isCounter($0.spec.metric)
                )
            }
            let health = customer.healthAlarm
            alarms.append((query: "collection", spec: health, threshold: health.threshold ?? 1, rate: false))
            for alarm in alarms {
                let spec = alarm.spec
                let name = AlarmName(
                    customer: customer.customer.opname, query: alarm.query, metric: spec.metric,
                    dimensions: spec.dimensions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                        .joined(separator: ", "))
                result[name] = AlarmSettings(
                    threshold: alarm.threshold, comparison: spec.comparison.rawValue,
                    statistic: spec.statistic.rawValue,
                    period: spec.period, periods: spec.periods, datapointsToAlarm: spec.datapointsToAlarm,
                    missingData: spec.missingData.rawValue,
                    severity: (spec.cases.over(customerPolicy).severity ?? .low).rawValue, perSecond: alarm.rate)
            }
        }
        return result
    }

    // MARK: - Output

    /// The change as Markdown, for a pull request's summary or comment.
    public var markdown: String {
        var lines = ["## What this catalog change does", ""]
        if isEmpty {
            lines.append("Nothing: no customer, schedule, alarm or cost changes.")
            return lines.joined(separator: "\n")
        }
        if !customersAdded.isEmpty || !customersRemoved.isEmpty {
            lines.append("### Customers")
            lines += customersAdded.map { "- added: **\(Self.cell($0))**" }
            lines += customersRemoved.map {
                "- removed: **\(Self.cell($0))** (its state machines, schedules and alarms go)"
            }
            lines.append("")
        }
        if !queriesChanged.isEmpty || !customersChanged.isEmpty {
            lines.append("### Definitions")
            lines += queriesChanged.map {
                "- query **\(Self.cell($0))**: its SQL, units, dimension, limits or what it publishes as metrics changed"
            }
            lines += customersChanged.map {
                "- customer **\(Self.cell($0))**: its connection, TLS, login, cases or packs changed"
            }
            lines.append("")
        }
        if !schedules.isEmpty {
            lines += ["### Queries and schedules", "", "| customer | query | before | after |", "|---|---|---|---|"]
            for change in schedules {
                lines.append(
                    "| \(Self.cell(change.customer)) | \(Self.cell(change.query)) | \(Self.every(change.before)) | \(Self.every(change.after)) |"
                )
            }
            lines.append("")
        }
        if !alarms.isEmpty {
            lines += ["### Alarms", "", "| alarm | change |", "|---|---|"]
            for change in alarms {
                let what: String
                switch (change.before, change.after) {
                case (nil, let after?): what = "added: " + Self.summary(after)
                case (let before?, nil): what = "removed (was " + Self.summary(before) + ")"
                default: what = change.differences.joined(separator: "; ")
                }
                lines.append("| \(Self.cell(change.name.text)) | \(Self.cell(what)) |")
            }
            lines.append("")
        }
        lines += [
            "### Monthly cost", "",
            "| | total | per customer | metrics | log fields | saved by log fields |", "|---|---:|---:|---:|---:|---:|",
            Self.costRow("before", costBefore), Self.costRow("after", costAfter),
        ]
        return lines.joined(separator: "\n")
    }

    /// A row of the cost table: the total, per customer, series as metrics and as log fields (issue 29), and what
    /// the log fields save against publishing all as metrics.
    static func costRow(_ label: String, _ cost: CostEstimate) -> String {
        "| \(label) | \(CostEstimate.dollars(cost.total)) | \(CostEstimate.dollars(cost.perCustomer)) | "
            + "\(CostEstimate.count(Double(cost.metricSeries))) | \(CostEstimate.count(Double(cost.logFieldSeries))) | "
            + "\(CostEstimate.dollars(cost.logFieldSaving)) |"
    }

    /// The change as JSON, for tools.
    public var json: JSONValue {
        func settings(_ value: AlarmSettings?) -> JSONValue {
            guard let value else { return .null }
            return [
                "threshold": .number(value.threshold), "comparison": .string(value.comparison),
                "statistic": .string(value.statistic), "period": .number(Double(value.period)),
                "periods": .number(Double(value.periods)),
                "datapointsToAlarm": .number(Double(value.datapointsToAlarm)),
                "missingData": .string(value.missingData), "severity": .string(value.severity),
                "perSecond": .bool(value.perSecond),
            ]
        }
        func seconds(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        return [
            "changed": .bool(!isEmpty),
            "customers": [
                "added": .array(customersAdded.map { .string($0) }),
                "removed": .array(customersRemoved.map { .string($0) }),
            ],
            "queriesChanged": .array(queriesChanged.map { .string($0) }),
            "customersChanged": .array(customersChanged.map { .string($0) }),
            "schedules": .array(
                schedules.map {
                    [
                        "customer": .string($0.customer), "query": .string($0.query), "before": seconds($0.before),
                        "after": seconds($0.after),
                    ]
                }),
            "alarms": .array(
                alarms.map {
                    [
                        "customer": .string($0.name.customer), "query": .string($0.name.query),
                        "metric": .string($0.name.metric), "dimensions": .string($0.name.dimensions),
                        "before": settings($0.before), "after": settings($0.after),
                    ]
                }),
            "monthlyCost": [
                "before": .number(Self.cents(costBefore.total)), "after": .number(Self.cents(costAfter.total)),
                "beforePerCustomer": .number(Self.cents(costBefore.perCustomer)),
                "afterPerCustomer": .number(Self.cents(costAfter.perCustomer)),
                "metricsBefore": .number(Double(costBefore.metricSeries)),
                "metricsAfter": .number(Double(costAfter.metricSeries)),
                "logFieldsBefore": .number(Double(costBefore.logFieldSeries)),
                "logFieldsAfter": .number(Double(costAfter.logFieldSeries)),
            ],
        ]
    }

    static func summary(_ settings: AlarmSettings) -> String {
        "\(settings.comparison) \(number(settings.threshold))\(settings.perSecond ? " per second" : ""), "
            + "\(settings.statistic.lowercased()) over "
            + "\(settings.period) s, \(settings.datapointsToAlarm) of \(settings.periods), \(settings.severity)"
    }

    static func every(_ seconds: Int?) -> String { seconds.map { "every \($0) s" } ?? "–" }

    /// Text in Markdown: a `|` or a line break would end a table's cell, and `*`, `_`, `` ` ``, `<`, `[` and `@`
    /// would format it, link it or mention someone.
    static func cell(_ text: String) -> String {
        var out = ""
        for char in text {
            switch char {
            case "\n", "\r": out += " "
            case "|", "*", "_", "`", "<", ">", "[", "]", "\\", "@", "#": out += "\\" + String(char)
            default: out.append(char)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func cents(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
