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

/// Imports the Datadog Agent's postgres check configuration (`conf.yaml`): its instances as customers and their
/// `custom_queries` (with `init_config.global_custom_queries`) as queries (`postgres.py` and `datadog_checks_base`'s
/// `QueryManager`; Tests/Fixtures/importers/README.md).
///
/// A custom query's `columns` are positional: the n-th entry names the n-th result column. The statement is wrapped
/// with a column alias list, so that the names are the file's whatever the query calls its columns, and PostgreSQL
/// refuses a query with fewer columns than the file lists, as the check does:
///
/// ```sql
/// SELECT src.c1::text AS customtag,
///        src.c2 AS num
///   FROM (<query>) AS src(c1, c2)
/// ```
///
/// `tag` columns are dimensions, `gauge` and `count` metrics, `monotonic_count` and `rate` metrics in `counters`
/// (published as the running total; their alarms and dashboards read the per-second rate, which is what `rate`
/// stores), each published as `<metric_prefix>.<name>` (`metricNames`). The query's `tags` (`key:value`) are its
/// `dimensions`, `collection_interval` its `interval`. What has no equivalent (`tag_list`, `histogram`, the check's
/// own tags) is in the report.
struct DatadogImporter: Sendable {
    let versions: [String]

    /// An instance's keys that make its customer or shape its custom queries.
    static let instanceKeys = [
        "host", "port", "username", "password", "dbname", "ssl", "ssl_root_cert", "ssl_cert", "ssl_key", "tags",
        "min_collection_interval", "query_timeout", "custom_queries", "use_global_custom_queries",
    ]
    static let queryKeys = ["query", "columns", "tags", "metric_prefix", "collection_interval", "name"]
    /// Column types with no catalog equivalent (`datadog_checks_base`'s transformers and submission methods).
    static let unsupported = [
        "histogram", "historate", "match", "temporal_percent", "monotonic_gauge", "time_elapsed", "service_check",
        "source", "set_metadata", "tag_list", "distribution",
    ]

    func run(_ source: ImportSource, into catalog: inout ImportedCatalog) throws(ImportError) {
        let file = source.path
        let root = try ConfigNode.yaml(source.text, file: file)
        guard root != .null else {
            throw ImportError(.invalidFile, file: file, "is empty (a conf.yaml has init_config and instances)")
        }
        let top = try ConfigReader(file: file, place: "", node: root, expected: "a mapping (init_config, instances)")
        guard let instances = try top.list("instances"), !instances.isEmpty else {
            throw top.invalid("instances", "a conf.yaml lists at least one instance")
        }
        let initConfig = try top.table("init_config")
        for key in initConfig?.unknownKeys(["global_custom_queries"]) ?? [] {
            catalog.note(file, initConfig?.path(key) ?? key, "not about custom queries; not carried over")
        }
        let global = try initConfig?.list("global_custom_queries") ?? []
        var runs: [(place: String, queries: [String])] = []
        for (index, item) in instances.enumerated() {
            let reader = try top.item("instances", index, item)
            let names = try instance(reader, global: global, into: &catalog)
            runs.append((reader.place, names))
        }
        catalog.noteInstancesDiffer(runs, file: file, what: "instance")
    }

    /// One instance: its customer, and the custom queries it runs.
    ///
    /// - Returns: the names of the queries it runs, as imported.
    private func instance(
        _ reader: ConfigReader, global: [ConfigNode], into catalog: inout ImportedCatalog
    ) throws(ImportError) -> [String] {
        let file = reader.file
        let ignored = reader.unknownKeys(Self.instanceKeys)
        if !ignored.isEmpty {
            catalog.note(
                file, reader.place,
                "not about custom queries, not carried over: \(ignored.joined(separator: ", "))")
        }
        var settings = ConnectionSettings()
        settings.hosts = [try reader.text("host") ?? "localhost"]
        settings.port = try reader.integer("port")
        settings.user = try reader.text("username") ?? "datadog"
        settings.database = try reader.text("dbname") ?? "postgres"
        settings.hadPassword = reader.has("password")
        if let ssl = reader["ssl"], ssl != .null {
            // Older configurations wrote a boolean.
            switch ssl {
            case .bool(let on): settings.sslmode = on ? "require" : "disable"
            default: settings.sslmode = try reader.text("ssl")
            }
        }
        settings.sslrootcert = try reader.text("ssl_root_cert")
        settings.sslcert = try reader.text("ssl_cert")
        settings.sslkey = try reader.text("ssl_key")
        var dimensions: [String: String] = [:]
        for (index, tag) in (try reader.textList("tags") ?? []).enumerated() {
            guard let (key, value) = Self.split(tag) else {
                catalog.note(file, reader.path("tags[\(index)]"), "\"\(tag)\" has no key:value; not carried over")
                continue
            }
            if let problem = ConstantDimensionRules.problem(name: key, value: value) {
                catalog.note(file, reader.path("tags[\(index)]"), "\(problem); not carried over")
            } else {
                dimensions[key] = value
            }
        }
        var interval: Int?
        if let seconds = try reader.integer("min_collection_interval") {
            let choice = IntervalChoice(seconds: Double(seconds))
            interval = choice?.seconds
            if let adjustment = choice?.adjustment {
                catalog.note(file, reader.path("min_collection_interval"), "\(adjustment) as the customer's interval")
            }
        }
        // host[:port]/dbname: an Agent often watches several databases of one server, one instance each.
        let port = settings.port.map { $0 == 5432 ? "" : ":\($0)" } ?? ""
        let name = "\(settings.hosts[0])\(port)/\(settings.database ?? "postgres")"
        catalog.addCustomer(
            settings, name: name, version: versions[0], interval: interval, dimensions: dimensions,
            tool: "the check", toolSSLMode: "allow (its default)", file: file, place: reader.place)
        if interval == nil {
            catalog.note(
                file, reader.path("min_collection_interval"),
                "not set: the check ran every 15 s, the customer's interval is the catalog's default, 60 s (give "
                    + "\"interval\": 15 for the same)")
        }
        catalog.note(
            file, reader.place,
            "the check's own tags (db, port, postgresql_version, replication_role, ...): the Customer and Query "
                + "dimensions instead")
        var timeoutMs: Int?
        if let timeout = try reader.integer("query_timeout") {
            if (1...900_000).contains(timeout) {
                timeoutMs = timeout
            } else {
                catalog.note(file, reader.path("query_timeout"), "not 1 to 900000 ms; not carried over")
            }
        }
        let own = try reader.list("custom_queries") ?? []
        // As the newer check's QueryManager resolves it (its default is true): extend takes both lists, true takes
        // the global ones only where the instance has none, false the instance's only.
        let use = (reader["use_global_custom_queries"]?.text ?? "true").lowercased()
        var queries: [(place: String, node: ConfigNode)] = own.enumerated().map {
            (reader.path("custom_queries[\($0.offset)]"), $0.element)
        }
        // A global query's place names the instance too: each instance that runs it imports it.
        let globals = global.enumerated().map {
            ("\(reader.place): init_config.global_custom_queries[\($0.offset)]", $0.element)
        }
        switch use {
        case "extend": queries += globals
        case "false": break
        default:
            if own.isEmpty { queries = globals }
            if !own.isEmpty && !global.isEmpty {
                catalog.note(
                    file, reader.path("use_global_custom_queries"),
                    "true: the newer check (QueryManager) runs the global queries only where an instance has none of "
                        + "its own, so the instance's are imported; the July 2024 check and the docs ran the global "
                        + "ones instead")
            }
        }
        if !queries.isEmpty {
            catalog.note(
                file, reader.place,
                "values: the check takes float() of every value column, text too, and skips a row with one that is "
                    + "not a number; the catalog publishes numbers and booleans and takes a text column for a "
                    + "dimension (cast a number held as text with ::numeric in the query); a query that returns more "
                    + "columns than \"columns\" lists gives nothing in the check, and its extra columns are "
                    + "ignored here")
        }
        var names: [String] = []
        for (place, node) in queries {
            let query = try ConfigReader(file: file, place: place, node: node)
            let start = catalog.notes.count
            if var imported = try self.query(query, customerDimensions: dimensions, into: &catalog) {
                imported.timeoutMs = timeoutMs
                names.append(catalog.addReturningName(imported, file: file, place: place, notesSince: start))
            }
        }
        return names
    }

    /// `key:value` split at the first colon.
    static func split(_ tag: String) -> (String, String)? {
        guard let colon = tag.firstIndex(of: ":") else { return nil }
        return (String(tag[..<colon]), String(tag[tag.index(after: colon)...]))
    }

    /// One custom query; `nil`, with the reason, when nothing of it can be published.
    private func query(
        _ reader: ConfigReader, customerDimensions: [String: String], into catalog: inout ImportedCatalog
    ) throws(ImportError) -> ImportedQuery? {
        let file = reader.file
        for key in reader.unknownKeys(Self.queryKeys) {
            catalog.note(file, reader.path(key), "not a key of a custom query; not carried over")
        }
        let sql = try reader.requiredText("query")
        guard let columns = try reader.list("columns"), !columns.isEmpty else {
            throw reader.invalid("columns", "a custom query lists its columns")
        }
        var prefix = try reader.text("metric_prefix") ?? ""
        if prefix.hasSuffix(".") { prefix.removeLast() }
        if prefix.isEmpty {
            prefix = "postgresql"
            catalog.note(
                file, reader.path("metric_prefix"),
                "not set: the newer check names the metrics postgresql.<name> (the July 2024 check required a "
                    + "prefix)")
        }
        let statement = SQLStatement(sql)
        if let problem = statement.problem {
            catalog.note(file, reader.path("query"), "\(problem); not imported")
            return nil
        }
        var selected: [String] = []
        var used: Set<String> = []
        var metricNames: [String: String] = [:]
        var counters: [String] = []
        for (index, column) in columns.enumerated() {
            let position = "c\(index + 1)"
            let entry = try reader.item("columns", index, column)
            guard let name = try entry.text("name"), !name.isEmpty else { continue }  // {}: the column is skipped
            let type = try entry.text("type") ?? "gauge"
            guard !used.contains(name) else {
                catalog.note(file, entry.place, "a second column named \(name); not carried over")
                continue
            }
            switch type {
            case "tag", "tag_not_null":
                selected.append("src.\(position)::text AS \(SQLNames.identifier(name))")
                if type == "tag_not_null" {
                    catalog.note(
                        file, entry.place,
                        "tag_not_null: where the value is NULL the check leaves the tag off, the catalog skips the "
                            + "row's metrics (and lists them as skipped)")
                }
            case "gauge", "count", "monotonic_count", "rate":
                selected.append(
                    position == name ? "src.\(position)" : "src.\(position) AS \(SQLNames.identifier(name))")
                metricNames[name] = "\(prefix).\(name)"
                switch type {
                case "count":
                    catalog.note(
                        file, entry.place,
                        "count: rows with the same tags are several datapoints of one series here, which "
                            + "CloudWatch's Sum adds up as the check did (an alarm's default statistic is Maximum)")
                case "monotonic_count":
                    counters.append(name)
                    catalog.note(
                        file, entry.place,
                        "monotonic_count: a counter here; the catalog publishes the running total, and its alarms "
                            + "and dashboards read the per-second rate (the check submitted the difference)")
                case "rate":
                    counters.append(name)
                    catalog.note(
                        file, entry.place,
                        "rate: a counter here; the catalog publishes the running total, and its alarms and "
                            + "dashboards read the per-second rate, which is what the check stored")
                default: break
                }
            default:
                let why = Self.unsupported.contains(type) ? "no catalog equivalent" : "not a type this import knows"
                catalog.note(file, entry.path("type"), "\(type): \(why); the column is not carried over")
                continue
            }
            used.insert(name)
        }
        if metricNames.isEmpty {
            catalog.note(file, reader.place, "no gauge, count, monotonic_count or rate column; not imported")
            return nil
        }
        let aliases = (1...columns.count).map { "c\($0)" }.joined(separator: ", ")
        let name = try reader.text("name") ?? prefix
        if let problem = ImportedQuery.nameProblem(name) {
            catalog.note(file, reader.place, "the query's name \"\(name)\" \(problem); not imported")
            return nil
        }
        var query = ImportedQuery(
            name: name, versions: versions,
            sql: "SELECT " + selected.joined(separator: ",\n       ") + "\n  FROM (\n" + statement.body
                + "\n) AS src(\(aliases))")
        query.metricNames = metricNames
        query.counters = counters
        for (index, tag) in (try reader.textList("tags") ?? []).enumerated() {
            let place = reader.path("tags[\(index)]")
            guard let (key, value) = Self.split(tag) else {
                catalog.note(file, place, "\"\(tag)\" has no key:value; not carried over")
                continue
            }
            if let problem = ConstantDimensionRules.problem(name: key, value: value) {
                catalog.note(file, place, "\(problem); not carried over")
            } else if customerDimensions[key] != nil || used.contains(key) {
                catalog.note(file, place, "\(key) is an instance tag or a column already; not carried over")
            } else if query.dimensions.count == ConstantDimensionRules.maximum {
                catalog.note(file, place, "more than \(ConstantDimensionRules.maximum) tags; not carried over")
            } else {
                query.dimensions[key] = value
            }
        }
        if let seconds = try reader.integer("collection_interval"),
            let choice = IntervalChoice(seconds: Double(seconds))
        {
            query.interval = choice.seconds
            if let adjustment = choice.adjustment {
                catalog.note(file, reader.path("collection_interval"), "\(adjustment) as the query's interval")
            }
        }
        return query
    }
}
