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

import AWSClients
import CatalogModel
import Core
import JSON
import LambdaRuntime
import MetricModel
import Testing

@testable import MetricsCollector
@testable import PostgresClient

/// Regressions for what review and fuzzing found: each of these ended the process, lost a metric or split a
/// series before its fix.
@Suite struct HostileInputTests {
    static func catalog(alarm: String) -> String {
        #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "alarms": [{"metric": "m", "#
            + alarm
            + "}]}]}"
    }

    @Test(
        "a huge or non-finite number in a catalog is Catalog.Invalid naming the entry, never a trap",
        arguments: [
            #""datapointsToAlarm": 9999999999999999994"#, #""periods": -9999999999999999999"#,
            #""period": 1e300"#, #""periods": "nan""#, #""period": "inf""#, #""threshold": "-inf""#,
            #""threshold": 1e400"#,
        ])
    func hugeNumbersInAlarms(field: String) {
        let error = #expect(throws: CatalogError.self) { try Catalog(json: Array(Self.catalog(alarm: field).utf8)) }
        #expect(error?.code == .invalid)
        // The entry by its place, or (for a number JSON itself cannot hold) the line and column where it is.
        let message = error?.message ?? ""
        #expect(
            message.contains("queries[0]") || message.contains("number out of range at line 1, column "), "\(message)")
    }

    @Test(
        "timeoutMs, storageResolution and interval are checked whole numbers",
        arguments: [
            #""timeoutMs": "nan""#, #""timeoutMs": 1e19"#, #""timeoutMs": 0.5"#, #""storageResolution": "nan""#,
            #""storageResolution": 1e30"#, #""interval": "nan""#, #""interval": 1e30"#,
        ])
    func queryNumbers(field: String) {
        let json = #"{"customers": [], "queries": [{"name": "q", "versions": ["1"], "query": "s", "# + field + "}]}"
        let error = #expect(throws: CatalogError.self) { try Catalog(json: Array(json.utf8)) }
        #expect(error?.code == .invalid)
    }

    @Test("the same numbers in an inline query are Event.Invalid, and the function goes on")
    func hugeNumbersInline() {
        let json =
            #"{"customer": "c", "query": {"name": "q", "query": "select 1", "timeoutMs": "nan", "#
            + #""alarms": [{"metric": "m", "datapointsToAlarm": 9999999999999999994}]}}"#
        let error = #expect(throws: CatalogError.self) { try TaskPayload(json: Array(json.utf8), allowInlineSQL: true) }
        #expect(error?.errorType == "Event.Invalid")
    }

    @Test("a number past Double's range is refused by the parser, not read as infinity")
    func outOfRange() throws {
        for text in ["1e400", "-1e400", "[1e309]", #"{"a": 123456789e305}"#] {
            let error = #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
            #expect(error?.message == "number out of range", "\(text)")
        }
        #expect(try JSONValue.parse(Array("1e-400".utf8)) == .number(0))
        #expect(try JSONValue.parse(Array("1.7976931348623157e308".utf8)) == .number(.greatestFiniteMagnitude))
    }

    @Test("object keys are compared by their scalars: two spellings of é are two keys")
    func keysByScalars() throws {
        guard case .object(let fields) = try JSONValue.parse(Array(#"{"\u00e9": 1, "e\u0301": 2}"#.utf8)) else {
            Issue.record("not an object")
            return
        }
        #expect(fields.count == 2)
        #expect(fields["\u{e9}"] == .number(1))
        #expect(fields["e\u{301}"] == .number(2))
    }

    @Test("a row_to_json row with both spellings keeps both metrics")
    func rowKeepsBothSpellings() {
        let mapper = RowMapper(
            customer: "c", query: QueryDefinition(name: "q", versions: ["1"], sql: "", cloudwatchDimension: "q"),
            nowMs: 1_790_000_000_000)
        let table = ResultTable(columns: [.init("row_to_json", .json)], rows: [[#"{"\u00e9": 1, "e\u0301": 2}"#]])
        let output = mapper.map(table)
        #expect(output.datapoints.map(\.value).sorted() == [1, 2])
        #expect(Set(output.datapoints.map { Array($0.name.utf8) }).count == 2)
    }

    @Test("money is read as PostgreSQL writes it in the C locale")
    func money() {
        #expect(RowMapper.money("$1,234.50") == 1234.5)
        #expect(RowMapper.money("-$1,234.50") == -1234.5)
        #expect(RowMapper.money("$0.07") == 0.07)
        #expect(RowMapper.money("-$92,233,720,368,547,758.08") == -92_233_720_368_547_758.08)
        for other in ["1.234,50 €", "$", "$1.", "", "$,1", "$1.2.3", "($5.00)", "€5"] {
            #expect(RowMapper.money(other) == nil, "\(other)")
        }
        let mapper = RowMapper(
            customer: "c", query: QueryDefinition(name: "q", versions: ["1"], sql: "", cloudwatchDimension: "q"),
            nowMs: 1_790_000_000_000)
        let table = ResultTable(columns: [.init("revenue", .money)], rows: [["$1,234.50"]])
        #expect(mapper.map(table).datapoints.map(\.value) == [1234.5])
        #expect(ColumnKind(typeOID: 790) == .money)
    }

    @Test(
        "a dimension CloudWatch refuses skips its row's metrics with the reason; the other rows are published",
        arguments: [
            ("Zürich", "not ASCII"), ("São Paulo", "not ASCII"), ("tab\there", "control character"),
            ("   ", "blank"), ("bell\u{7}", "control character"),
        ])
    func refusedDimension(value: String, reason: String) {
        let mapper = RowMapper(
            customer: "c", query: QueryDefinition(name: "q", versions: ["1"], sql: "", cloudwatchDimension: "q"),
            nowMs: 1_790_000_000_000)
        let table = ResultTable(
            columns: [.init("site", .text), .init("load", .number)], rows: [[value, "1"], ["Geneva", "2"]])
        let output = mapper.map(table)
        #expect(output.datapoints.map(\.value) == [2])
        #expect(output.skipped.count == 1)
        #expect(output.skipped.first?.reason.contains(reason) == true, "\(output.skipped)")
    }

    @Test("a failed query's health series is the one its successes go to: the query's cloudwatchDimension")
    func healthDimension() throws {
        let catalog = Catalog(
            customers: [Customer(opname: "c", host: "h", database: "d", version: "1")],
            queries: [QueryDefinition(name: "open-alarms", versions: ["1"], sql: "s", cloudwatchDimension: "alarms")])
        let handler = MetricsHandler(catalog: catalog)
        let customer = catalog.customers[0]
        #expect(handler.healthDimension(.named("open-alarms"), customer: customer) == "alarms")
        #expect(handler.healthDimension(.named("unknown"), customer: customer) == "unknown")
        // A customer of a version the query has no variant for still reports on the query's series.
        let other = Customer(opname: "o", host: "h", database: "d", version: "2")
        #expect(handler.healthDimension(.named("open-alarms"), customer: other) == "alarms")
        let inline = QueryDefinition(name: "x", versions: [], sql: "s", cloudwatchDimension: "inline-kpi")
        #expect(handler.healthDimension(.inline(inline), customer: customer) == "inline-kpi")
    }

    @Test(
        "a refused login is told by its SQLSTATE in any language; anything else is a failure to connect",
        arguments: [
            (
                #"connection to server at "10.0.0.5", port 5432 failed: FATAL:  28P01: Passwort-Authentifizierung für Benutzer „kpi“ fehlgeschlagen"#,
                "Postgres.AuthFailed"
            ),
            (
                #"connection to server at "h", port 5432 failed: FATAL:  28000: no pg_hba.conf entry for host "10.0.0.9""#,
                "Postgres.AuthFailed"
            ),
            (
                #"connection to server at "h", port 5432 failed: ERROR FATAL:  28000: le rôle « x » n'existe pas"#,
                "Postgres.AuthFailed"
            ),
            (
                #"connection to server at "h", port 5432 failed: Connection refused"#, "Postgres.ConnectFailed"
            ),
            (
                #"connection to server at "h", port 5432 failed: FATAL:  3D000: database "x" does not exist"#,
                "Postgres.ConnectFailed"
            ),
        ])
    func connectFailures(message: String, name: String) {
        #expect(PostgresError.connectFailure(message).errorType == name)
    }
}
