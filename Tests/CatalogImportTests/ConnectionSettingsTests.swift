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

    @Test("text that is neither form")
    func neither() {
        #expect(ConnectionSettings("host = 'unterminated") == nil)
        #expect(ConnectionSettings("just words") == nil)
    }
}
