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
    public var sslmode: SSLMode?
    /// The CA certificates (a PEM file) that verify the server; `nil` is the function's default bundle.
    public var sslrootcert: String?
    /// A client certificate and its key (PEM files), for servers that require one (`cert` in `pg_hba.conf`).
    public var sslcert: String?
    public var sslkey: String?
    /// libpq's `channel_binding`; `nil` is `require` whenever the connection is verified TLS without a client
    /// certificate (``effectiveChannelBinding``).
    public var channelBinding: ChannelBinding?
    /// Which kind of server to settle on among ``hosts``, libpq's `target_session_attrs`; `nil` is `any`.
    public var targetSessionAttrs: TargetSessionAttributes?
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
    /// When its alarms send nothing, carried out by the stack (``MaintenanceWindow``).
    public var maintenance: [MaintenanceWindow] = []
    /// Dimensions on every metric of the customer (`"dimensions": {"env": "prod"}`), sorted by name.
    public var dimensions: [Dimension] = []
    /// The databases its `eachDatabase` queries run in; `nil`: its `database` alone.
    public var databases: DatabaseSelection?

    /// The keys a customer's entry may have (catalog.schema.json lists the same).
    static let keys = [
        "opname", "ip", "hosts", "port", "database", "version", "threshold", "thresholds", "user", "secret",
        "sslmode", "sslrootcert", "sslcert", "sslkey", "channelBinding", "targetSessionAttrs", "connectTimeoutMs",
        "interval", "cases", "builtin", "maintenance", "dimensions", "databases", "excludeDatabases",
    ]
    /// Keys people bring from connection strings and other tools, and where their value belongs.
    static let keyHints = [
        "password": "a password never goes in the catalog: put the login in a Secrets Manager secret and name it "
            + "with \"secret\" (docs/catalog.md#logins)",
        "host": "one server is \"ip\" (a host name or an address), several are \"hosts\"",
        "dbname": "did you mean \"database\"?", "username": "did you mean \"user\"? (or a \"secret\" with the login)",
    ]

    /// The TLS mode of a customer whose entry names none: the server's certificate and name verified.
    public static let defaultSSLMode = SSLMode.verifyFull

    public init(
        opname: String, host: String, port: Int = 5432, database: String, version: String, threshold: Double? = nil,
        user: String? = nil, sslmode: SSLMode? = nil, sslrootcert: String? = nil, secret: String? = nil,
        interval: Int? = nil, thresholds: [String: Double] = [:], hosts: [HostAddress]? = nil,
        targetSessionAttrs: TargetSessionAttributes? = nil, connectTimeoutMs: Int? = nil,
        cases: CasePolicy = CasePolicy(),
        builtin: [BuiltinPack] = [], sslcert: String? = nil, sslkey: String? = nil,
        channelBinding: ChannelBinding? = nil
    ) {
        self.opname = opname
        self.hosts = hosts ?? [HostAddress(host: host, port: port)]
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

    /// The first host.
    public var host: String { hosts[0].host }
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
        try named.refuseUnknownKeys(Self.keys, hints: Self.keyHints)
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
            opname: opname, host: ip, port: port,
            database: try named.requiredText("database"),
            version: try named.requiredText("version"), threshold: try named.optionalNumber("threshold"),
            user: try named.optionalText("user"), sslmode: try named.optionalChoice("sslmode", SSLMode.self),
            sslrootcert: try named.optionalText("sslrootcert"), secret: try named.optionalText("secret"),
            interval: try CollectionInterval.validated(try named.optionalNumber("interval"), place: named.place),
            thresholds: try named.numberMap("thresholds"), hosts: hosts,
            targetSessionAttrs: try named.optionalChoice("targetSessionAttrs", TargetSessionAttributes.self),
            connectTimeoutMs: try named.optionalInteger("connectTimeoutMs", in: 1...900_000),
            cases: try CasePolicy.member(of: fields, place: named.place),
            builtin: try BuiltinPack.list(in: fields, place: named.place), sslcert: try named.optionalText("sslcert"),
            sslkey: try named.optionalText("sslkey"),
            channelBinding: try named.optionalChoice("channelBinding", ChannelBinding.self))
        maintenance = try MaintenanceWindow.list(in: fields, place: named.place)
        dimensions = try ConstantDimensions.read("dimensions", in: fields, place: named.place)
        databases = try DatabaseSelection.read(in: fields, place: named.place)
        if (sslcert == nil) != (sslkey == nil) {
            throw CatalogError(.invalid, "\(named.place): sslcert and sslkey go together")
        }
        for (key, path) in [("sslrootcert", sslrootcert), ("sslcert", sslcert), ("sslkey", sslkey)] {
            if let path, path.isEmpty || path.contains("\u{0}") || path.split(separator: "/").contains("..") {
                throw CatalogError(.invalid, "\(named.place): \(key) must be a file path without \"..\"")
            }
        }
    }

    /// The connection pool's key: customers sharing servers, database, login, TLS and session kind share a
    /// connection.
    public var endpointKey: String {
        (hosts.map { "\($0.host):\($0.port)" }
            + [
                database, user ?? "", effectiveSSLMode.rawValue, sslrootcert ?? "", sslcert ?? "", sslkey ?? "",
                effectiveChannelBinding.rawValue, secret ?? "", targetSessionAttrs?.rawValue ?? "",
            ])
            .joined(separator: "\u{0}")
    }

    // MARK: - TLS

    /// The `sslmode` the connection uses: the catalog's, else `verify-full`.
    public var effectiveSSLMode: SSLMode { sslmode ?? Self.defaultSSLMode }

    /// Whether the connection is always TLS (`require` and up): a password over it gets channel binding.
    public var requiresTLS: Bool { effectiveSSLMode.requiresTLS }

    /// Whether the server's certificate is checked against a CA (`verify-ca`, `verify-full`).
    public var verifiesServer: Bool { effectiveSSLMode.verifiesServer }

    /// The `channel_binding` the connection uses: the catalog's, else `require` where the connection is TLS
    /// (`require` and up) and the login is a password, so that no server in the middle can ask for the password
    /// in clear or as MD5 and relay it; `prefer` (libpq's default) otherwise.
    public var effectiveChannelBinding: ChannelBinding {
        if let channelBinding { return channelBinding }
        return requiresTLS && (sslcert == nil || secret != nil) ? .require : .prefer
    }

    /// What the catalog weakened in this customer's TLS, each as a sentence for `synth` to warn with; empty when
    /// the connection is verified TLS with channel binding.
    public var tlsWarnings: [String] {
        var warnings: [String] = []
        switch effectiveSSLMode {
        case .disable, .allow, .prefer:
            warnings.append(
                "sslmode \(effectiveSSLMode.rawValue): the connection may be plaintext, and the password with it")
        case .require:
            warnings.append("sslmode require: TLS without checking the server's certificate")
        case .verifyCA:
            warnings.append("sslmode verify-ca: the certificate is checked, not the server's name")
        case .verifyFull: break
        }
        if effectiveChannelBinding != .require && sslcert == nil && effectiveSSLMode != .disable {
            warnings.append(
                "channelBinding \(effectiveChannelBinding.rawValue): a server in the middle may ask for the password")
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
