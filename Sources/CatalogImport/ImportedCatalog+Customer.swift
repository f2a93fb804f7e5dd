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

extension ImportedCatalog {
    /// Adds the customer that `settings` describe, without the password, and says in the report what the catalog
    /// does not take from them; says why there is no customer when the settings cannot make one (a Unix socket, a
    /// host the catalog refuses).
    ///
    /// - Parameters:
    ///   - name: the tool's name for the connection (a sql_exporter target); the host otherwise.
    ///   - tool: the tool, as the report names it.
    ///   - toolSSLMode: what the tool connects with when the settings name no `sslmode`.
    mutating func addCustomer(
        _ settings: ConnectionSettings, name: String?, version: String, interval: Int? = nil,
        dimensions: [String: String] = [:], tool: String, toolSSLMode: String, file: String, place: String
    ) {
        if settings.isUnixSocket {
            let shown = settings.hosts.first.map { "\"\($0)\"" } ?? "no host, so libpq's default socket"
            note(
                file, place,
                "connects through a Unix socket (\(shown)); the function connects over TCP: no customer imported, "
                    + "add it with the server's host name as \"ip\"")
            return
        }
        let validHost: (String) -> Bool = { host in
            !host.isEmpty && host.utf8.count <= 253
                && !host.unicodeScalars.contains { $0 == "," || $0 == "/" || $0.value <= 0x20 || $0.value == 0x7F }
        }
        guard settings.hosts.allSatisfy(validHost) else {
            // The host is not shown: text that is no host may be a piece of a mistyped password.
            note(file, place, "the host is not a host name or address: no customer imported")
            return
        }
        if let port = settings.port, !(1...65535).contains(port) {
            note(file, place, "port \(port) is not a port number (1-65535): no customer imported")
            return
        }
        let host = settings.hosts[0]
        let byHost = settings.port.map { $0 == 5432 ? host : "\(host):\($0)" } ?? host
        var opname = name ?? byHost
        if let problem = Self.opnameProblem(opname) {
            guard Self.opnameProblem(byHost) == nil else {
                note(file, place, "the host cannot name a customer (it \(problem)): no customer imported")
                return
            }
            note(
                file, place,
                "the name cannot be a customer's opname (it \(problem)); named by its host, \"\(byHost)\", instead")
            opname = byHost
        }
        var dimensions = dimensions
        if dimensions.count > ConstantDimensionRules.maximum {
            let kept = dimensions.keys.sorted().prefix(ConstantDimensionRules.maximum)
            let dropped = dimensions.keys.sorted().dropFirst(ConstantDimensionRules.maximum)
            dimensions = dimensions.filter { kept.contains($0.key) }
            note(
                file, place,
                "more than \(ConstantDimensionRules.maximum) dimensions (the catalog's limit): "
                    + "\(dropped.joined(separator: ", ")) not carried over")
        }
        var database = settings.database ?? ""
        if database.isEmpty {
            database = settings.user ?? "postgres"
            note(
                file, place,
                "names no database: libpq's default, the user's name, is \"\(database)\" (the catalog needs one)")
        }
        var customer = ImportedCustomer(
            opname: opname, hosts: settings.hosts, port: settings.port == 5432 ? nil : settings.port,
            database: database, version: version)
        customer.user = settings.user
        customer.sslmode = settings.sslmode
        customer.sslrootcert = settings.sslrootcert
        customer.sslcert = settings.sslcert
        customer.sslkey = settings.sslkey
        customer.interval = interval
        customer.dimensions = dimensions
        let login =
            settings.hadPassword
            ? "the password is not carried over (a password never goes in the catalog)"
            : "no password carried over"
        note(
            file, place,
            "\(login): put the login in a Secrets Manager secret ({\"username\": ..., \"password\": ...}) and name it "
                + "with \"secret\" in customer \"\(opname)\"")
        let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
        if let sslmode = settings.sslmode, !sslModes.contains(sslmode) {
            customer.sslmode = nil
            note(
                file, place,
                "sslmode \(ConnectionSettings.isReportableKey(sslmode) ? sslmode + " " : "")is not one of libpq's (\(sslModes.joined(separator: ", "))); not carried over, "
                    + "the catalog's default is verify-full")
        } else if let sslmode = settings.sslmode {
            if sslmode != "verify-full" {
                note(
                    file, place,
                    "sslmode \(sslmode) is carried over: synth warns about it; verify-full checks the server's "
                        + "certificate and name")
            }
        } else {
            note(
                file, place,
                "no sslmode: \(tool) connected with \(toolSSLMode), the catalog's default is verify-full (the "
                    + "server's certificate checked against a CA): give \"sslmode\" where the server has no such "
                    + "certificate")
        }
        // Only keys that look like libpq's keywords are named: anything else may be a piece of a password.
        let named = settings.otherKeys.filter(ConnectionSettings.isReportableKey)
        if !named.isEmpty {
            note(
                file, place,
                "connection settings \(named.joined(separator: ", ")): no catalog equivalent; not carried over")
        }
        let unnamed = settings.otherKeys.count - named.count
        if unnamed > 0 {
            note(
                file, place,
                "\(unnamed) connection \(unnamed == 1 ? "setting" : "settings") whose name is not a libpq keyword "
                    + "(not shown: it may hold a password); not carried over")
        }
        add(customer, file: file, place: place)
    }

    /// Why `opname` cannot name a customer, as the catalog decides it (CatalogModel's `Customer.opnameProblem`,
    /// and an opname is required): it goes into dimensions, alarm names and state machine definitions.
    static func opnameProblem(_ opname: String) -> String? {
        if opname.isEmpty { return "is empty" }
        if opname.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "has a control character"
        }
        if opname.contains("${") { return "contains \"${\"" }
        if opname.utf8.count > 255 { return "is longer than 255 bytes" }
        return nil
    }
}
