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

/// Imports Telegraf's `postgresql_extensible` input: `[[inputs.postgresql_extensible]]` (its `address` as a
/// customer) and its `[[inputs.postgresql_extensible.query]]` tables (`plugins/inputs/postgresql_extensible`,
/// `plugins/common/postgresql/config.go`; Tests/Fixtures/importers/README.md).
///
/// Telegraf writes one point per row: every column but `stats_reset`, the tags and the time is a field named after
/// the column, and the tags are `db` (the row's `datname` when it is text, else the connection's database), `server`
/// and the `tagvalue` columns. The file lists no columns, so the catalog query takes the `row_to_json` form, which
/// the function reads field by field whatever the columns are:
///
/// ```sql
/// SELECT jsonb_strip_nulls(
///          (SELECT coalesce(jsonb_object_agg(f.key, f.value), '{}') FROM jsonb_each(r.j) AS f
///            WHERE jsonb_typeof(f.value) IN ('number', 'boolean') AND f.key NOT IN ('stats_reset', 'db'))
///          || jsonb_build_object('db', coalesce(CASE WHEN jsonb_typeof(r.j -> 'datname') = 'string'
///                                                   THEN r.j ->> 'datname' END, current_database()))
///        ) AS point
///   FROM (SELECT to_jsonb(src) AS j FROM (<sqlquery>) AS src) AS r
/// ```
///
/// Numbers and booleans are the metrics, the tags text (so dimensions), a NULL leaves the field or tag out as
/// Telegraf does, and Telegraf's string fields, which CloudWatch cannot hold, are left out (reported). Keys are
/// matched as Telegraf matches them: case and underscores aside (`min_version` is `minversion`).
struct TelegrafImporter: Sendable {
    let versions: [String]
    let files: any ImportFileAccess

    /// The plugin's own keys (normalized), and Telegraf's options of every input that mean something here.
    static let pluginKeys = [
        "address", "outputaddress", "maxidle", "maxopen", "maxlifetime", "preparedstatements", "databases", "query",
        "interval", "tags", "nameoverride", "nameprefix", "namesuffix",
    ]
    static let queryKeys = [
        "sqlquery", "script", "minversion", "maxversion", "version", "withdbname", "tagvalue", "measurement",
        "timestamp",
    ]

    /// Telegraf's key matching (`toml.DefaultConfig.NormFieldName`): lower case, underscores removed.
    static func normalized(_ key: String) -> String {
        String(key.lowercased().filter { $0 != "_" })
    }

    func run(_ source: ImportSource, into catalog: inout ImportedCatalog) throws(ImportError) {
        let file = source.path
        let root = try ConfigNode.toml(source.text, file: file)
        guard let plugin = root["inputs"]?["postgresql_extensible"] else {
            throw ImportError(
                .invalidFile, file: file,
                "has no [[inputs.postgresql_extensible]] and no [[inputs.postgresql_extensible.query]]")
        }
        // `[[inputs.postgresql_extensible]]` is a list of plugin instances; a file of queries alone (the README's
        // sample block) makes it one table.
        let instances: [ConfigNode] =
            if case .list(let items) = plugin { items } else { [plugin] }
        var runs: [(place: String, queries: [String])] = []
        for (index, instance) in instances.enumerated() {
            let place = instances.count == 1 ? "inputs.postgresql_extensible" : "inputs.postgresql_extensible[\(index)]"
            let reader = try ConfigReader(file: file, place: place, node: instance)
            let names = try self.instance(reader, source: source, into: &catalog)
            runs.append((place, names))
        }
        catalog.noteInstancesDiffer(runs, file: file, what: "plugin instance")
    }

    /// One plugin instance: its customer and its queries.
    ///
    /// - Returns: the names of the queries it runs, as imported.
    private func instance(
        _ plugin: ConfigReader, source: ImportSource, into catalog: inout ImportedCatalog
    ) throws(ImportError) -> [String] {
        let file = plugin.file
        let reader = ConfigReader(
            file: file, place: plugin.place,
            entries: plugin.entries.map { ConfigEntry(key: Self.normalized($0.key), value: $0.value) })
        for key in reader.unknownKeys(Self.pluginKeys) {
            catalog.note(file, reader.path(key), "not carried over (no catalog equivalent)")
        }
        for key in ["outputaddress", "maxidle", "maxopen", "maxlifetime", "preparedstatements"] where reader.has(key) {
            catalog.note(file, reader.path(key), "no catalog equivalent; not carried over")
        }
        var interval: Int?
        if let text = try reader.text("interval") {
            // Telegraf's config.Duration takes a bare number as seconds (`interval = 10`).
            let bare: Double? =
                switch reader["interval"] {
                case .integer(let number)?: Double(number)
                case .number(let number)?: number
                default: nil
                }
            guard let seconds = bare.flatMap({ DurationText.isGoDuration($0) ? $0 : nil }) ?? DurationText.seconds(text)
            else {
                throw reader.invalid("interval", "\"\(text)\" is not a duration (10s, 1m)")
            }
            let choice = IntervalChoice(seconds: seconds)
            interval = choice?.seconds
            if let adjustment = choice?.adjustment {
                catalog.note(file, reader.path("interval"), "\(adjustment) as the customer's interval")
            }
        }
        let databases = try reader.textList("databases") ?? []
        var tags: [String: String] = [:]
        if let table = try reader.table("tags") {
            for entry in table.entries {
                let value = entry.value.text ?? ""
                if let problem = ConstantDimensionRules.problem(name: entry.key, value: value) {
                    catalog.note(file, table.path(entry.key), "\(problem); not carried over")
                } else {
                    tags[entry.key] = value
                }
            }
        }
        // The customer: only where the plugin is configured (a file of queries alone has no address).
        if reader.has("address") || reader.has("preparedstatements") || reader.has("interval") {
            let address = try reader.text("address") ?? ""
            // Telegraf: an empty address or "localhost" is "host=localhost sslmode=disable".
            let text = address.isEmpty || address == "localhost" ? "host=localhost sslmode=disable" : address
            guard let settings = ConnectionSettings(text) else {
                throw reader.invalid("address", "is neither a libpq \"key=value\" string nor a postgres:// URL")
            }
            catalog.addCustomer(
                settings, name: nil, version: versions[0], interval: interval, dimensions: tags, tool: "Telegraf",
                toolSSLMode: "prefer (its driver's default)", file: file, place: reader.path("address"))
            if interval == nil {
                catalog.note(
                    file, reader.path("interval"),
                    "not set: Telegraf collected at the agent's interval (10 s unless [agent] says otherwise); the "
                        + "customer's interval is the catalog's default, 60 s (give \"interval\", 10 or 60)")
            }
        }
        let override = try reader.text("nameoverride")
        let prefix = try reader.text("nameprefix") ?? ""
        let suffix = try reader.text("namesuffix") ?? ""
        let queries = try reader.list("query") ?? []
        if queries.isEmpty {
            catalog.note(file, reader.path("query"), "no queries; nothing to import")
        }
        var parsed: [(reader: ConfigReader, measurement: String)] = []
        for (index, item) in queries.enumerated() {
            let original = try reader.item("query", index, item)
            let query = ConfigReader(
                file: file, place: original.place,
                entries: original.entries.map { ConfigEntry(key: Self.normalized($0.key), value: $0.value) })
            // Telegraf's name_override replaces every measurement of the plugin; name_prefix and name_suffix wrap it.
            // Telegraf: an empty measurement is the plugin's name, as an absent one.
            let given = try query.text("measurement") ?? ""
            let measurement = given.isEmpty ? "postgresql" : given
            parsed.append((query, prefix + (override ?? measurement) + suffix))
        }
        var counts: [String: Int] = [:]
        var names: [String] = []
        var versionRanges: [(range: String, place: String)] = []
        for (index, entry) in parsed.enumerated() {
            let same = parsed.filter { $0.measurement == entry.measurement }.count
            counts[entry.measurement, default: 0] += 1
            // A query's name is unique; several queries share Telegraf's default measurement, so they are numbered.
            let name = same == 1 ? entry.measurement : "\(entry.measurement)/\(counts[entry.measurement] ?? index)"
            let start = catalog.notes.count
            if let query = try self.query(
                entry.reader, name: name, measurement: entry.measurement, databases: databases, source: source,
                versionRanges: &versionRanges, catalog: &catalog)
            {
                names.append(catalog.addReturningName(query, file: file, place: entry.reader.place, notesSince: start))
            }
        }
        // One line per range of PostgreSQL versions, naming its queries: the same gating is written on most of them.
        var ranges: [String] = []
        for entry in versionRanges where !ranges.contains(entry.range) { ranges.append(entry.range) }
        for range in ranges {
            // The query's place within the plugin (`query[3]`), with the instance where the file has several.
            let places = versionRanges.filter { $0.range == range }.map {
                plugin.place.hasSuffix("]") ? $0.place : String($0.place.split(separator: ".").last ?? "")
            }
            catalog.note(
                file, "",
                "min_version/max_version (or version): Telegraf runs \(places.joined(separator: ", ")) on PostgreSQL "
                    + "\(range) only; the catalog has no version gating (versions are the customer's schema "
                    + "versions): imported for every server")
        }
        if !parsed.isEmpty {
            catalog.note(
                file, "",
                "string fields (text columns not in tagvalue, and numeric columns, which Telegraf writes as "
                    + "strings): CloudWatch holds numbers only; text fields are left out, numeric ones are metrics "
                    + "(cast a number held as text, such as pg_settings.setting, with ::numeric in the query)")
            catalog.note(
                file, "",
                "oid and xid columns (pg_stat_database's datid): Telegraf writes them as integers, the row_to_json "
                    + "form has them as text, so they are left out (cast them with ::bigint in the query to keep "
                    + "them)")
            catalog.note(
                file, "",
                "the server tag: the Customer dimension instead; the db tag is carried over (a db dimension)")
            catalog.note(
                file, "",
                "Telegraf has no counters: nothing is marked in \"counters\" (add the cumulative columns there, "
                    + "such as xact_commit, so that alarms and dashboards read their rate)")
        }
        return names
    }

    /// One `[[inputs.postgresql_extensible.query]]` table as a query; `nil`, with the reason, when it cannot be.
    private func query(
        _ reader: ConfigReader, name: String, measurement: String, databases: [String], source: ImportSource,
        versionRanges: inout [(range: String, place: String)], catalog: inout ImportedCatalog
    ) throws(ImportError) -> ImportedQuery? {
        let file = reader.file
        for key in reader.unknownKeys(Self.queryKeys) {
            catalog.note(file, reader.path(key), "not a key of a postgresql_extensible query; not carried over")
        }
        var sql = try reader.text("sqlquery") ?? ""
        if sql.isEmpty, let script = try reader.text("script"), !script.isEmpty {
            do {
                sql = try files.read(source.resolve(script))
            } catch {
                catalog.note(
                    file, reader.path("script"),
                    "\(script) cannot be read (\(error.message)); Telegraf would not start; not imported")
                return nil
            }
        }
        if sql.trimmingSpaces.isEmpty {
            catalog.note(file, reader.place, "no sqlquery or script; not imported")
            return nil
        }
        if try reader.bool("withdbname") == true {
            // Telegraf appends to the text, as it is (deprecated since 1.22.4).
            sql +=
                databases.isEmpty
                ? " is not null" : " IN (\(databases.map { SQLNames.literal($0) }.joined(separator: ",")))"
            catalog.note(
                file, reader.path("withdbname"),
                "applied to the SQL as Telegraf does (\(databases.isEmpty ? "is not null" : "IN the databases"))")
        }
        let statement = SQLStatement(sql)
        if let problem = statement.problem {
            catalog.note(file, reader.place, "the query \(problem); not imported")
            return nil
        }
        if let problem = ImportedQuery.nameProblem(name) {
            catalog.note(file, reader.place, "the name \"\(name)\" \(problem); not imported")
            return nil
        }
        let minimum = try reader.integer("minversion") ?? 0
        let maximum = try reader.integer("maxversion") ?? 0
        let deprecated = try reader.integer("version") ?? 0
        let from = minimum != 0 ? minimum : deprecated
        if from != 0 || maximum != 0 {
            var range: [String] = []
            if from != 0 { range.append("from \(Self.major(from))") }
            if maximum != 0 { range.append("before \(Self.major(maximum))") }
            versionRanges.append((range.joined(separator: " and "), reader.place))
        }
        let tags = (try reader.text("tagvalue") ?? "").split(separator: ",").map { String($0).trimmingSpaces }
            .filter { !$0.isEmpty }
        let timestamp = try reader.text("timestamp").flatMap { $0.isEmpty ? nil : $0 }
        var query = ImportedQuery(
            name: name, versions: versions, sql: Self.wrap(statement.body, tags: tags, timestamp: timestamp))
        if name != measurement { query.cloudwatchDimension = measurement }
        return query
    }

    /// Telegraf's version number (`901`, `1300`) as PostgreSQL's (`9.1`, `13`).
    static func major(_ number: Int) -> String {
        number >= 1000 ? String(number / 100) : "\(number / 100).\(number % 100)"
    }

    /// The statement in the `row_to_json` form, each row as Telegraf's point: numeric and boolean fields, `db`, the
    /// tags as text, and the time. A tag column that is NULL leaves its tag off (`db`: keeps the default), as
    /// Telegraf skips NULL columns.
    static func wrap(_ body: String, tags: [String], timestamp: String?) -> String {
        var excluded = ["stats_reset", "db"]
        for tag in tags + (timestamp.map { [$0] } ?? []) where !excluded.contains(tag) { excluded.append(tag) }
        var database =
            "coalesce(CASE WHEN jsonb_typeof(r.j -> 'datname') = 'string' THEN r.j ->> 'datname' END, "
            + "current_database())"
        if tags.contains("db") { database = "coalesce(r.j ->> 'db', \(database))" }
        var members = ["'db', \(database)"]
        var named: Set<String> = ["db"]
        for tag in tags where named.insert(tag).inserted {
            members.append("\(SQLNames.literal(tag)), r.j ->> \(SQLNames.literal(tag))")
        }
        if let timestamp { members.append("'timestamp', r.j -> \(SQLNames.literal(timestamp))") }
        return """
            SELECT jsonb_strip_nulls(
                     (SELECT coalesce(jsonb_object_agg(f.key, f.value), '{}') FROM jsonb_each(r.j) AS f
                       WHERE jsonb_typeof(f.value) IN ('number', 'boolean')
                         AND f.key NOT IN (\(excluded.map(SQLNames.literal).joined(separator: ", "))))
                     || jsonb_build_object(\(members.joined(separator: ",\n                           ")))
                   ) AS point
              FROM (SELECT to_jsonb(src) AS j FROM (
            \(body)
            ) AS src) AS r
            """
    }
}
