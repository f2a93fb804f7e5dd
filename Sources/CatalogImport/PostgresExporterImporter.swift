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

/// Imports postgres_exporter's `queries.yaml` (`--extend.query-path`): a mapping from a namespace to a query and the
/// usage of its columns (`exporter/queries.go` at `dbb1987e`; Tests/Fixtures/importers/README.md).
///
/// Each namespace becomes a query of that name, its statement wrapped so that the catalog publishes what the
/// exporter did:
///
/// ```sql
/// SELECT src.datname::text AS datname,
///        (conv.v ->> 'size_bytes')::float8 AS size_bytes
///   FROM (
/// SELECT pg_database.datname, pg_database_size(pg_database.datname) as size_bytes FROM pg_database
/// ) AS src
///  CROSS JOIN LATERAL (SELECT jsonb_object_agg(...) AS v FROM jsonb_each(to_jsonb(src)) AS f) AS conv
/// ```
///
/// - `LABEL` columns are cast to text, so they become dimensions whatever their type (a `queryid` is a bigint).
/// - `GAUGE` and `COUNTER` columns are numbers as the exporter's `dbToFloat64` makes them: numbers as they are, text
///   parsed as a number (`pg_settings.setting`), booleans 1/0, times as whole Unix seconds. The file does not say a
///   column's type, and a type is only known on the server, so the conversion is done there, once per row, by
///   `conv` over the row's JSON; a column listed but not returned gives nothing, as in the exporter.
/// - `COUNTER` columns are `counters`. Only the listed columns are selected.
/// - `cache_seconds` is the query's `interval`.
///
/// What has no equivalent (`HISTOGRAM`, `DURATION`, `MAPPEDMETRIC`, `runonserver`, `master: false` with
/// auto-discovery) is in the report.
struct PostgresExporterImporter: Sendable {
    let versions: [String]

    /// The usages `stringToColumnUsage` knows (`exporter/util.go`); anything else becomes DISCARD there, silently.
    static let usages = ["LABEL", "GAUGE", "COUNTER", "DISCARD", "DURATION", "MAPPEDMETRIC", "HISTOGRAM"]

    func run(_ source: ImportSource, into catalog: inout ImportedCatalog) throws(ImportError) {
        let file = source.path
        let root = try ConfigNode.yaml(source.text, file: file)
        if root == .null {
            catalog.note(file, "", "holds no namespace; nothing to import")
            return
        }
        let top = try ConfigReader(file: file, place: "", node: root, expected: "a mapping of namespaces to queries")
        var imported = false
        var everyDatabase: [String] = []
        for entry in top.entries {
            let reader = try ConfigReader(file: file, place: entry.key, node: entry.value)
            let start = catalog.notes.count
            // Read first, so that a master that is not a boolean is refused even where nothing is imported.
            let master = try reader.bool("master") ?? false
            if let query = try namespace(entry.key, reader, into: &catalog),
                catalog.add(query, file: file, place: entry.key, notesSince: start)
            {
                imported = true
                if !master { everyDatabase.append(entry.key) }
            }
        }
        if !everyDatabase.isEmpty {
            catalog.note(
                file, "",
                "master is false for \(everyDatabase.joined(separator: ", ")): with --auto-discover-databases "
                    + "postgres_exporter ran them in every database; imported to run once, in the customer's database "
                    + "(add \"eachDatabase\": true, and the customer's \"databases\", to run one in each)")
        }
        if imported {
            catalog.note(
                file, "",
                "metric names: postgres_exporter's <namespace>_<column> is metric <column> with dimension "
                    + "Query=<namespace> here (metricNames can give the Prometheus names back)")
            catalog.note(
                file, "",
                "the server label and --constantLabels: the Customer dimension and the customer's \"dimensions\" "
                    + "instead")
            catalog.note(
                file, "",
                "columns a query returns that its metrics do not list: postgres_exporter exports the numeric ones as "
                    + "untyped metrics; the import selects the listed columns only (list them to keep them)")
            catalog.note(
                file, "",
                "NULL: postgres_exporter exports a NaN sample, and an empty label for a NULL label; the catalog "
                    + "skips the value, and the row's metrics for a NULL label, and lists them as skipped")
        }
    }

    /// One namespace as a query; `nil`, with the reason in the report, when it gives nothing to publish.
    private func namespace(
        _ name: String, _ reader: ConfigReader, into catalog: inout ImportedCatalog
    ) throws(ImportError) -> ImportedQuery? {
        let file = reader.file
        for key in reader.unknownKeys(["query", "metrics", "master", "cache_seconds", "runonserver"]) {
            catalog.note(file, reader.path(key), "postgres_exporter does not read this key; not carried over")
        }
        let sql = try reader.text("query") ?? ""
        if sql.trimmingSpaces.isEmpty {
            catalog.note(file, name, "has no query: postgres_exporter produces nothing for it; not imported")
            return nil
        }
        let statement = SQLStatement(sql)
        if let problem = statement.problem {
            catalog.note(file, reader.path("query"), "\(problem); not imported")
            return nil
        }
        if let problem = ImportedQuery.nameProblem(name) {
            catalog.note(file, name, "the namespace \(problem) as a query name; not imported")
            return nil
        }
        var labels: [String] = []
        var values: [String] = []
        var counters: [String] = []
        var descriptions: [String] = []
        var histograms: [String] = []
        for (index, item) in (try reader.list("metrics") ?? []).enumerated() {
            let columns = try reader.item("metrics", index, item)
            for column in columns.entries {
                let place = reader.path(column.key)
                // No column has an empty name: the catalog refuses it as a metric or dimension name.
                guard !column.key.isEmpty else {
                    catalog.note(
                        file, reader.path("metrics[\(index)]"), "a column with an empty name; not carried over")
                    continue
                }
                let options = try ConfigReader(file: file, place: place, node: column.value)
                for key in options.unknownKeys(["usage", "description", "metric_mapping", "pg_version"]) {
                    catalog.note(file, options.path(key), "postgres_exporter does not read this key; not carried over")
                }
                if options.has("metric_mapping") {
                    catalog.note(
                        file, options.path("metric_mapping"),
                        "postgres_exporter drops it for user queries (parseUserQueries); not carried over")
                }
                if options.has("pg_version") {
                    catalog.note(
                        file, options.path("pg_version"),
                        "postgres_exporter drops it for user queries; not carried over")
                }
                let usage = try options.text("usage") ?? ""
                if let description = try options.text("description"), !description.isEmpty {
                    descriptions.append("\(column.key): \(description)")
                }
                switch usage {
                case "LABEL": labels.append(column.key)
                case "GAUGE": values.append(column.key)
                case "COUNTER":
                    values.append(column.key)
                    counters.append(column.key)
                case "DISCARD": break
                case "DURATION":
                    catalog.note(
                        file, place,
                        "usage DURATION: the column's Go duration text (\"300ms\", \"1h2m3s\") has no catalog "
                            + "equivalent; not imported (postgres_exporter published \(name)_\(column.key)_milliseconds; "
                            + "give the milliseconds as a number in the query instead)")
                case "MAPPEDMETRIC":
                    catalog.note(
                        file, place,
                        "usage MAPPEDMETRIC: postgres_exporter produces no sample for it from a user file (its "
                            + "metric_mapping is dropped); not imported")
                case "HISTOGRAM":
                    histograms.append(column.key)
                default:
                    catalog.note(
                        file, place,
                        "usage \(usage.isEmpty ? "(none)" : usage) is not one postgres_exporter knows ("
                            + Self.usages.joined(separator: ", ") + "): it discards the column; not imported")
                }
            }
        }
        // A histogram's _sum and _count are plain numbers of the row: kept, where the file gives them no usage of
        // their own.
        let listed = Set(labels + values + histograms)
        for column in histograms {
            let companions = ["\(column)_sum", "\(column)_count"].filter { !listed.contains($0) }
            values += companions
            catalog.note(
                file, reader.path(column),
                "usage HISTOGRAM: no catalog equivalent (its bucket arrays are skipped); "
                    + (companions.isEmpty
                        ? "not imported"
                        : companions.joined(separator: " and ") + " are imported as metrics"))
        }
        if values.isEmpty {
            catalog.note(file, name, "no GAUGE or COUNTER column: nothing to publish; not imported")
            return nil
        }
        var query = ImportedQuery(
            name: name, versions: versions, sql: Self.wrap(statement.body, labels: labels, values: values))
        query.counters = counters
        query.description = descriptions.isEmpty ? nil : descriptions.joined(separator: "; ")
        if let seconds = try reader.integer("cache_seconds"), let choice = IntervalChoice(seconds: Double(seconds)) {
            query.interval = choice.seconds
            if let adjustment = choice.adjustment {
                catalog.note(file, reader.path("cache_seconds"), "\(adjustment) as the query's interval")
            }
        }
        if reader.has("runonserver") {
            catalog.note(
                file, reader.path("runonserver"),
                "a PostgreSQL version range: no catalog equivalent (and no effect in postgres_exporter, which never "
                    + "applies it); not carried over")
        }
        return query
    }

    /// The statement wrapped: labels cast to text, values converted to numbers as `dbToFloat64` does, the rest
    /// left out.
    static func wrap(_ body: String, labels: [String], values: [String]) -> String {
        let columns =
            labels.map { "src.\(SQLNames.identifier($0))::text AS \(SQLNames.identifier($0))" }
            + values.map { "(conv.v ->> \(SQLNames.literal($0)))::float8 AS \(SQLNames.identifier($0))" }
        return "SELECT " + columns.joined(separator: ",\n       ") + "\n  FROM (\n" + body + "\n) AS src\n"
            + conversion(values: values)
    }

    /// The value columns of the row (and only those: labels and other columns are never read) as numbers a
    /// `float8` holds, the way postgres_exporter's `dbToFloat64` reads them: a number as it is, a boolean 1 or 0,
    /// text that is a decimal number as that number, a date or time (JSON writes them ISO 8601) as whole Unix
    /// seconds, anything else NULL (postgres_exporter: no sample). Nothing here fails the query: text is cast only
    /// when a pattern shows the cast succeeds (a date is checked against its month's length), and a number a
    /// `float8` cannot hold (`1e400`) is NULL, as Go's ParseFloat fails on it.
    static func conversion(values: [String]) -> String {
        let keys = values.isEmpty ? "NULL" : values.map(SQLNames.literal).joined(separator: ", ")
        let number = "'^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]{1,3})?$'"
        let time =
            "'^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
            + "(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,6})?([-+][0-9]{2}(:[0-5][0-9]){0,2})?)?$'"
        return """
             CROSS JOIN LATERAL (
                SELECT jsonb_object_agg(n.key, CASE
                         WHEN n.num = 0 OR abs(n.num) BETWEEN 2.2250738585072014e-308 AND 1.7976931348623157e308
                           THEN n.num::float8
                       END) AS v
                  FROM (SELECT f.key, CASE
                          WHEN jsonb_typeof(f.value) = 'number' THEN f.value::numeric
                          WHEN jsonb_typeof(f.value) = 'boolean' THEN CASE WHEN f.value::boolean THEN 1 ELSE 0 END
                          WHEN jsonb_typeof(f.value) <> 'string' THEN NULL
                          WHEN f.value #>> '{}' ~ \(number)
                            THEN CASE WHEN length(f.value #>> '{}') <= 300 THEN (f.value #>> '{}')::numeric END
                          WHEN f.value #>> '{}' ~ \(time)
                            THEN CASE WHEN left(f.value #>> '{}', 4) <> '0000' THEN CASE
                              WHEN substr(f.value #>> '{}', 9, 2)::int <= extract(day FROM make_date(
                                     left(f.value #>> '{}', 4)::int, substr(f.value #>> '{}', 6, 2)::int, 1)
                                     + interval '1 month' - interval '1 day')
                                THEN floor(extract(epoch FROM (f.value #>> '{}')::timestamptz))::numeric
                            END END
                        END AS num
                          FROM jsonb_each(to_jsonb(src)) AS f
                         WHERE f.key IN (\(keys))) AS n
              ) AS conv
            """
    }
}
