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
public import MetricModel

/// One variant of a named query.
public struct QueryDefinition: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var tags: [String]
    public var versions: [String]
    /// The statement (the catalog's `query`), run read-only with the query's timeout.
    public var sql: String
    public var cloudwatchDimension: String
    /// Column (or JSON field) name to CloudWatch unit; unnamed columns are `None`.
    public var units: [String: MetricUnit]
    /// The series (metric and dimension values) one run publishes per customer, where the catalog says it (for the
    /// cost estimate, when `onprem-watch check --run` cannot ask the server).
    public var series: Int?
    /// The columns that are cumulative counters (`xact_commit`, `blks_read`): published as they are, and read as a
    /// per-second rate by their alarms and dashboards (`IF(DIFF(m) >= 0, RATE(m))`, a reset giving no rate).
    public var counters: [String]
    /// Dimensions on every metric of the query, besides its customer's (`"dimensions": {"tier": "gold"}`).
    public var dimensions: [Dimension] = []
    /// The metric a column publishes, where its own name is not the one wanted (`{"xact_commit": "commits"}`, as
    /// sql_exporter's `metric_name`); alarms name the published metric. `units` and `counters` name columns.
    public var metricNames: [String: String] = [:]

    /// The metric `column` publishes.
    public func metricName(of column: String) -> String { metricNames[column] ?? column }

    /// The published metrics the catalog keeps as log fields (`"publish": {"xid_age": "log"}`, or a pack's
    /// default), unless an alarm reads them (``Publishing``).
    public var logFields: Set<String> = []

    /// Text fields of a row that go to the log, never to a dimension: a statement's text, which is long, not ASCII
    /// and would skip its row as a dimension (a built-in pack's, issue 28).
    public var logText: Set<String> = []

    /// Runs in each database of the customer's `databases`, with a `database` dimension (issue 28); otherwise
    /// once, in the customer's `database`.
    public var eachDatabase = false

    /// Whether the published `metric` goes to the log only: a log field no alarm of the query reads.
    public func isLogOnly(_ metric: String) -> Bool {
        !logFields.isEmpty && logFields.contains(metric) && !alarms.contains { $0.metric == metric }
    }

    /// Log fields an alarm reads, which are therefore published as metrics after all (``Catalog/warnings``).
    public var promotedLogFields: [String] {
        logFields.filter { name in alarms.contains { $0.metric == name } }.sorted()
    }

    /// The metrics the catalog knows the query publishes (its `units`' columns as published, and its alarms').
    public var knownMetrics: Set<String> { Set(units.keys.map(metricName)).union(alarms.map(\.metric)) }

    /// Whether the published `metric` comes from one of `counters`' columns.
    public func isCounter(_ metric: String) -> Bool { counters.contains { metricName(of: $0) == metric } }

    /// The unit of the published `metric`: its column's, or given under the published name.
    public func unit(of metric: String) -> MetricUnit {
        units.first { metricName(of: $0.key) == metric }?.value ?? units[metric] ?? .none
    }
    public var timeoutMs: Int?
    /// Rows beyond this many are read and counted but not turned into metrics; the output says how many were cut.
    public var maxRows: Int
    /// 1 for high-resolution metrics, 60 (the default) otherwise.
    public var storageResolution: Int
    /// Seconds between runs of this query, overriding the customer's (`onprem-watch synth`).
    public var interval: Int?
    /// The KPIs that get an alarm per customer (`onprem-watch synth`).
    public var alarms: [AlarmSpec]
    /// The built-in pack this query is, whose SQL is chosen by the server's version when it runs.
    public var builtin: BuiltinPack?

    public init(
        name: String, description: String? = nil, tags: [String] = [], versions: [String], sql: String,
        cloudwatchDimension: String, units: [String: MetricUnit] = [:], timeoutMs: Int? = nil,
        storageResolution: Int = 60,
        interval: Int? = nil, alarms: [AlarmSpec] = [], maxRows: Int = QueryDefinition.defaultMaxRows,
        builtin: BuiltinPack? = nil, series: Int? = nil, counters: [String] = []
    ) {
        self.series = series
        self.counters = counters
        self.name = name
        self.description = description
        self.tags = tags
        self.versions = versions
        self.sql = sql
        self.cloudwatchDimension = cloudwatchDimension
        self.units = units
        self.timeoutMs = timeoutMs
        self.maxRows = maxRows
        self.storageResolution = storageResolution
        self.interval = interval
        self.alarms = alarms
        self.builtin = builtin
    }

    /// The keys a query's entry may have (catalog.schema.json lists the same).
    static let keys = [
        "name", "description", "tags", "versions", "query", "cloudwatchDimension", "units", "timeoutMs",
        "storageResolution", "interval", "alarms", "maxRows", "series", "counters", "dimensions", "metricNames",
        "publish", "eachDatabase",
    ]

    /// The row limit of a query that sets none: enough for any KPI query, and well inside a 15-minute invocation.
    public static let defaultMaxRows = 100_000

    /// The largest `maxRows` a catalog may set.
    public static let maxRowsLimit = 10_000_000

    init(_ value: JSONValue, where place: String, requireVersions: Bool) throws(CatalogError) {
        guard case .object(let fields) = value else { throw CatalogError(.invalid, "\(place): not an object") }
        let name = try FieldReader(fields: fields, place: place).requiredText("name")
        // A query's name goes into state machine definitions and dimensions, as a customer's opname does.
        if let problem = Customer.opnameProblem(name) { throw CatalogError(.invalid, "\(place): name \(problem)") }
        let reader = FieldReader(fields: fields, place: "\(place) (\"\(name)\")")
        try reader.refuseUnknownKeys(Self.keys, hints: ["sql": "the statement goes in \"query\""])
        if let problem = SQLText.statementProblem(try reader.requiredText("query")) {
            throw CatalogError(.invalid, "\(reader.place): query \(problem)")
        }
        if let dimension = try reader.optionalText("cloudwatchDimension"),
            let problem = dimension.isEmpty ? "is empty" : Customer.opnameProblem(dimension)
        {
            throw CatalogError(.invalid, "\(reader.place): cloudwatchDimension \(problem)")
        }
        let versions = try reader.textList("versions")
        if requireVersions && versions.isEmpty {
            throw CatalogError(.invalid, "\(reader.place): versions must list at least one version")
        }
        var units: [String: MetricUnit] = [:]
        if let value = fields["units"] {
            guard case .object(let map) = value else {
                throw CatalogError(.invalid, "\(reader.place): units must map column names to units")
            }
            for (column, unit) in map {
                guard case .string(let text) = unit, let unit = MetricUnit(rawValue: text) else {
                    let given = unit.text.map { "\"\($0)\"" } ?? "\(unit)"
                    throw CatalogError(
                        .invalid,
                        "\(reader.place): units.\(column) \(given) is not a CloudWatch unit; one of "
                            + MetricUnit.allCases.map(\.rawValue).joined(separator: ", "))
                }
                units[column] = unit
            }
        }
        let timeout = try reader.optionalInteger("timeoutMs", in: 1...900_000)
        let resolution = try reader.optionalInteger("storageResolution", in: 1...60) ?? 60
        guard resolution == 1 || resolution == 60 else {
            throw CatalogError(.invalid, "\(reader.place): storageResolution must be 1 or 60")
        }
        var alarms: [AlarmSpec] = []
        switch fields["alarms"] {
        case nil, .null?: break
        case .array(let entries)?:
            for (index, entry) in entries.enumerated() {
                alarms.append(try AlarmSpec(entry, where: "\(reader.place).alarms[\(index)]"))
            }
        default: throw CatalogError(.invalid, "\(reader.place): alarms must be a list")
        }
        for alarm in alarms where alarm.period < 60 && resolution != 1 {
            throw CatalogError(
                .invalid,
                "\(reader.place): alarm on \(alarm.metric) has a \(alarm.period) s period; needs storageResolution 1")
        }
        self.init(
            name: name, description: try reader.optionalText("description"), tags: try reader.textList("tags"),
            versions: versions, sql: try reader.requiredText("query"),
            cloudwatchDimension: try reader.optionalText("cloudwatchDimension") ?? name, units: units,
            timeoutMs: timeout, storageResolution: resolution,
            interval: try CollectionInterval.validated(try reader.optionalNumber("interval"), place: reader.place),
            alarms: alarms,
            maxRows: try reader.optionalInteger("maxRows", in: 1...Self.maxRowsLimit) ?? Self.defaultMaxRows)
        series = try reader.optionalInteger("series", in: 1...1_000_000)
        counters = try reader.textList("counters")
        dimensions = try ConstantDimensions.read("dimensions", in: fields, place: reader.place)
        if let value = fields["metricNames"], value != .null {
            guard case .object(let map) = value else {
                throw CatalogError(.invalid, "\(reader.place): metricNames must map column names to metric names")
            }
            for (column, name) in map {
                guard case .string(let text) = name, PutMetricDataLimits.metricNameProblem(text) == nil,
                    !ConstantDimensions.reserved.contains(text)
                else {
                    throw CatalogError(
                        .invalid,
                        "\(reader.place): metricNames.\(column) must be a metric name: "
                            + (name.text.flatMap(PutMetricDataLimits.metricNameProblem) ?? "a string"))
                }
                metricNames[column] = text
            }
        }
        eachDatabase = try reader.optionalBool("eachDatabase") ?? false
        let names = metricNames
        logFields = try Publishing.read("publish", in: fields, place: reader.place) { names[$0] ?? $0 }.log
        if counters.contains(where: \.isEmpty) {
            throw CatalogError(.invalid, "\(reader.place): counters lists an empty column name")
        }
    }
}
