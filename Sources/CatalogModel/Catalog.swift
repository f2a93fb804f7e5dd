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

    public init(customers: [Customer], queries: [QueryDefinition], cases: CasePolicy = CasePolicy()) {
        self.customers = customers
        self.queries = queries
        self.cases = cases
    }

    /// Reads a catalog from JSON and validates every entry.
    ///
    /// - Throws: ``CatalogError/Code/invalid`` naming the first bad entry.
    public init(json bytes: [UInt8]) throws(CatalogError) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw CatalogError(.invalid, "catalog is not valid JSON: \(error)")
        }
        guard case .object(let fields) = root else { throw CatalogError(.invalid, "catalog is not a JSON object") }
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
        try validateUniqueness()
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
        queries(forVersion: customer.version) + customer.builtin.map(\.definition)
    }

    /// Query `name` as `customer` runs it: a built-in pack the customer has, or the variant for its version.
    ///
    /// - Throws: ``CatalogError/Code/unknownQuery`` for a pack the customer does not have, or the errors of
    ///   ``query(named:version:)``.
    public func query(named name: String, for customer: Customer) throws(CatalogError) -> QueryDefinition {
        if let pack = BuiltinPack(rawValue: name) {
            guard customer.builtin.contains(pack) else {
                throw CatalogError(
                    .unknownQuery,
                    "\"\(name)\" is a built-in pack that customer \"\(customer.opname)\" does not have (builtin)")
            }
            return pack.definition
        }
        return try query(named: name, version: customer.version)
    }
}

/// One customer deployment and how to reach its database.
public struct Customer: Sendable, Equatable {
    public var opname: String
    /// The servers to try, in order: one, or a primary and its standbys (libpq's multi-host connection).
    public var hosts: [HostAddress]
    public var database: String
    public var version: String
    public var threshold: Double?
    public var user: String?
    /// libpq's `sslmode` as the catalog gives it; `nil` is ``defaultSSLMode`` (`verify-full`).
    public var sslmode: String?
    /// The CA certificates (a PEM file) that verify the server; `nil` is the function's default bundle.
    public var sslrootcert: String?
    /// A client certificate and its key (PEM files), for servers that require one (`cert` in `pg_hba.conf`).
    public var sslcert: String?
    public var sslkey: String?
    /// libpq's `channel_binding`; `nil` is `require` whenever the connection is verified TLS without a client
    /// certificate (``effectiveChannelBinding``).
    public var channelBinding: String?
    /// Which kind of server to settle on among ``hosts``, libpq's `target_session_attrs`; `nil` is `any`.
    public var targetSessionAttrs: String?
    /// The most one host may take to connect before the next is tried; `nil` leaves each its share of the time.
    public var connectTimeoutMs: Int?
    /// The Secrets Manager secret (name or ARN) with `username`/`password`.
    public var secret: String?
    /// Seconds between collections (`onprem-watch synth`); `nil` is one minute, or the query's own.
    public var interval: Int?
    /// Per KPI metric, the alarm threshold where it differs from ``threshold``.
    public var thresholds: [String: Double]
    /// The support-case worker's settings for this customer's alarms, over the catalog's.
    public var cases: CasePolicy
    /// The built-in packs collected for this customer besides the catalog's queries: its own `builtin` and the
    /// catalog's.
    public var builtin: [BuiltinPack]
    /// Whether the customer came in a payload (`ONPREM_ALLOW_INLINE_CUSTOMERS`, tests): it never gets a login.
    public var fromPayload = false

    static let sslModes: Set<String> = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
    /// The TLS mode of a customer whose entry names none: the server's certificate and name verified.
    public static let defaultSSLMode = "verify-full"
    static let channelBindings: Set<String> = ["disable", "prefer", "require"]
    /// libpq's values of `target_session_attrs` (PostgreSQL 14 and later).
    public static let sessionAttributes: Set<String> = [
        "any", "read-write", "read-only", "primary", "standby", "prefer-standby",
    ]

    public init(
        opname: String, ip: String, port: Int = 5432, database: String, version: String, threshold: Double? = nil,
        user: String? = nil, sslmode: String? = nil, sslrootcert: String? = nil, secret: String? = nil,
        interval: Int? = nil, thresholds: [String: Double] = [:], hosts: [HostAddress]? = nil,
        targetSessionAttrs: String? = nil, connectTimeoutMs: Int? = nil, cases: CasePolicy = CasePolicy(),
        builtin: [BuiltinPack] = [], sslcert: String? = nil, sslkey: String? = nil, channelBinding: String? = nil
    ) {
        self.opname = opname
        self.hosts = hosts ?? [HostAddress(ip: ip, port: port)]
        self.database = database
        self.version = version
        self.threshold = threshold
        self.user = user
        self.sslmode = sslmode
        self.sslrootcert = sslrootcert
        self.sslcert = sslcert
        self.sslkey = sslkey
        self.channelBinding = channelBinding
        self.secret = secret
        self.interval = interval
        self.thresholds = thresholds
        self.targetSessionAttrs = targetSessionAttrs
        self.connectTimeoutMs = connectTimeoutMs
        self.cases = cases
        self.builtin = builtin
    }

    /// The first host's address.
    public var ip: String { hosts[0].ip }
    /// The first host's port.
    public var port: Int { hosts[0].port }

    /// Reads and validates one customer entry; `place` names it in errors (`customers[3]`, `payload customer`).
    init(_ value: JSONValue, where place: String) throws(CatalogError) {
        guard case .object(let fields) = value else { throw CatalogError(.invalid, "\(place): not an object") }
        let reader = FieldReader(fields: fields, place: place)
        let opname = try reader.requiredText("opname")
        if let problem = Self.opnameProblem(opname) {
            throw CatalogError(.invalid, "\(place): opname \(problem)")
        }
        let named = FieldReader(fields: fields, place: "\(place) (\"\(opname)\")")
        let portText = try named.optionalText("port") ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw CatalogError(.invalid, "\(named.place): port \"\(portText)\" is not a port number")
        }
        var hosts: [HostAddress]?
        if fields["hosts"] != nil && fields["hosts"] != .null {
            guard try named.optionalText("ip") == nil else {
                throw CatalogError(.invalid, "\(named.place): give ip or hosts, not both")
            }
            let texts = try named.textList("hosts")
            guard !texts.isEmpty else { throw CatalogError(.invalid, "\(named.place): hosts is empty") }
            hosts = []
            for text in texts {
                guard let host = HostAddress(text, defaultPort: port) else {
                    throw CatalogError(
                        .invalid, "\(named.place): hosts entry \"\(text)\" is not a host or host:port")
                }
                hosts?.append(host)
            }
        }
        let ip = hosts == nil ? try named.requiredText("ip") : ""
        if hosts == nil && !HostAddress.isHostName(Substring(ip)) {
            throw CatalogError(
                .invalid, "\(named.place): ip \"\(ip)\" is not a host name or address (one host; use hosts for more)")
        }
        self.init(
            opname: opname, ip: ip, port: port,
            database: try named.requiredText("database"),
            version: try named.requiredText("version"), threshold: try named.optionalNumber("threshold"),
            user: try named.optionalText("user"), sslmode: try named.optionalText("sslmode"),
            sslrootcert: try named.optionalText("sslrootcert"), secret: try named.optionalText("secret"),
            interval: try CollectionInterval.validated(try named.optionalNumber("interval"), place: named.place),
            thresholds: try named.numberMap("thresholds"), hosts: hosts,
            targetSessionAttrs: try named.optionalText("targetSessionAttrs"),
            connectTimeoutMs: try named.optionalInteger("connectTimeoutMs", in: 1...900_000),
            cases: try CasePolicy.member(of: fields, place: named.place),
            builtin: try BuiltinPack.list(in: fields, place: named.place), sslcert: try named.optionalText("sslcert"),
            sslkey: try named.optionalText("sslkey"), channelBinding: try named.optionalText("channelBinding"))
        if let channelBinding, !Self.channelBindings.contains(channelBinding) {
            throw CatalogError(
                .invalid,
                "\(named.place): channelBinding \"\(channelBinding)\" is not one of \(Self.channelBindings.sorted())")
        }
        if (sslcert == nil) != (sslkey == nil) {
            throw CatalogError(.invalid, "\(named.place): sslcert and sslkey go together")
        }
        for (key, path) in [("sslrootcert", sslrootcert), ("sslcert", sslcert), ("sslkey", sslkey)] {
            if let path, path.isEmpty || path.contains("\u{0}") || path.split(separator: "/").contains("..") {
                throw CatalogError(.invalid, "\(named.place): \(key) must be a file path without \"..\"")
            }
        }
        if let sslmode, !Self.sslModes.contains(sslmode) {
            throw CatalogError(
                .invalid, "\(named.place): sslmode \"\(sslmode)\" is not one of \(Self.sslModes.sorted())")
        }
        if let targetSessionAttrs, !Self.sessionAttributes.contains(targetSessionAttrs) {
            throw CatalogError(
                .invalid,
                "\(named.place): targetSessionAttrs \"\(targetSessionAttrs)\" is not one of "
                    + "\(Self.sessionAttributes.sorted())")
        }
    }

    /// The connection pool's key: customers sharing servers, database, login, TLS and session kind share a
    /// connection.
    public var endpointKey: String {
        (hosts.map { "\($0.ip):\($0.port)" }
            + [
                database, user ?? "", effectiveSSLMode, sslrootcert ?? "", sslcert ?? "", sslkey ?? "",
                effectiveChannelBinding, secret ?? "", targetSessionAttrs ?? "",
            ])
            .joined(separator: "\u{0}")
    }

    // MARK: - TLS

    /// The `sslmode` the connection uses: the catalog's, else `verify-full`.
    public var effectiveSSLMode: String { sslmode ?? Self.defaultSSLMode }

    /// Whether the connection is always TLS (`require` and up): a password over it gets channel binding.
    public var requiresTLS: Bool { ["require", "verify-ca", "verify-full"].contains(effectiveSSLMode) }

    /// Whether the server's certificate is checked against a CA (`verify-ca`, `verify-full`).
    public var verifiesServer: Bool { ["verify-ca", "verify-full"].contains(effectiveSSLMode) }

    /// The `channel_binding` the connection uses: the catalog's, else `require` where the connection is TLS
    /// (`require` and up) and the login is a password, so that no server in the middle can ask for the password
    /// in clear or as MD5 and relay it; `prefer` (libpq's default) otherwise.
    public var effectiveChannelBinding: String {
        if let channelBinding { return channelBinding }
        return requiresTLS && (sslcert == nil || secret != nil) ? "require" : "prefer"
    }

    /// What the catalog weakened in this customer's TLS, each as a sentence for `synth` to warn with; empty when
    /// the connection is verified TLS with channel binding.
    public var tlsWarnings: [String] {
        var warnings: [String] = []
        switch effectiveSSLMode {
        case "disable", "allow", "prefer":
            warnings.append(
                "sslmode \(effectiveSSLMode): the connection may be plaintext, and the password with it")
        case "require":
            warnings.append("sslmode require: TLS without checking the server's certificate")
        case "verify-ca":
            warnings.append("sslmode verify-ca: the certificate is checked, not the server's name")
        default: break
        }
        if effectiveChannelBinding != "require" && sslcert == nil && effectiveSSLMode != "disable" {
            warnings.append(
                "channelBinding \(effectiveChannelBinding): a server in the middle may ask for the password")
        }
        return warnings
    }

    /// Why `opname` cannot name a customer: it goes into dimensions, alarm names, state machine definitions and
    /// log lines, so control characters and `${` (which CloudFormation's substitutions would read) are refused.
    static func opnameProblem(_ opname: String) -> String? {
        if opname.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "has a control character"
        }
        if opname.contains("${") { return "contains \"${\"" }
        if opname.utf8.count > 255 { return "is longer than 255 bytes" }
        return nil
    }
}

/// One variant of a named query.
public struct QueryDefinition: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var tags: [String]
    public var versions: [String]
    public var query: String
    public var cloudwatchDimension: String
    /// Column (or JSON field) name to CloudWatch unit; unnamed columns are `None`.
    public var units: [String: String]
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
        name: String, description: String? = nil, tags: [String] = [], versions: [String], query: String,
        cloudwatchDimension: String, units: [String: String] = [:], timeoutMs: Int? = nil, storageResolution: Int = 60,
        interval: Int? = nil, alarms: [AlarmSpec] = [], maxRows: Int = QueryDefinition.defaultMaxRows,
        builtin: BuiltinPack? = nil
    ) {
        self.name = name
        self.description = description
        self.tags = tags
        self.versions = versions
        self.query = query
        self.cloudwatchDimension = cloudwatchDimension
        self.units = units
        self.timeoutMs = timeoutMs
        self.maxRows = maxRows
        self.storageResolution = storageResolution
        self.interval = interval
        self.alarms = alarms
        self.builtin = builtin
    }

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
        if let dimension = try reader.optionalText("cloudwatchDimension"),
            let problem = Customer.opnameProblem(dimension)
        {
            throw CatalogError(.invalid, "\(reader.place): cloudwatchDimension \(problem)")
        }
        let versions = try reader.textList("versions")
        if requireVersions && versions.isEmpty {
            throw CatalogError(.invalid, "\(reader.place): versions must list at least one version")
        }
        var units: [String: String] = [:]
        if let value = fields["units"] {
            guard case .object(let map) = value else {
                throw CatalogError(.invalid, "\(reader.place): units must map column names to units")
            }
            for (column, unit) in map {
                guard case .string(let unit) = unit, PutMetricDataLimits.units.contains(unit) else {
                    throw CatalogError(.invalid, "\(reader.place): units.\(column) is not a CloudWatch unit")
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
            versions: versions, query: try reader.requiredText("query"),
            cloudwatchDimension: try reader.optionalText("cloudwatchDimension") ?? name, units: units,
            timeoutMs: timeout, storageResolution: resolution,
            interval: try CollectionInterval.validated(try reader.optionalNumber("interval"), place: reader.place),
            alarms: alarms,
            maxRows: try reader.optionalInteger("maxRows", in: 1...Self.maxRowsLimit) ?? Self.defaultMaxRows)
    }
}

/// Reads typed fields from a JSON object, with errors that say where.
struct FieldReader {
    let fields: JSONObject
    let place: String

    func requiredText(_ key: String) throws(CatalogError) -> String {
        guard let text = try optionalText(key), !text.isEmpty else {
            throw CatalogError(.invalid, "\(place): \(key) is missing or empty")
        }
        return text
    }

    func optionalText(_ key: String) throws(CatalogError) -> String? {
        guard let value = fields[key], value != .null else { return nil }
        guard let text = value.text else { throw CatalogError(.invalid, "\(place): \(key) must be a string") }
        return text
    }

    /// A finite number, given as a JSON number or as text (`"80"`); `NaN` and infinities are refused.
    func optionalNumber(_ key: String) throws(CatalogError) -> Double? {
        let value: Double
        switch fields[key] {
        case nil, .null?: return nil
        case .number(let number)?: value = number
        case .string(let text)?:
            guard let number = Double(text) else { throw CatalogError(.invalid, "\(place): \(key) must be a number") }
            value = number
        default: throw CatalogError(.invalid, "\(place): \(key) must be a number")
        }
        guard value.isFinite else { throw CatalogError(.invalid, "\(place): \(key) must be a finite number") }
        return value
    }

    /// A whole number in `range`, converted with a check: a value past `Int`'s range is an error, not a trap.
    func optionalInteger(_ key: String, in range: ClosedRange<Int>) throws(CatalogError) -> Int? {
        guard let value = try optionalNumber(key) else { return nil }
        guard let whole = Int(exactly: value), range.contains(whole) else {
            throw CatalogError(.invalid, "\(place): \(key) must be a whole number in \(range)")
        }
        return whole
    }

    func numberMap(_ key: String) throws(CatalogError) -> [String: Double] {
        guard let value = fields[key], value != .null else { return [:] }
        guard case .object(let map) = value else { throw CatalogError(.invalid, "\(place): \(key) must be an object") }
        let entries = FieldReader(fields: map, place: "\(place): \(key)")
        var result: [String: Double] = [:]
        for name in map.keys {
            guard let number = try entries.optionalNumber(name) else {
                throw CatalogError(.invalid, "\(place): \(key).\(name) must be a number")
            }
            result[name] = number
        }
        return result
    }

    func textList(_ key: String) throws(CatalogError) -> [String] {
        switch fields[key] {
        case nil, .null?: return []
        case .array(let items)?:
            var result: [String] = []
            for item in items {
                guard let text = item.text else { throw CatalogError(.invalid, "\(place): \(key) must list strings") }
                result.append(text)
            }
            return result
        default: throw CatalogError(.invalid, "\(place): \(key) must be a list")
        }
    }
}
