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
import Core
import JSON
import LambdaRuntime
import Logging
import MetricModel
import Testing

@testable import MetricsCollector
@testable import PostgresClient

#if canImport(Glibc)
    import Glibc
#endif

/// The defences of docs/security.md that are pure logic, as values: who may name a customer, what TLS a
/// connection asks libpq for, what of a PostgreSQL error leaves the function, which row names are the function's.
@Suite struct SecurityTests {
    static let catalog = Catalog(
        customers: [Customer(opname: "Plant A", host: "10.0.0.1", database: "ops", version: "1", secret: "plant-a")],
        queries: [QueryDefinition(name: "q", versions: ["1"], sql: "select 1 as one", cloudwatchDimension: "q")])

    static func context() -> LambdaContext {
        LambdaContext(
            requestID: "t", invokedFunctionARN: "", traceID: nil,
            deadline: Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + 5000), logger: Logger(label: "t"))
    }

    /// The error name a handler call fails with, or `nil`.
    static func refusal(_ handler: MetricsHandler, _ event: String) -> String? {
        do {
            _ = try handler.handle(Array(event.utf8), context: context())
            return nil
        } catch {
            return ErrorPayload(error).errorType
        }
    }

    @Test("an inline customer is refused by default, before any secret is read or any host is tried")
    func inlineCustomerRefused() {
        let handler = MetricsHandler(catalog: Self.catalog) { _, _ in
            Issue.record("a login was looked up")
            return nil
        }
        let event = #"{"customer": {"opname": "x", "ip": "127.0.0.2", "database": "d", "version": "1"}, "query": "q"}"#
        #expect(Self.refusal(handler, event) == "Event.InlineCustomerRefused")
    }

    @Test(
        "even where inline customers are allowed, one never carries a login or TLS setting, nor a catalog name",
        arguments: [
            #"{"opname": "x", "ip": "127.0.0.2", "database": "d", "version": "1", "secret": "plant-a"}"#,
            #"{"opname": "x", "ip": "127.0.0.2", "database": "d", "version": "1", "user": "postgres"}"#,
            #"{"opname": "x", "ip": "127.0.0.2", "database": "d", "version": "1", "sslmode": "disable"}"#,
            #"{"opname": "x", "ip": "127.0.0.2", "database": "d", "version": "1", "sslrootcert": "/etc/shadow"}"#,
            #"{"opname": "x", "ip": "127.0.0.2", "database": "d", "version": "1", "password": "p"}"#,
            #"{"opname": "Plant A", "ip": "127.0.0.2", "database": "d", "version": "1"}"#,
        ])
    func inlineCustomerLimits(customer: String) {
        let handler = MetricsHandler(catalog: Self.catalog, allowInlineCustomers: true) { _, _ in
            Issue.record("a login was looked up")
            return nil
        }
        #expect(Self.refusal(handler, #"{"customer": \#(customer), "query": "q"}"#) == "Event.InlineCustomerRefused")
    }

    @Test("an ip is one host: a comma (libpq's second host), a path (a Unix socket) or a space is refused")
    func hostNames() {
        for ip in ["10.0.0.1,evil.example", "/var/run/postgresql", "@abstract", "a b", "h\n", ""] {
            let json =
                #"{"customers": [{"opname": "c", "ip": \#(JSONText.quoted(ip)), "database": "d", "version": "1"}], "queries": []}"#
            #expect(throws: CatalogError.self, "\(ip)") { try Catalog(json: Array(json.utf8)) }
        }
        for ip in ["10.0.0.1", "db.plant.example", "::1", "fe80::1%eth0"] {
            let json =
                #"{"customers": [{"opname": "c", "ip": \#(JSONText.quoted(ip)), "database": "d", "version": "1"}], "queries": []}"#
            #expect((try? Catalog(json: Array(json.utf8))) != nil, "\(ip)")
        }
    }

    @Test("an opname or query name with a control character or ${ is refused (dimensions, state machines, logs)")
    func names() {
        for name in ["a\u{1B}[31m", "x${FunctionArn}", "line\nbreak"] {
            let customer =
                #"{"customers": [{"opname": \#(JSONText.quoted(name)), "ip": "h", "database": "d", "version": "1"}], "queries": []}"#
            #expect(throws: CatalogError.self) { try Catalog(json: Array(customer.utf8)) }
            let query =
                #"{"customers": [], "queries": [{"name": \#(JSONText.quoted(name)), "versions": ["1"], "query": "s"}]}"#
            #expect(throws: CatalogError.self) { try Catalog(json: Array(query.utf8)) }
        }
    }

    static func parameters(_ customer: Customer, login: DatabaseLogin? = DatabaseLogin(user: "u", password: "p"))
        -> [String: String]
    {
        let deadline = Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + 5000)
        let list = QueryRunner.parameters(
            customer, credentials: login, tls: PostgresTLS(defaultRootCertificates: "/bundle.pem"), deadline: deadline)
        return Dictionary(list, uniquingKeysWith: { _, last in last })
    }

    @Test("by default TLS is verify-full under the function's bundle, with channel binding required")
    func tlsDefault() {
        let values = Self.parameters(Customer(opname: "c", host: "h", database: "d", version: "1"))
        #expect(values["sslmode"] == "verify-full")
        #expect(values["sslrootcert"] == "/bundle.pem")
        #expect(values["channel_binding"] == "require")
        #expect(Customer(opname: "c", host: "h", database: "d", version: "1").tlsWarnings.isEmpty)
    }

    @Test("weaker TLS only where the catalog says so, each said in a warning; a customer's own CA wins")
    func tlsCatalog() {
        let plain = Customer(opname: "c", host: "h", database: "d", version: "1", sslmode: .disable)
        #expect(Self.parameters(plain)["sslmode"] == "disable")
        #expect(Self.parameters(plain)["sslrootcert"] == nil)
        #expect(Self.parameters(plain)["channel_binding"] == "prefer")
        #expect(plain.tlsWarnings.count == 1)
        let require = Customer(opname: "c", host: "h", database: "d", version: "1", sslmode: .require)
        #expect(Self.parameters(require)["channel_binding"] == "require")
        #expect(require.tlsWarnings == ["sslmode require: TLS without checking the server's certificate"])
        let ownCA = Customer(opname: "c", host: "h", database: "d", version: "1", sslrootcert: "/plant-ca.pem")
        #expect(Self.parameters(ownCA)["sslrootcert"] == "/plant-ca.pem")
        let fromSecret = Self.parameters(
            Customer(opname: "c", host: "h", database: "d", version: "1"),
            login: DatabaseLogin(user: "u", password: "p", sslcert: "/c.pem", sslkey: "/k.pem", sslrootcert: "/s.pem"))
        #expect(fromSecret["sslrootcert"] == "/s.pem" && fromSecret["sslcert"] == "/c.pem")
        // A password goes with the certificate: channel binding stays required.
        #expect(fromSecret["sslkey"] == "/k.pem" && fromSecret["channel_binding"] == "require")
        let certificateOnly = Self.parameters(
            Customer(opname: "c", host: "h", database: "d", version: "1", sslcert: "/c.pem", sslkey: "/k.pem"),
            login: nil
        )
        #expect(certificateOnly["channel_binding"] == "prefer")
        // With require, a CA the customer names is still given, so libpq checks the certificate against it.
        let requireWithCA = Customer(
            opname: "c", host: "h", database: "d", version: "1", sslmode: .require, sslrootcert: "/plant-ca.pem")
        #expect(Self.parameters(requireWithCA)["sslrootcert"] == "/plant-ca.pem")
        #expect(
            Self.parameters(require)["sslrootcert"] == nil, "the function's bundle only where verification is asked")
        let loose = Customer(
            opname: "c", host: "h", database: "d", version: "1", sslmode: .verifyFull, channelBinding: .prefer)
        #expect(Self.parameters(loose)["channel_binding"] == "prefer" && loose.tlsWarnings.count == 1)
    }

    @Test("an inline customer (tests) gets a password no one knows and no password file, never PGPASSWORD's")
    func inlineLogin() throws {
        let payload = try TaskPayload(
            json: Array(#"{"customer": {"opname": "x", "ip": "h", "database": "d", "version": "1"}}"#.utf8),
            allowInlineSQL: false, allowInlineCustomers: true)
        guard case .inline(let customer) = payload.customer else {
            Issue.record("not inline")
            return
        }
        let values = Self.parameters(customer, login: nil)
        #expect(values["password"]?.hasPrefix("unknown-") == true && values["passfile"] == "/dev/null")
        #expect(
            Self.parameters(Customer(opname: "c", host: "h", database: "d", version: "1"), login: nil)["password"]
                == nil)
    }

    @Test("a PEM from a secret is written once, to a file only this user can read")
    func pemFiles() throws {
        let pem = "-----BEGIN CERTIFICATE-----\ntest \(Deadline.nowEpochMilliseconds())\n-----END CERTIFICATE-----\n"
        let path = try #require(PEMFiles.path(for: pem))
        #expect(PEMFiles.path(for: pem) == path)
        #expect(path.hasPrefix(PEMFiles.directory))
        #expect(Self.mode(path) == 0o600 && Self.mode(PEMFiles.directory) == 0o700)
    }

    static func mode(_ path: String) -> UInt32 {
        var status = stat()
        guard stat(path, &status) == 0 else { return 0 }
        return UInt32(status.st_mode) & 0o777
    }

    @Test(
        "errors carry the server's primary message, never the statement, its literals or the server's source",
        arguments: [
            (
                "connection to server at \"10.0.0.5\", port 5432 failed: FATAL:  28P01: password authentication failed for user \"kpi\"\nLOCATION:  auth_failed, auth.c:334\n",
                "connection to server at \"10.0.0.5\", port 5432 failed: FATAL:  password authentication failed for user \"kpi\""
            ),
            (
                "connection to server at \"h\", port 5432 failed: could not read root certificate file \"/etc/secret/ca.pem\": No such file or directory",
                "connection to server at \"h\", port 5432 failed: could not read root certificate file (path hidden): No such file or directory"
            ),
            (
                "ERROR:  syntax error at or near \"x\"\nLINE 1: select * from t where api_key = 'LITERAL' x\n                                                  ^\n",
                "ERROR:  syntax error at or near \"x\""
            ),
            (
                "ERROR:  division by zero\nCONTEXT:  SQL statement \"select 1/0\nwhere secret = 'LITERAL'\"\nPL/pgSQL function f()",
                "ERROR:  division by zero"
            ),
            (
                "connection to server at \"a\", port 1 failed: Connection refused\n\tIs the server running?\nconnection to server at \"b\", port 2 failed: FATAL:  53300: too many clients\nDETAIL:  x",
                "connection to server at \"a\", port 1 failed: Connection refused\nconnection to server at \"b\", port 2 failed: FATAL:  too many clients"
            ),
        ])
    func diagnostics(raw: String, shown: String) {
        #expect(PostgresDiagnostics.connectMessage(raw) == shown)
        #expect(!PostgresError.connectFailure(raw).errorMessage.contains("auth.c"))
    }

    @Test("a row's column or key named Customer, Query or _aws is skipped with its reason; the function's own win")
    func reservedNames() {
        let mapper = RowMapper(
            customer: "Plant A",
            query: QueryDefinition(name: "q", versions: ["1"], sql: "s", cloudwatchDimension: "q"),
            nowMs: Deadline.nowEpochMilliseconds())
        let table = ResultTable(
            columns: [
                .init("Customer", .text), .init("Query", .text), .init("_aws", .number), .init("region", .text),
                .init("load", .number),
            ],
            rows: [["Plant B", "other", "1", "north", "5"]])
        let output = mapper.map(table)
        #expect(output.datapoints.count == 1)
        let point = output.datapoints[0]
        #expect(point.dimensions.filter { $0.name == "Customer" }.map(\.value) == ["Plant A"])
        #expect(point.dimensions.filter { $0.name == "Query" }.map(\.value) == ["q"])
        #expect(Set(output.skipped.map(\.name)) == ["Customer", "Query", "_aws"])
        let health = mapper.map(
            ResultTable(columns: [.init("row_to_json", .json)], rows: [[#"{"QuerySucceeded": 0, "QueryDuration": 1}"#]])
        )
        #expect(health.datapoints.isEmpty && health.skipped.count == 2)
        #expect(output.skipped.allSatisfy { $0.reason == RowMapper.reservedReason })

        let json = ResultTable(
            columns: [.init("row_to_json", .json)], rows: [[#"{"Customer": "Plant B", "_aws": {"x": 1}, "m": 2}"#]])
        let fromJSON = mapper.map(json)
        #expect(fromJSON.datapoints.map(\.name) == ["m"])
        #expect(fromJSON.datapoints[0].dimensions.filter { $0.name == "Customer" }.map(\.value) == ["Plant A"])
        #expect(Set(fromJSON.skipped.map(\.name)) == ["Customer", "_aws"])
    }
}
