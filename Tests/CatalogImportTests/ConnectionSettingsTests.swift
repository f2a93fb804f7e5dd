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

import Testing

@testable import CatalogImport

/// Connection strings as the tools write them, without their passwords.
@Suite struct ConnectionSettingsTests {
    @Test("libpq's key=value form, with quoted values; the password only noticed")
    func keywords() throws {
        let settings = try #require(
            ConnectionSettings(
                "host=db.example.com port=5433 dbname='my db' user=mon password='p a\\'ss' sslmode=require connect_timeout=5"
            ))
        #expect(settings.hosts == ["db.example.com"] && settings.port == 5433)
        #expect(settings.database == "my db" && settings.user == "mon" && settings.sslmode == "require")
        #expect(settings.hadPassword && settings.otherKeys == ["connect_timeout"])
        #expect(settings.scheme == nil && !settings.isUnixSocket)
    }

    @Test("URLs: user, password, hosts, port, database and parameters, percent-decoded")
    func url() throws {
        let settings = try #require(
            ConnectionSettings(
                "postgresql://app%40corp:s%3Acret@[fd00::7]:5434,db2/ops%2Dv1?sslmode=verify-full&application_name=x"))
        #expect(settings.scheme == "postgresql" && settings.user == "app@corp" && settings.hadPassword)
        #expect(settings.hosts == ["fd00::7", "db2"] && settings.port == 5434 && settings.database == "ops-v1")
        #expect(settings.sslmode == "verify-full" && settings.otherKeys == ["application_name"])
    }

    @Test(
        "Unix sockets: no host, or a host that is a folder",
        arguments: [
            "postgresql://postgres@/var/run/postgresql/foo?sslmode=disable", "host=/var/run/postgresql user=x",
            "dbname=ops",
        ])
    func sockets(text: String) throws {
        #expect(try #require(ConnectionSettings(text)).isUnixSocket)
    }

    @Test("a password written without percent-encoding stays in the user information: the last @ ends it")
    func unencodedPassword() throws {
        let settings = try #require(ConnectionSettings("postgres://telegraf:Pa/ss?w0rd@db3.example.com:5432/app"))
        #expect(settings.user == "telegraf" && settings.hadPassword)
        #expect(settings.hosts == ["db3.example.com"] && settings.port == 5432 && settings.database == "app")
        #expect(settings.otherKeys.isEmpty)
        let hash = try #require(ConnectionSettings("postgres://telegraf:Pa#ss@db4.example.com/app?sslmode=require"))
        #expect(hash.user == "telegraf" && hash.hosts == ["db4.example.com"] && hash.database == "app")
        #expect(hash.sslmode == "require")
        let inQuery = try #require(ConnectionSettings("postgres://u:p@h/db?application_name=a@b&sslmode=disable"))
        #expect(inQuery.hosts == ["h"] && inQuery.database == "db" && inQuery.sslmode == "disable")
    }

    @Test(
        "a URL whose port is not a number, or that cannot be parsed, is refused",
        arguments: [
            "postgres://u:se@cret@h:x5432/db", "postgres://u@h:/db", "postgres://u@[fd00::1/db",
            "postgres://h:99999999999/db",
        ])
    func badPort(text: String) {
        #expect(ConnectionSettings(text) == nil)
    }

    @Test("an empty URL parameter (`&=`, `?=`, `&&`) is skipped")
    func emptyParameters() throws {
        let settings = try #require(ConnectionSettings("postgres://u@h/db?sslmode=require&=&&=x"))
        #expect(settings.sslmode == "require" && settings.otherKeys.isEmpty)
        #expect(try #require(ConnectionSettings("postgres://u@h/db?=")).database == "db")
    }

    @Test("the report names settings keys only when they look like libpq's keywords, never a value")
    func reportNeverShowsPassword() throws {
        let importer = CatalogImporter(format: .telegraf, versions: ["1"], files: LocalFiles())
        let text = """
            [[inputs.postgresql_extensible]]
              address = "postgres://telegraf:Pa/ss?w0rd@db3.example.com:5432/app"
            [[inputs.postgresql_extensible]]
              address = "host=db6 user=u dbname=app PASSWORD=CapsSecret Pass?w0rd=x"
            """
        let catalog = try importer.run([ImportSource(path: "t.conf", text: text)])
        #expect(catalog.customers.map(\.opname) == ["db3.example.com", "db6"])
        #expect(catalog.customers.map(\.database) == ["app", "app"])
        let report = catalog.notes.map(\.description).joined(separator: "\n")
        for secret in ["w0rd", "Pa/ss", "CapsSecret", "PASSWORD", "Pass"] {
            #expect(!report.contains(secret), "\(secret)")
        }
        #expect(report.contains("2 connection settings whose name is not a libpq keyword"))
        let refused = ImportSource(
            path: "t.conf", text: "[[inputs.postgresql_extensible]]\n  address = \"postgres://u:Top@Secret@h:5x/db\"\n")
        #expect {
            try importer.run([refused])
        } throws: { error in
            guard let message = (error as? ImportError)?.message else { return false }
            return !message.contains("Secret") && !message.contains("Top") && !message.contains("5x")
        }
    }

    @Test("text that is neither form")
    func neither() {
        #expect(ConnectionSettings("host = 'unterminated") == nil)
        #expect(ConnectionSettings("just words") == nil)
    }
}
