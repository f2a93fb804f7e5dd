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

/// The generated stack's monthly bill, itemised, from the public price list (us-east-1, on-demand, no free tier).
///
/// What the catalog cannot say is assumed and printed with the figure: how long one query invocation takes, and
/// one series per metric name (a query whose text columns become dimensions publishes one series per row value).
public struct CostEstimate: Sendable {
    /// Prices in USD (aws.amazon.com/{step-functions,lambda,eventbridge,cloudwatch}/pricing, November 2026).
    public enum Price: Sendable {
        public static let expressRequest = 1.00 / 1_000_000
        /// Per GB-hour of the month, by tier: the first 1,000, the next 4,000, the rest ($0.06, $0.03, $0.01642);
        /// Express bills memory in 64 MB blocks and time in 100 ms steps.
        public static let expressGBHourTiers: [(gbHours: Double, price: Double)] = [
            (1_000, 0.06), (4_000, 0.03), (.infinity, 0.016_42),
        ]
        public static let lambdaRequest = 0.20 / 1_000_000
        public static let lambdaGBSecond = 0.000_016_666_7
        public static let schedulerInvocation = 1.00 / 1_000_000
        public static let putMetricDataRequest = 0.01 / 1_000
        public static let logsIngestedGB = 0.50
        /// Per metric-month, by tier: the first 10,000, the next 240,000, the next 750,000, the rest.
        public static let metricTiers: [(count: Int, price: Double)] = [
            (10_000, 0.30), (240_000, 0.10), (750_000, 0.05), (Int.max, 0.02),
        ]
        public static let standardAlarm = 0.10
        public static let highResolutionAlarm = 0.30
        public static let dashboard = 3.00
        /// CloudWatch Logs meters 26 bytes of metadata per log event on top of its text.
        public static let logEventOverhead = 26
        public static let sqsRequest = 0.40 / 1_000_000
        public static let snsPublish = 0.50 / 1_000_000
        /// DynamoDB on demand, per write and per strongly consistent read request unit.
        public static let dynamoWrite = 0.625 / 1_000_000
        public static let dynamoRead = 0.125 / 1_000_000
        /// Secrets Manager: per secret and month, and per 10,000 API calls.
        public static let secret = 0.40
        public static let secretCalls = 0.05 / 10_000
        /// An interface VPC endpoint, per availability zone and hour (aws.amazon.com/privatelink/pricing).
        public static let interfaceEndpointHour = 0.01
    }

    /// The case worker's calls per alarm notification: SNS's publish, SQS's receive and delete, one invocation, four
    /// DynamoDB writes (claim, storm slot, open case, done) and one read.
    static let workerWritesPerNotification = 4.0
    /// Lambda's event source mapping long-polls an idle queue with five pollers, one request per 20 s each.
    static let idlePollsPerMonth = 5 * minutesPerMonth * 3

    public struct Assumptions: Sendable {
        public var sink = "emf"
        public var memoryMB = 128
        /// Billed time of one query invocation: a database across a VPN is slower than the local benchmark's.
        public var invocationMs = 50.0
        /// State changes of one alarm in a month (an episode is two: `ALARM`, then `OK`).
        public var alarmTransitionsPerMonth = 4.0
        /// Billed time of one case worker invocation: a DynamoDB claim and an AWS Support call.
        public var workerInvocationMs = 300.0
        /// Series each query publishes per customer as `onprem-watch check --run` measured them (`synth --series`):
        /// customer, then query name. They win over the catalog's `series` hints and the guess.
        public var measuredSeries: [String: [String: Int]] = [:]
        /// The availability zones of the function's subnets, each with an interface endpoint per AWS service the
        /// function calls from the VPC; 0 where the subnets reach AWS through a NAT gateway (not counted).
        public var availabilityZones = 2
        public init() {}
    }

    public struct Item: Sendable {
        public var name: String
        public var monthly: Double
        public var detail: String
    }

    public static let minutesPerMonth = 43_800.0

    public var items: [Item]
    public var customers: Int
    /// How the series were counted: measured (`check --run`), from the catalog's `series`, or guessed (one per
    /// metric name and alarm dimension set), each a number of queries.
    public var seriesSources: (measured: Int, hinted: Int, guessed: Int) = (0, 0, 0)
    /// Series published as CloudWatch metrics, and those kept as log fields (the catalog's `publish`, a pack's
    /// defaults): the second cost only their bytes.
    public var metricSeries = 0
    public var logFieldSeries = 0
    /// What metric storage would cost if every log field were a metric too.
    public var storageIfAllMetrics: Double { Self.metricStorage(metricSeries + logFieldSeries) }
    /// What the log fields save against publishing everything as metrics.
    public var logFieldSaving: Double { storageIfAllMetrics - Self.metricStorage(metricSeries) }
    public var assumptions: Assumptions
    public var total: Double { items.reduce(0) { $0 + $1.monthly } }
    public var perCustomer: Double { customers == 0 ? 0 : total / Double(customers) }

    public init(plan: CollectionPlan, dashboards: Int, assumptions: Assumptions = Assumptions()) {
        self.assumptions = assumptions
        customers = plan.customers.count
        var executions = 0.0
        var expressGBSeconds = 0.0
        var invocations = 0.0
        var logBytes = 0.0
        var alarms = 0.0
        var alarmCount = 0
        let roundMs = assumptions.invocationMs + 100
        for customer in plan.customers {
            for group in customer.groups {
                let runs = Self.minutesPerMonth * 60 / Double(group.schedulePeriod)
                executions += runs
                let rounds = Double(group.rounds)
                let milliseconds = rounds * roundMs + (rounds - 1) * Double(group.interval) * 1000
                expressGBSeconds += runs * (milliseconds / 100).rounded(.up) * 0.1 * 0.0625
                for query in group.queries {
                    let calls = runs * Double(group.runs(of: query))
                    invocations += calls
                    let databases = Double(query.eachDatabase ? Self.databaseCount(customer.customer) : 1)
                    logBytes +=
                        calls * databases
                        * Double(query.builtin?.logBytesPerRun ?? Self.emfBytes(query, customer: customer.customer))
                }
            }
            for query in customer.groups.flatMap(\.queries) {
                // check --run runs an eachDatabase query in the customer's database only: once per database.
                let databases = query.eachDatabase ? Self.databaseCount(customer.customer) : 1
                if let measured = assumptions.measuredSeries[customer.customer.opname]?[query.name] {
                    metricSeries += measured * databases
                    seriesSources.measured += 1
                } else if let hint = query.series {
                    metricSeries += hint
                    seriesSources.hinted += 1
                } else {
                    let guess = Self.seriesCount(query)
                    metricSeries += guess.metrics * databases
                    logFieldSeries += guess.logFields * databases
                    seriesSources.guessed += 1
                }
            }
            metricSeries += 1
            for alarm in customer.alarms {
                alarms += alarm.spec.period < 60 ? Price.highResolutionAlarm : Price.standardAlarm
            }
            alarms += Price.standardAlarm
            alarmCount += customer.alarms.count + 1
        }
        let lambdaGBSeconds = invocations * assumptions.invocationMs / 1000 * Double(assumptions.memoryMB) / 1024
        let publishing: Item
        if assumptions.sink == "cloudwatch" {
            publishing = Item(
                name: "metric publishing", monthly: invocations * Price.putMetricDataRequest,
                detail: "\(Self.count(invocations)) PutMetricData requests (one per invocation)")
        } else {
            publishing = Item(
                name: "metric publishing", monthly: logBytes / 1_000_000_000 * Price.logsIngestedGB,
                detail: "EMF: \(Self.count(logBytes / 1_000_000)) MB of log lines ingested")
        }
        items = [
            Item(
                name: "workflow",
                monthly: executions * Price.expressRequest + Self.expressDuration(gbSeconds: expressGBSeconds),
                detail: "\(Self.count(executions)) Express executions, \(Self.hours(expressGBSeconds / 3600)) GB-hours"),
            Item(
                name: "schedules", monthly: executions * Price.schedulerInvocation,
                detail: "\(Self.count(executions)) EventBridge Scheduler invocations"),
            Item(
                name: "Lambda",
                monthly: invocations * Price.lambdaRequest + lambdaGBSeconds * Price.lambdaGBSecond,
                detail:
                    "\(Self.count(invocations)) invocations of \(Int(assumptions.invocationMs)) ms at \(assumptions.memoryMB) MB"
            ),
            publishing,
            Item(
                name: "metric storage", monthly: Self.metricStorage(metricSeries),
                detail: "\(Self.count(Double(metricSeries))) custom metrics (KPIs and one health series per customer)"
                    + (logFieldSeries > 0
                        ? "; \(Self.count(Double(logFieldSeries))) series kept as log fields, no metric" : "")),
            Item(name: "alarms", monthly: alarms, detail: "\(Self.count(Double(alarmCount))) alarms"),
            Item(
                name: "dashboards", monthly: Double(dashboards) * Price.dashboard,
                detail: "\(dashboards) dashboard\(dashboards == 1 ? "" : "s")"),
            Self.caseWorker(alarms: alarmCount, assumptions: assumptions),
        ]
        let secrets = Set(plan.customers.compactMap(\.customer.secret)).count
        if secrets > 0 {
            // A warm container reads each secret again when its cache expires (five minutes).
            let calls = Double(secrets) * Self.minutesPerMonth / 5
            items.append(
                Item(
                    name: "secrets", monthly: Double(secrets) * Price.secret + calls * Price.secretCalls,
                    detail: "\(secrets) Secrets Manager secret\(secrets == 1 ? "" : "s"), re-read every 5 minutes"))
        }
        let services =
            (assumptions.sink == "cloudwatch" ? ["monitoring"] : []) + (secrets > 0 ? ["secretsmanager"] : [])
        if assumptions.availabilityZones > 0 && !services.isEmpty {
            items.append(
                Item(
                    name: "VPC endpoints",
                    monthly: Double(services.count * assumptions.availabilityZones) * Price.interfaceEndpointHour
                        * Self.minutesPerMonth / 60,
                    detail:
                        "interface endpoints for \(services.joined(separator: " and ")) in \(assumptions.availabilityZones) AZs (docs/networking.md)"
                ))
        }
    }

    /// The worker's half: notifications through SNS and SQS, its invocations, its DynamoDB table, the queue's idle
    /// polling and the dead-letter queue's alarm. AWS Support's plan is not counted: it is the account's.
    static func caseWorker(alarms: Int, assumptions: Assumptions) -> Item {
        let notifications = Double(alarms) * assumptions.alarmTransitionsPerMonth
        let gbSeconds = notifications * assumptions.workerInvocationMs / 1000 * 128 / 1024
        let monthly =
            notifications * (Price.snsPublish + 2 * Price.sqsRequest + Price.lambdaRequest)
            + gbSeconds * Price.lambdaGBSecond
            + notifications * (workerWritesPerNotification * Price.dynamoWrite + Price.dynamoRead)
            + idlePollsPerMonth * Price.sqsRequest + Price.standardAlarm
        return Item(
            name: "case worker", monthly: monthly,
            detail:
                "\(count(notifications)) alarm notifications (\(Int(assumptions.alarmTransitionsPerMonth)) per alarm), queue polling, DynamoDB, the dead-letter alarm"
        )
    }

    /// The databases an `eachDatabase` query of `customer` runs in: its list, or for `"all"`, which only the
    /// server knows, three (`check --run` measures one database's series, which this multiplies).
    static func databaseCount(_ customer: Customer) -> Int {
        switch customer.databases {
        case nil: 1
        case .list(let names)?: names.count
        case .all?: 3
        }
    }

    /// Tiered: the price of a GB-hour falls as the month's Express duration grows.
    static func expressDuration(gbSeconds: Double) -> Double {
        var left = gbSeconds / 3600
        var cost = 0.0
        for tier in Price.expressGBHourTiers where left > 0 {
            let here = min(left, tier.gbHours)
            cost += here * tier.price
            left -= here
        }
        return cost
    }

    /// Tiered: the price of each metric falls as the account holds more.
    static func metricStorage(_ count: Int) -> Double {
        var left = count
        var cost = 0.0
        for tier in Price.metricTiers where left > 0 {
            let here = min(left, tier.count)
            cost += Double(here) * tier.price
            left -= here
        }
        return cost
    }

    /// Series one query publishes, guessed from the catalog alone: its metric names (units, alarms), each once per
    /// dimension set its alarms name (a query with text columns publishes a series per row value; an alarm on
    /// `region=north` says there is at least that one), at least one metric; split into metrics and log fields.
    /// `check --run` measures the real count.
    static func seriesCount(_ query: QueryDefinition) -> (metrics: Int, logFields: Int) {
        if let pack = query.builtin { return pack.estimatedSeries(as: query) }
        let logFields = query.knownMetrics.filter(query.isLogOnly).count
        let metrics = query.knownMetrics.count - logFields
        let dimensionSets = max(
            1, Set(query.alarms.map { $0.dimensions.sorted { $0.key < $1.key }.map { "\($0)=\($1)" } }).count)
        return (max(1, metrics * dimensionSets), logFields * dimensionSets)
    }

    /// Log bytes of one invocation with the EMF sink: a line per series and one health line, as the function
    /// writes them.
    static func emfBytes(_ query: QueryDefinition, customer: Customer) -> Int {
        let dimensions = [
            Dimension("Customer", customer.opname), Dimension("Query", query.cloudwatchDimension),
        ]
        let names = query.knownMetrics.sorted()
        var datums = (names.isEmpty ? ["metric"] : names).map { name in
            MetricDatum(
                name: name, dimensions: dimensions, unit: .count,
                timestampMs: 1_790_000_000_000, storageResolution: query.storageResolution, values: [12345.678],
                logOnly: query.isLogOnly(name))
        }
        datums.append(
            MetricDatum(
                name: "QuerySucceeded", dimensions: [Dimension("Customer", customer.opname)], unit: .count,
                timestampMs: 1_790_000_000_000, values: [1]))
        return EMF.lines(datums, namespace: "OnPremWatch").reduce(0) {
            $0 + $1.utf8.count + 1 + Price.logEventOverhead
        }
    }

    static func count(_ value: Double) -> String {
        let whole = Int(value.rounded())
        var digits = String(whole)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return groups.joined(separator: ",")
    }

    /// Hours with one decimal under a hundred, whole above.
    static func hours(_ value: Double) -> String {
        value >= 100 ? count(value) : String((value * 10).rounded() / 10)
    }

    static func dollars(_ value: Double) -> String {
        let cents = (value * 100).rounded()
        let whole = Int(cents / 100)
        let rest = Int(cents) % 100
        return "$\(count(Double(whole))).\(rest < 10 ? "0" : "")\(rest)"
    }

    /// The table `synth` prints and docs/monitoring-stack.md quotes.
    public var report: String {
        var lines = [
            "Monthly cost estimate, \(customers) customer\(customers == 1 ? "" : "s") "
                + "(us-east-1 list prices, no free tier; \(assumptions.sink) sink):",
            "",
            "| item | per month | per customer | what |",
            "|---|---:|---:|---|",
        ]
        for item in items {
            lines.append(
                "| \(item.name) | \(Self.dollars(item.monthly)) | \(Self.dollars(item.monthly / Double(max(1, customers)))) | \(item.detail) |"
            )
        }
        lines.append("| **total** | **\(Self.dollars(total))** | **\(Self.dollars(perCustomer))** | |")
        lines.append("")
        let sources = seriesSources
        if logFieldSeries > 0 {
            lines.append(
                "Log fields: \(Self.count(Double(logFieldSeries))) series are kept as fields of the log lines "
                    + "(Logs Insights reads them; docs/server-health.md), not metrics: "
                    + "\(Self.dollars(logFieldSaving)) a month (\(Self.dollars(logFieldSaving / Double(max(1, customers)))) "
                    + "per customer) less than publishing all \(Self.count(Double(metricSeries + logFieldSeries))) as metrics."
            )
            lines.append("")
        }
        lines.append(
            "Series: \(sources.measured) queries measured by onprem-watch check --run, \(sources.hinted) from the "
                + "catalog's series, \(sources.guessed) guessed (one per metric name and alarm dimension set; "
                + "a query publishes one per row value of its text columns). "
                + "Not counted: the network to the sites (VPN, Transit Gateway or Direct Connect, docs/networking.md), "
                + "data transfer, AWS Support's plan.")
        return lines.joined(separator: "\n")
    }
}
