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
            note(
                file, place,
                "host \"\(settings.hosts.joined(separator: ","))\" is not a host name or address: no customer imported")
            return
        }
        let host = settings.hosts[0]
        let opname =
            name ?? (settings.port.map { $0 == 5432 ? host : "\(host):\($0)" } ?? host)
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
                "sslmode \(sslmode) is not one of libpq's (\(sslModes.joined(separator: ", "))); not carried over, "
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
        if !settings.otherKeys.isEmpty {
            note(
                file, place,
                "connection settings \(settings.otherKeys.joined(separator: ", ")): no catalog equivalent; not "
                    + "carried over")
        }
        add(customer, file: file, place: place)
    }
}
