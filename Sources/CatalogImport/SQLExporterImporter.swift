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

/// Imports sql_exporter's collectors (`*.collector.yml`, or `collectors:` inline) and its configuration
/// (`sql_exporter.yml`: `global`, `target` or `jobs`, `collector_files`), as burningalchemist/sql_exporter reads them
/// (`config/collector_config.go`, `config/metric_config.go`, `metric.go`; Tests/Fixtures/importers/README.md).
///
/// All metrics that share a query and the same labels become one catalog query, as sql_exporter fills them from one
/// execution: `key_labels` are text columns (dimensions), each metric's value column is published under its
/// `metric_name` (`metricNames`), `counter` metrics are `counters`, `static_labels` are the query's `dimensions`,
/// and the collector's `min_interval` its `interval`. A metric with a `value_label` over several `values` is
/// unpivoted, one row per value column with the label holding the column's name:
///
/// ```sql
/// SELECT src.db::text AS db,
///        v.name AS operation,
///        v.value AS mssql_io_stall_seconds
///   FROM (<query>) AS src
///  CROSS JOIN LATERAL (VALUES ('read', src."read"), ('write', src."write")) AS v(name, value)
/// ```
///
/// Collectors are checked as sql_exporter checks them (an unknown key, a missing `help`, a `query_ref` that names
/// no query): such a file is refused by the exporter, and so it is here (`Import.InvalidFile`). The exporter
/// configuration's targets become customers without their passwords.
struct SQLExporterImporter: Sendable {
    let versions: [String]
    let files: any ImportFileAccess

    // MARK: - The model, as sql_exporter reads it

    struct Collector: Sendable {
        var name: String
        var minInterval: Double?
        var metrics: [Metric]
        var queries: [String: String]
        var file: String
        var place: String
    }

    struct Metric: Sendable {
        enum Source: Hashable, Sendable {
            case reference(String)
            case literal(metric: String)
        }

        var name: String
        var isCounter: Bool
        var help: String
        var keyLabels: [String]
        var staticLabels: [(key: String, value: String)]
        var valueLabel: String?
        var values: [String]
        var staticValue: String?
        var timestampValue: String?
        var source: Source
        var sql: String
        var place: String
    }

    static let collectorKeys = ["collector_name", "min_interval", "metrics", "queries"]
    static let metricKeys = [
        "metric_name", "type", "help", "key_labels", "static_labels", "value_label", "values", "query", "query_ref",
        "static_value", "timestamp_value", "no_prepared_statement",
    ]
    static let queryKeys = ["query_name", "query", "no_prepared_statement"]
    static let globalKeys = [
        "scrape_timeout", "scrape_timeout_offset", "scrape_error_drop_interval", "min_interval", "warmup_delay",
        "max_connections", "max_idle_connections", "max_connection_lifetime", "enable_query_metrics",
    ]

    // MARK: - Files

    func run(_ sources: [ImportSource], into catalog: inout ImportedCatalog) throws(ImportError) {
        var collectors: [Collector] = []
        var globalInterval: Double?
        var seen = Set(sources.map(\.path))
        for source in sources {
            let root = try ConfigNode.yaml(source.text, file: source.path)
            let reader = try ConfigReader(file: source.path, place: "", node: root)
            if reader.has("collector_name") {
                collectors.append(try collector(reader, catalog: &catalog))
                continue
            }
            let configKeys = ["global", "target", "jobs", "collectors", "collector_files"]
            guard reader.keys.contains(where: configKeys.contains) else {
                throw ImportError(
                    .invalidFile, file: source.path,
                    "is neither a collector (collector_name) nor an exporter configuration (target, jobs, collectors)")
            }
            if let interval = try configuration(reader, source: source, catalog: &catalog) {
                globalInterval = interval
            }
            for (index, item) in (try reader.list("collectors") ?? []).enumerated() {
                collectors.append(try collector(reader.item("collectors", index, item), catalog: &catalog))
            }
            for pattern in try reader.textList("collector_files") ?? [] {
                let matches = files.glob(source.resolve(pattern))
                if matches.isEmpty {
                    catalog.note(
                        source.path, "collector_files", "\"\(pattern)\" matches no file beside the configuration")
                }
                for path in matches where seen.insert(path).inserted {
                    let text = try files.read(path)
                    let root = try ConfigNode.yaml(text, file: path)
                    collectors.append(
                        try collector(ConfigReader(file: path, place: "", node: root), catalog: &catalog))
                }
            }
        }
        for collector in collectors {
            try add(collector, defaultInterval: globalInterval, into: &catalog)
        }
    }

    // MARK: - The exporter configuration

    /// Reads `global`, `target` and `jobs`: customers, and the report of what has no equivalent; returns
    /// `global.min_interval` in seconds.
    private func configuration(
        _ reader: ConfigReader, source: ImportSource, catalog: inout ImportedCatalog
    ) throws(ImportError) -> Double? {
        let file = reader.file
        for key in reader.unknownKeys(["global", "target", "jobs", "collectors", "collector_files"]) {
            catalog.note(file, key, "not a key of sql_exporter's configuration this import knows; not carried over")
        }
        var interval: Double?
        if let global = try reader.table("global") {
            for key in global.keys where key != "min_interval" {
                let why =
                    Self.globalKeys.contains(key)
                    ? (key == "scrape_timeout"
                        ? "per scrape, not per query (timeoutMs is a query's own limit)" : "no catalog equivalent")
                    : "not a key this import knows"
                catalog.note(file, global.path(key), "\(why); not carried over")
            }
            interval = try duration(global, "min_interval")
        }
        var jobCollectors: [String: [String]] = [:]
        if let target = try reader.table("target") {
            for key in target.unknownKeys(["name", "data_source_name", "collectors"]) {
                catalog.note(file, target.path(key), "no catalog equivalent; not carried over")
            }
            let collectors = try target.textList("collectors") ?? []
            try addCustomer(
                target.requiredText("data_source_name"), name: try target.text("name"), labels: [:],
                collectors: collectors, place: target.path("data_source_name"), file: file, catalog: &catalog)
        }
        for (index, item) in (try reader.list("jobs") ?? []).enumerated() {
            let job = try reader.item("jobs", index, item)
            for key in job.unknownKeys(["job_name", "collectors", "static_configs"]) {
                catalog.note(file, job.path(key), "no catalog equivalent; not carried over")
            }
            let name = try job.text("job_name") ?? "job \(index)"
            jobCollectors[name] = try job.textList("collectors") ?? []
            for (configIndex, config) in (try job.list("static_configs") ?? []).enumerated() {
                let staticConfig = try job.item("static_configs", configIndex, config)
                var labels: [String: String] = [:]
                if let table = try staticConfig.table("labels") {
                    for entry in table.entries { labels[entry.key] = entry.value.text ?? "" }
                }
                for target in try staticConfig.table("targets")?.entries ?? [] {
                    guard let dsn = target.value.text else {
                        throw staticConfig.invalid("targets.\(target.key)", "must be a data source name")
                    }
                    try addCustomer(
                        dsn, name: target.key, labels: labels, collectors: jobCollectors[name] ?? [],
                        place: staticConfig.path("targets.\(target.key)"), file: file, catalog: &catalog)
                }
            }
        }
        if reader.has("target") || reader.has("jobs") {
            catalog.note(
                file, "", "the job and target labels of every sample: the Customer dimension instead")
        }
        if Set(jobCollectors.values.map { $0.joined(separator: ",") }).count > 1 {
            let jobs = jobCollectors.sorted { $0.key < $1.key }.map {
                "job \($0.key) runs \($0.value.joined(separator: ", "))"
            }
            catalog.note(
                file, "jobs",
                jobs.joined(separator: "; ") + ": the catalog runs every query for each customer of its versions; "
                    + "give the customers and queries of each job versions of their own to keep them apart")
        }
        return interval
    }

    private func addCustomer(
        _ dsn: String, name: String?, labels: [String: String], collectors: [String], place: String, file: String,
        catalog: inout ImportedCatalog
    ) throws(ImportError) {
        guard let settings = ConnectionSettings(dsn), let scheme = settings.scheme else {
            throw ImportError(.invalidFile, file: file, "\(place): is not a data source name (scheme://...)")
        }
        guard ConnectionSettings.postgresSchemes.contains(scheme) else {
            let runs =
                collectors.isEmpty
                ? "" : "; the collectors it runs (\(collectors.joined(separator: ", "))) hold SQL for that database"
            catalog.note(
                file, place,
                "\(ConnectionSettings.isReportableKey(scheme) ? "a \(scheme)" : "another") data source, not "
                    + "PostgreSQL: no customer imported\(runs)")
            return
        }
        var dimensions: [String: String] = [:]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            if let problem = ConstantDimensionRules.problem(name: key, value: value) {
                catalog.note(file, place, "label \(key): \(problem); not carried over")
            } else {
                dimensions[key] = value
            }
        }
        catalog.addCustomer(
            settings, name: name, version: versions[0], dimensions: dimensions, tool: "sql_exporter",
            toolSSLMode: "its driver's default (require)", file: file, place: place)
    }

    // MARK: - Collectors

    private func collector(_ reader: ConfigReader, catalog: inout ImportedCatalog) throws(ImportError) -> Collector {
        for key in reader.unknownKeys(Self.collectorKeys) {
            throw reader.invalid(key, "unknown field of a collector (sql_exporter refuses it)")
        }
        let name = try reader.requiredText("collector_name")
        var queries: [String: String] = [:]
        for (index, item) in (try reader.list("queries") ?? []).enumerated() {
            let query = try reader.item("queries", index, item)
            for key in query.unknownKeys(Self.queryKeys) {
                throw query.invalid(key, "unknown field of a query (sql_exporter refuses it)")
            }
            let queryName = try query.requiredText("query_name")
            guard queries[queryName] == nil else { throw query.invalid("query_name", "\(queryName) is defined twice") }
            queries[queryName] = try query.requiredText("query")
            if try query.bool("no_prepared_statement") == true {
                catalog.note(
                    reader.file, query.path("no_prepared_statement"),
                    "no catalog equivalent (the function runs each query as one unnamed statement); not carried over")
            }
        }
        var metrics: [Metric] = []
        guard let items = try reader.list("metrics"), !items.isEmpty else {
            throw reader.invalid("metrics", "a collector needs at least one metric")
        }
        for (index, item) in items.enumerated() {
            metrics.append(try metric(reader.item("metrics", index, item), queries: queries, catalog: &catalog))
        }
        return Collector(
            name: name, minInterval: try duration(reader, "min_interval"), metrics: metrics, queries: queries,
            file: reader.file, place: reader.place)
    }

    private func metric(
        _ reader: ConfigReader, queries: [String: String], catalog: inout ImportedCatalog
    ) throws(ImportError) -> Metric {
        for key in reader.unknownKeys(Self.metricKeys) {
            throw reader.invalid(key, "unknown field of a metric (sql_exporter refuses it)")
        }
        let name = try reader.requiredText("metric_name")
        let type = try reader.requiredText("type").lowercased()
        guard type == "gauge" || type == "counter" else {
            throw reader.invalid("type", "\(type) is not gauge or counter (sql_exporter refuses it)")
        }
        let help = try reader.requiredText("help")
        let literal = try reader.text("query")
        let reference = try reader.text("query_ref")
        guard (literal == nil) != (reference == nil) else {
            throw reader.invalid("query", "give exactly one of query and query_ref")
        }
        let source: Metric.Source
        let sql: String
        if let reference {
            guard let text = queries[reference] else {
                throw reader.invalid("query_ref", "\(reference) is not a query_name of the collector")
            }
            source = .reference(reference)
            sql = text
        } else {
            source = .literal(metric: name)
            sql = literal ?? ""
        }
        var keyLabels = try reader.textList("key_labels") ?? []
        var staticLabels: [(key: String, value: String)] = []
        if let table = try reader.table("static_labels") {
            for entry in table.entries {
                guard let value = entry.value.text else { throw table.invalid(entry.key, "must be text") }
                staticLabels.append((entry.key, value))
            }
        }
        var values = try reader.textList("values") ?? []
        // No column has an empty name: the catalog refuses it as a metric or dimension name.
        for (key, list) in [("key_labels", keyLabels), ("values", values)] where list.contains("") {
            catalog.note(reader.file, reader.path(key), "a column with an empty name; not carried over")
        }
        keyLabels.removeAll { $0.isEmpty }
        values.removeAll { $0.isEmpty }
        // sql_exporter's StaticValue is a *float64: a number, or the file is refused. Kept as a numeric literal,
        // never as text pasted into the SQL.
        let staticValue: String?
        switch reader["static_value"] {
        case nil, .null?: staticValue = nil
        case .integer(let number)?: staticValue = String(number)
        case .number(let number)? where number.isFinite: staticValue = "\(number)"
        case let value?:
            throw reader.invalid(
                "static_value", "must be a finite number (sql_exporter reads it as a float64), not \(value.kind)")
        }
        let valueLabel = try reader.text("value_label")
        if values.isEmpty && staticValue == nil {
            throw reader.invalid("values", "no values for metric \(name) (give values or static_value)")
        }
        if !values.isEmpty && staticValue != nil {
            throw reader.invalid("static_value", "goes without values")
        }
        if values.count > 1 && valueLabel == nil {
            throw reader.invalid("value_label", "is required with several values")
        }
        if let label = keyLabels.first(where: { values.contains($0) || $0 == valueLabel }) {
            throw reader.invalid("key_labels", "\(label) is also a value column or the value_label")
        }
        if try reader.bool("no_prepared_statement") == true {
            catalog.note(
                reader.file, reader.path("no_prepared_statement"),
                "no catalog equivalent (the function runs each query as one unnamed statement); not carried over")
        }
        let timestampValue = try reader.text("timestamp_value")
        if timestampValue != nil {
            catalog.note(
                reader.file, reader.path("timestamp_value"),
                "carried over as the query's timestamp column: one time per row (not per metric), and it must lie "
                    + "within CloudWatch's window (14 days ago to 2 hours ahead)")
        }
        return Metric(
            name: name, isCounter: type == "counter", help: help, keyLabels: keyLabels, staticLabels: staticLabels,
            valueLabel: valueLabel, values: values, staticValue: staticValue, timestampValue: timestampValue,
            source: source, sql: sql, place: reader.place)
    }

    /// `key` as a Prometheus duration, in seconds.
    private func duration(_ reader: ConfigReader, _ key: String) throws(ImportError) -> Double? {
        guard let text = try reader.text(key) else { return nil }
        guard let seconds = DurationText.seconds(text) else {
            throw reader.invalid(key, "\"\(text)\" is not a duration (30s, 5m, 1h)")
        }
        return seconds
    }

    // MARK: - Collectors to queries

    /// What makes metrics share one catalog query: the same execution (query) and the same labels.
    private struct GroupKey: Hashable {
        var source: Metric.Source
        var keyLabels: [String]
        var staticLabels: [String]
        var timestampValue: String?
        /// A metric with a value_label is unpivoted on its own.
        var unpivoted: String?
    }

    private func add(
        _ collector: Collector, defaultInterval: Double?, into catalog: inout ImportedCatalog
    ) throws(ImportError) {
        var groups: [(key: GroupKey, metrics: [Metric])] = []
        for metric in collector.metrics {
            let key = GroupKey(
                source: metric.source, keyLabels: metric.keyLabels,
                staticLabels: metric.staticLabels.map { "\($0.key)=\($0.value)" }.sorted(),
                timestampValue: metric.timestampValue, unpivoted: metric.valueLabel == nil ? nil : metric.name)
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].metrics.append(metric)
            } else {
                groups.append((key, [metric]))
            }
        }
        let interval = (collector.minInterval ?? defaultInterval).flatMap { IntervalChoice(seconds: $0) }
        if let adjustment = interval?.adjustment {
            let place =
                collector.minInterval == nil
                ? "global.min_interval" : collector.place.isEmpty ? "min_interval" : "\(collector.place).min_interval"
            catalog.note(collector.file, place, adjustment)
        }
        if collector.metrics.contains(where: { !$0.values.isEmpty }) {
            catalog.note(
                collector.file, collector.place,
                "values: sql_exporter reads every value column as a number, text too; the catalog publishes numbers "
                    + "and booleans and takes a text column for a dimension (cast a number held as text with "
                    + "::numeric in the query)")
        }
        if collector.metrics.contains(where: { !$0.keyLabels.isEmpty }) {
            catalog.note(
                collector.file, collector.place,
                "a NULL key label: sql_exporter writes an empty label, the catalog skips the row's metrics (and lists "
                    + "them as skipped)")
        }
        for group in groups {
            let start = catalog.notes.count
            let first = group.metrics[0]
            let name: String
            switch group.key.source {
            case .literal(let metric): name = "\(collector.name)/\(metric)"
            case .reference(let query):
                let shared = groups.filter { $0.key.source == group.key.source }.count > 1
                name = shared ? "\(collector.name)/\(query)/\(first.name)" : "\(collector.name)/\(query)"
            }
            let place = first.place
            if let problem = ImportedQuery.nameProblem(name) {
                catalog.note(collector.file, place, "the query's name \"\(name)\" \(problem); not imported")
                continue
            }
            let statement = SQLStatement(first.sql)
            if let problem = statement.problem {
                catalog.note(collector.file, place, "the query \(problem); not imported")
                continue
            }
            var query =
                group.key.unpivoted == nil
                ? Self.plainQuery(name: name, statement.body, group.metrics, versions: versions)
                : Self.unpivotedQuery(name: name, statement.body, first, versions: versions)
            query.interval = interval?.seconds
            let helps = group.metrics.map(\.help)
            query.description =
                group.metrics.count == 1
                ? helps[0]
                : zip(group.metrics, helps).map { "\($0.name): \($1)" }
                    .joined(separator: "; ")
            for (key, value) in first.staticLabels {
                if let problem = ConstantDimensionRules.problem(name: key, value: value) {
                    catalog.note(collector.file, "\(place).static_labels.\(key)", "\(problem); not carried over")
                } else if query.dimensions.count == ConstantDimensionRules.maximum {
                    catalog.note(
                        collector.file, "\(place).static_labels.\(key)",
                        "more than \(ConstantDimensionRules.maximum) constant dimensions; not carried over")
                } else {
                    query.dimensions[key] = value
                }
            }
            catalog.add(query, file: collector.file, place: place, notesSince: start)
        }
    }

    /// Metrics without a value_label: key labels as text, each value column once per metric that reads it, under
    /// its metric name.
    static func plainQuery(name: String, _ body: String, _ metrics: [Metric], versions: [String]) -> ImportedQuery {
        var columns = metrics[0].keyLabels.map { "src.\(SQLNames.identifier($0))::text AS \(SQLNames.identifier($0))" }
        var used = Set(metrics[0].keyLabels)
        var metricNames: [String: String] = [:]
        var counters: [String] = []
        for metric in metrics {
            let alias: String
            if let value = metric.values.first {
                // The column's own name the first time; the metric's name when another metric took it already.
                alias = used.contains(value) ? metric.name : value
                columns.append(
                    alias == value
                        ? "src.\(SQLNames.identifier(value))"
                        : "src.\(SQLNames.identifier(value)) AS \(SQLNames.identifier(alias))")
            } else {
                alias = metric.name
                columns.append("\(metric.staticValue ?? "1") AS \(SQLNames.identifier(alias))")
            }
            used.insert(alias)
            if alias != metric.name { metricNames[alias] = metric.name }
            if metric.isCounter { counters.append(alias) }
        }
        if let column = metrics[0].timestampValue {
            columns.append("src.\(SQLNames.identifier(column))::timestamptz AS \"timestamp\"")
        }
        var query = ImportedQuery(
            name: name, versions: versions,
            sql: "SELECT " + columns.joined(separator: ",\n       ") + "\n  FROM (\n" + body + "\n) AS src")
        query.metricNames = metricNames
        query.counters = counters
        return query
    }

    /// A metric with a value_label: one row per value column, the label holding the column's name and the value
    /// under the metric's name.
    static func unpivotedQuery(name: String, _ body: String, _ metric: Metric, versions: [String]) -> ImportedQuery {
        let label = metric.valueLabel ?? "value_label"
        var columns = metric.keyLabels.map { "src.\(SQLNames.identifier($0))::text AS \(SQLNames.identifier($0))" }
        columns.append("v.name AS \(SQLNames.identifier(label))")
        columns.append("v.value AS \(SQLNames.identifier(metric.name))")
        if let column = metric.timestampValue {
            columns.append("src.\(SQLNames.identifier(column))::timestamptz AS \"timestamp\"")
        }
        let rows = metric.values.map { "(\(SQLNames.literal($0)), src.\(SQLNames.identifier($0)))" }
        var query = ImportedQuery(
            name: name, versions: versions,
            sql: "SELECT " + columns.joined(separator: ",\n       ") + "\n  FROM (\n" + body + "\n) AS src\n"
                + " CROSS JOIN LATERAL (VALUES " + rows.joined(separator: ", ") + ") AS v(name, value)")
        if metric.isCounter { query.counters = [metric.name] }
        return query
    }
}
