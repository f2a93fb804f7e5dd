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
import MetricModel

/// The customers and queries the function knows, shipped with it as `catalog.json`.
///
/// Loaded and validated once at init: a broken catalog stops the function before it serves anything, with a
/// message that names the bad entry, rather than failing one invocation at a time.
public struct Catalog: Sendable {
    public var customers: [Customer]
    public var queries: [QueryDefinition]
    /// The support-case worker's defaults for every customer.
    public var cases: CasePolicy
    /// Alarms the catalog adds to a built-in pack's own (`"builtinAlarms": {"server-health": [...]}`): a rate alarm
    /// on the pack's deadlocks is one line.
    public var builtinAlarms: [BuiltinPack: [AlarmSpec]] = [:]
    /// What the catalog publishes of a built-in pack otherwise than the pack does (`"builtinPublish":
    /// {"server-health": {"temp_bytes": "metric"}}`, ``Publishing``).
    public var builtinPublish: [BuiltinPack: (log: Set<String>, metric: Set<String>)] = [:]

    public init(customers: [Customer], queries: [QueryDefinition], cases: CasePolicy = CasePolicy()) {
        self.customers = customers
        self.queries = queries
        self.cases = cases
    }

    /// Reads a catalog from JSON and validates every entry.
    ///
    /// - Throws: `Catalog.Invalid` naming the first bad entry.
    public init(json bytes: [UInt8]) throws(CatalogError) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw CatalogError(.invalid, "catalog is not valid JSON: \(error.described(in: bytes))")
        }
        guard case .object(let fields) = root else { throw CatalogError(.invalid, "catalog is not a JSON object") }
        // `$schema` lets an editor find catalog.schema.json.
        try FieldReader(fields: fields, place: "catalog").refuseUnknownKeys(
            ["customers", "queries", "builtin", "cases", "builtinAlarms", "builtinPublish", "$schema"])
        guard case .array(let customers)? = fields["customers"] else {
            throw CatalogError(.invalid, "catalog has no \"customers\" array")
        }
        guard case .array(let queries)? = fields["queries"] else {
            throw CatalogError(.invalid, "catalog has no \"queries\" array")
        }
        let everyone = try BuiltinPack.list(in: fields, place: "catalog")
        var parsedCustomers: [Customer] = []
        for (index, entry) in customers.enumerated() {
            var customer = try Customer(entry, where: "customers[\(index)]")
            customer.builtin += everyone.filter { !customer.builtin.contains($0) }
            parsedCustomers.append(customer)
        }
        var parsedQueries: [QueryDefinition] = []
        for (index, entry) in queries.enumerated() {
            parsedQueries.append(try QueryDefinition(entry, where: "queries[\(index)]", requireVersions: true))
        }
        self.init(
            customers: parsedCustomers, queries: parsedQueries,
            cases: try CasePolicy.member(of: fields, place: "catalog"))
        builtinAlarms = try Self.builtinAlarms(in: fields)
        builtinPublish = try Self.builtinPublish(in: fields)
        try validateUniqueness()
        try validateThresholds()
        try validatePeriods()
        try validateDimensionsAndCounters()
    }

    /// What CloudWatch or the alarms could not tell apart (review of issue 28): a dimension the customer and a
    /// query both set, an alarm dimension that is a catalog dimension, two alarms on one series of a query (a
    /// `builtinAlarms` entry on a pack's own alarm), and a counter alarm whose statistic adds up running totals.
    private func validateDimensionsAndCounters() throws(CatalogError) {
        for (index, customer) in customers.enumerated() {
            let place = "customers[\(index)] (\"\(customer.opname)\")"
            for query in queries(for: customer) {
                let set = customer.dimensions + query.dimensions
                if let pack = query.builtin, let clash = set.first(where: { pack.rowDimensions.contains($0.name) }) {
                    throw CatalogError(
                        .invalid,
                        "\(place): dimension \(clash.name) is one the \(pack.rawValue) pack sets on its rows; rename it"
                    )
                }
                if let twice = set.first(where: { one in set.filter { $0.name == one.name }.count > 1 }) {
                    throw CatalogError(
                        .invalid,
                        "\(place): dimension \(twice.name) is set by the customer and by query \"\(query.name)\"")
                }
                var series: Set<String> = []
                for alarm in query.alarms {
                    if let clash = alarm.dimensions.keys.sorted().first(where: { key in set.contains { $0.name == key }
                    }) {
                        throw CatalogError(
                            .invalid,
                            "\(place): the alarm on \(alarm.metric) of query \"\(query.name)\" names dimension \(clash), "
                                + "which the catalog sets already")
                    }
                    let key = ([alarm.metric] + alarm.dimensions.sorted { $0.key < $1.key }.map { "\($0)=\($1)" })
                        .joined(separator: " ")
                    guard series.insert(key).inserted else {
                        throw CatalogError(
                            .invalid, "\(place): query \"\(query.name)\" has two alarms on one series: \(key)")
                    }
                    if query.isCounter(alarm.metric) && [.sum, .sampleCount].contains(alarm.statistic) {
                        throw CatalogError(
                            .invalid,
                            "\(place): the alarm on counter \(alarm.metric) uses \(alarm.statistic.rawValue), which adds up "
                                + "running totals; give Maximum, Minimum or Average (the rate is taken of it)")
                    }
                }
            }
        }
    }

    /// Seconds between runs of `query` for `customer`: the query's interval, else the customer's, else a minute.
    public func interval(of query: QueryDefinition, for customer: Customer) -> Int {
        query.interval ?? customer.interval ?? CollectionInterval.default
    }

    /// An alarm period the catalog set must cover the query's interval: a shorter one reads no data in most of its
    /// periods (issue 30).
    private func validatePeriods() throws(CatalogError) {
        for (index, customer) in customers.enumerated() {
            for query in queries(for: customer) {
                let interval = interval(of: query, for: customer)
                for alarm in query.alarms {
                    // CloudWatch evaluates at most a day of periods shorter than an hour, else a week.
                    let period = alarm.period(covering: interval)
                    let window = period < 3600 ? 86_400 : 604_800
                    if period * alarm.periods > window {
                        throw CatalogError(
                            .invalid,
                            "customers[\(index)] (\"\(customer.opname)\"): the alarm on \(alarm.metric) of query "
                                + "\"\(query.name)\" evaluates \(alarm.periods) periods of \(period) s, more than "
                                + "CloudWatch's \(window) s; give fewer periods")
                    }
                }
                for alarm in query.alarms where alarm.periodGiven && alarm.period < interval {
                    throw CatalogError(
                        .invalid,
                        "customers[\(index)] (\"\(customer.opname)\"): query \"\(query.name)\" runs every \(interval) s, "
                            + "but its alarm on \(alarm.metric) has a \(alarm.period) s period, which would read no data in "
                            + "most periods; give a period of at least \(interval) s, or none (it then covers the interval)"
                    )
                }
            }
        }
    }

    /// A customer's `thresholds` name the metrics of its alarms: any other key is a typo that leaves an alarm on
    /// another threshold (issue 30), so it is refused with the nearest alarm's metric.
    private func validateThresholds() throws(CatalogError) {
        for (index, customer) in customers.enumerated() {
            let metrics = Set(queries(for: customer).flatMap(\.alarms).map(\.metric)).sorted()
            for key in customer.thresholds.keys.sorted() where !metrics.contains(key) {
                let place = "customers[\(index)] (\"\(customer.opname)\")"
                let suggestion =
                    NearestName.nearest(key, among: metrics).map { "; did you mean \"\($0)\"?" }
                    ?? (metrics.isEmpty
                        ? "; none of its queries has an alarm"
                        : "; its alarms are on \(metrics.joined(separator: ", "))")
                throw CatalogError(
                    .invalid,
                    "\(place): thresholds.\(key) names no metric an alarm of the customer watches\(suggestion)")
            }
        }
    }

    /// What the catalog allows but is probably not meant: each a sentence naming the entry, for `synth`, `plan`
    /// and `check` to print as warnings.
    public var warnings: [String] {
        var warnings: [String] = []
        for query in queries + BuiltinPack.allCases.map(pack) {
            for name in query.promotedLogFields {
                let warning =
                    "query \"\(query.name)\": \(name) is published as a metric, not a log field, because an alarm reads it"
                if !warnings.contains(warning) { warnings.append(warning) }
            }
        }
        for customer in customers {
            guard case .all(let excluded)? = customer.databases else { continue }
            for query in queries(for: customer) where query.eachDatabase {
                for alarm in query.alarms where alarm.dimensions["database"] == nil {
                    let warning =
                        excluded.contains(customer.database)
                        ? "customer \"\(customer.opname)\": the alarm on \(alarm.metric) of \(query.name) watches its "
                            + "database \(customer.database), which excludeDatabases leaves out: it watches no series; "
                            + "list the databases to alarm on each"
                        : "customer \"\(customer.opname)\": databases is \"all\", which only the server knows: the alarm "
                            + "on \(alarm.metric) of \(query.name) watches \(customer.database) alone; list the databases to "
                            + "alarm on each"
                    if !warnings.contains(warning) { warnings.append(warning) }
                }
            }
        }
        for customer in customers where queries(forVersion: customer.version).isEmpty {
            warnings.append(
                "customer \"\(customer.opname)\": no query has a variant for its version \"\(customer.version)\"; "
                    + (customer.builtin.isEmpty
                        ? "it collects nothing" : "it collects only its built-in packs"))
        }
        return warnings
    }

    /// Two customers with one name, or two variants of a query for one version, would make lookups ambiguous.
    private func validateUniqueness() throws(CatalogError) {
        var names: Set<String> = []
        for (index, customer) in customers.enumerated() where !names.insert(customer.opname).inserted {
            throw CatalogError(.invalid, "customers[\(index)] (\"\(customer.opname)\"): opname is used twice")
        }
        var variants: Set<String> = []
        for (index, query) in queries.enumerated() where BuiltinPack(rawValue: query.name) != nil {
            throw CatalogError(.invalid, "queries[\(index)]: \"\(query.name)\" is the name of a built-in pack")
        }
        for (index, query) in queries.enumerated() {
            for version in query.versions where !variants.insert("\(query.name)\u{0}\(version)").inserted {
                throw CatalogError(
                    .invalid, "queries[\(index)] (\"\(query.name)\"): a second variant for version \"\(version)\"")
            }
        }
    }

    /// The customer named `opname`.
    public func customer(named opname: String) throws(CatalogError) -> Customer {
        guard let customer = customers.first(where: { $0.opname == opname }) else {
            throw CatalogError(.unknownCustomer, "no customer \"\(opname)\" in the catalog")
        }
        return customer
    }

    /// The variant of query `name` for `version`.
    public func query(named name: String, version: String) throws(CatalogError) -> QueryDefinition {
        let variants = queries.filter { $0.name == name }
        guard !variants.isEmpty else { throw CatalogError(.unknownQuery, "no query \"\(name)\" in the catalog") }
        guard let variant = variants.first(where: { $0.versions.contains(version) }) else {
            throw CatalogError(.noVariantForVersion, "query \"\(name)\" has no variant for version \"\(version)\"")
        }
        return variant
    }

    /// Every query with a variant for `version`, in catalog order, one variant per name.
    public func queries(forVersion version: String) -> [QueryDefinition] {
        queries.filter { $0.versions.contains(version) }
    }

    /// What `customer` collects: the catalog's queries for its version, then its built-in packs.
    public func queries(for customer: Customer) -> [QueryDefinition] {
        queries(forVersion: customer.version) + customer.builtin.map(pack)
    }

    /// A built-in pack as this catalog runs it: its own alarms and the catalog's `builtinAlarms` for it.
    public func pack(_ pack: BuiltinPack) -> QueryDefinition {
        var definition = pack.definition
        definition.alarms += builtinAlarms[pack] ?? []
        if let publish = builtinPublish[pack] {
            definition.logFields = definition.logFields.subtracting(publish.metric).union(publish.log)
        }
        return definition
    }

    /// Reads `builtinPublish`: pack names to `publish` maps of the pack's metrics.
    static func builtinPublish(
        in fields: JSONObject
    ) throws(CatalogError) -> [BuiltinPack: (log: Set<String>, metric: Set<String>)] {
        guard let value = fields["builtinPublish"], value != .null else { return [:] }
        guard case .object(let packs) = value else {
            throw CatalogError(.invalid, "catalog: builtinPublish must map pack names to publish maps")
        }
        var result: [BuiltinPack: (log: Set<String>, metric: Set<String>)] = [:]
        for name in packs.keys.sorted() {
            let pack = try BuiltinPack.named(name, in: "builtinPublish")
            let choices = try Publishing.read(name, in: packs, place: "catalog.builtinPublish")
            for metric in choices.log.union(choices.metric).sorted() {
                if let problem = pack.metricProblem(metric) {
                    throw CatalogError(.invalid, "catalog.builtinPublish.\(name): \(problem)")
                }
            }
            result[pack] = choices
        }
        return result
    }

    /// Reads `builtinAlarms`: pack names to alarm lists.
    static func builtinAlarms(in fields: JSONObject) throws(CatalogError) -> [BuiltinPack: [AlarmSpec]] {
        guard let value = fields["builtinAlarms"], value != .null else { return [:] }
        guard case .object(let packs) = value else {
            throw CatalogError(.invalid, "catalog: builtinAlarms must map pack names to alarm lists")
        }
        var result: [BuiltinPack: [AlarmSpec]] = [:]
        for (name, list) in packs {
            let pack = try BuiltinPack.named(name, in: "builtinAlarms")
            guard case .array(let entries) = list else {
                throw CatalogError(.invalid, "catalog: builtinAlarms.\(name) must be a list of alarms")
            }
            for (index, entry) in entries.enumerated() {
                let alarm = try AlarmSpec(entry, where: "catalog.builtinAlarms.\(name)[\(index)]")
                if let problem = pack.metricProblem(alarm.metric) {
                    throw CatalogError(.invalid, "catalog.builtinAlarms.\(name)[\(index)]: \(problem)")
                }
                let missing = pack.rowDimensions(of: alarm.metric).filter { alarm.dimensions[$0] == nil }
                guard missing.isEmpty else {
                    throw CatalogError(
                        .invalid,
                        "catalog.builtinAlarms.\(name)[\(index)]: every series of \(alarm.metric) carries "
                            + "\(missing.joined(separator: " and ")): name \(missing.count == 1 ? "it" : "them") in the alarm's "
                            + "dimensions, or it watches a series that never exists")
                }
                result[pack, default: []].append(alarm)
            }
        }
        return result
    }

    /// Query `name` as `customer` runs it: a built-in pack the customer has, or the variant for its version.
    ///
    /// - Throws: `Catalog.UnknownQuery` for a pack the customer does not have, or the errors of
    ///   ``query(named:version:)``.
    public func query(named name: String, for customer: Customer) throws(CatalogError) -> QueryDefinition {
        if let pack = BuiltinPack(rawValue: name) {
            guard customer.builtin.contains(pack) else {
                throw CatalogError(
                    .unknownQuery,
                    "\"\(name)\" is a built-in pack that customer \"\(customer.opname)\" does not have (builtin)")
            }
            return self.pack(pack)
        }
        return try query(named: name, version: customer.version)
    }
}
