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
import MetricModel
import Testing

@testable import MetricsCollector
@testable import PostgresClient

@Suite struct RowMapperTests {
    let now: Int64 = 1_790_000_000_000
    func mapper(units: [String: MetricUnit] = [:], resolution: Int = 60) -> RowMapper {
        RowMapper(
            customer: "Customer 1",
            query: QueryDefinition(
                name: "q", versions: ["1"], sql: "", cloudwatchDimension: "kpi", units: units,
                storageResolution: resolution),
            nowMs: now)
    }
    let base = [Dimension("Customer", "Customer 1"), Dimension("Query", "kpi")]

    /// Issue 28: sql_exporter's static_labels and metric_name.
    @Test("the catalog's dimensions come after Customer and Query; a column publishes under its metricName")
    func constantDimensionsAndNames() {
        var query = QueryDefinition(
            name: "q", versions: ["1"], sql: "", cloudwatchDimension: "kpi", units: ["xact_commit": .count])
        query.metricNames = ["xact_commit": "commits"]
        let mapper = RowMapper(
            customer: "Customer 1", query: query, nowMs: now,
            constantDimensions: [Dimension("env", "prod"), Dimension("region", "north")])
        let output = mapper.map(
            ResultTable(columns: [.init("db", .text), .init("xact_commit", .number)], rows: [["ops", "7"]]))
        #expect(
            output.datapoints == [
                Datapoint(
                    name: "commits", value: 7, unit: .count,
                    dimensions: base + [
                        Dimension("env", "prod"), Dimension("region", "north"), Dimension("db", "ops"),
                    ],
                    timestampMs: now)
            ])
        // A column named like a dimension the catalog sets would make a second one: its row is skipped, said why.
        let clash = mapper.map(
            ResultTable(columns: [.init("env", .text), .init("xact_commit", .number)], rows: [["dev", "7"]]))
        #expect(
            clash.datapoints.isEmpty && clash.skipped.first?.reason.contains("a dimension the catalog sets") == true)
    }

    /// Issue 29: what no alarm reads goes to the log only.
    @Test("a log field is marked log-only, under its published name; an alarm on it makes it a metric again")
    func logFields() {
        var query = QueryDefinition(
            name: "q", versions: ["1"], sql: "", cloudwatchDimension: "kpi", alarms: [AlarmSpec(metric: "lag")])
        query.metricNames = ["xact_commit": "commits"]
        query.logFields = ["commits", "lag"]
        let output = RowMapper(customer: "Customer 1", query: query, nowMs: now).map(
            ResultTable(
                columns: [.init("xact_commit", .number), .init("lag", .number), .init("size", .number)],
                rows: [["7", "2", "9"]]))
        #expect(output.datapoints.map(\.name) == ["commits", "lag", "size"])
        #expect(output.datapoints.map(\.logOnly) == [true, false, false])
        #expect(MetricsHandler.datum(output.datapoints[0]).logOnly)
    }

    /// Issue 28: a statement's text is long and not ASCII: a dimension would skip its row.
    @Test("a text field the query logs is no dimension: it goes with the row's dimensions to the log")
    func logText() {
        var query = QueryDefinition(name: "q", versions: ["1"], sql: "", cloudwatchDimension: "kpi")
        query.logText = ["query_text"]
        let output = RowMapper(customer: "Customer 1", query: query, nowMs: now).map(
            ResultTable(
                columns: [.init("row_to_json", .json)],
                rows: [[#"{"rank": "1", "calls": 3, "query_text": "SELECT größe\nFROM t"}"#]]))
        #expect(output.skipped.isEmpty)
        #expect(output.datapoints.map(\.dimensions) == [base + [Dimension("rank", "1")]])
        #expect(
            output.texts == [
                RowMapper.LoggedText(
                    dimensions: base + [Dimension("rank", "1")],
                    fields: [Dimension("query_text", "SELECT größe\nFROM t")])
            ])
    }

    @Test("intervals are seconds; a timestamp column not named timestamp is skipped with its reason (issue 30)")
    func intervalsAndOtherTimes() {
        let table = ResultTable(
            columns: [.init("wait", .interval), .init("started_at", .timestamp), .init("n", .number)],
            rows: [["P1DT2H3M4.5S", "2026-01-01 00:00:00+00", "1"], [nil, nil, "2"]])
        let output = mapper().map(table)
        #expect(output.datapoints.map(\.name) == ["wait", "n", "n"])
        #expect(output.datapoints.first?.value == 93_784.5)
        #expect(
            output.skipped == [
                SkippedValue(name: "started_at", row: nil, reason: RowMapper.otherTimestampReason),
                SkippedValue(name: "wait", row: 1, reason: "null"),
            ])
        for (text, seconds) in [
            ("PT0S", 0.0), ("-PT1S", -1), ("P1Y2M", 365.25 * 86_400 + 60 * 86_400), ("PT-5M", -300),
            ("P2W", 14 * 86_400),
            ("P1DT-1H", 82_800),
        ] {
            #expect(RowMapper.intervalSeconds(text) == seconds, "\(text)")
        }
        for text in ["", "P", "PT", "1 day", "P1H", "PT1D", "P1.5.5D", "PTS"] {
            #expect(RowMapper.intervalSeconds(text) == nil, "\(text)")
        }
    }

    @Test("the row_to_json form: numeric fields are metrics, booleans 0/1, strings dimensions, NaN skipped")
    func jsonForm() {
        let table = ResultTable(
            columns: [.init("row_to_json", .json)],
            rows: [[#"{"test_metric": 5.5, "up": true, "region": "north", "bad": "NaN", "gone": null}"#]])
        let output = mapper(units: ["test_metric": .percent]).map(table)
        let dims = base + [Dimension("region", "north")]
        #expect(
            output.datapoints == [
                Datapoint(name: "test_metric", value: 5.5, unit: .percent, dimensions: dims, timestampMs: now),
                Datapoint(name: "up", value: 1, dimensions: dims, timestampMs: now),
            ])
        #expect(
            output.skipped == [
                SkippedValue(name: "bad", row: 0, reason: "NaN"), SkippedValue(name: "gone", row: 0, reason: "null"),
            ])
    }

    @Test("plain columns: numbers are metrics, text columns dimensions, booleans 0/1, several rows several datapoints")
    func plainColumns() {
        let table = ResultTable(
            columns: [.init("region", .text), .init("sessions", .number), .init("healthy", .boolean)],
            rows: [["north", "12", "t"], ["south", "7", "f"]])
        let output = mapper(resolution: 1).map(table)
        #expect(output.datapoints.count == 4)
        #expect(
            output.datapoints[0]
                == Datapoint(
                    name: "sessions", value: 12, dimensions: base + [Dimension("region", "north")],
                    timestampMs: now, storageResolution: 1))
        #expect(output.datapoints[3].value == 0)
        #expect(output.datapoints[3].dimensions.last == Dimension("region", "south"))
    }

    @Test("NULL, NaN and infinities are skipped with the reason, never sent on")
    func unsendable() {
        let table = ResultTable(
            columns: [.init("a", .number), .init("b", .number), .init("c", .number), .init("d", .number)],
            rows: [[nil, "NaN", "Infinity", "-Infinity"]])
        let output = mapper().map(table)
        #expect(output.datapoints.isEmpty)
        #expect(output.skipped.map(\.reason) == ["null", "NaN", "infinite", "infinite"])
    }

    @Test("values CloudWatch would reject: huge ones skipped, tiny ones sent as 0")
    func cloudWatchRange() {
        let table = ResultTable(
            columns: [.init("huge", .number), .init("tiny", .number)], rows: [["1e200", "1e-200"]])
        let output = mapper().map(table)
        #expect(output.datapoints.map(\.value) == [0])
        #expect(output.skipped.first?.name == "huge")
        #expect(RowMapper.problem(with: 0x1p361) != nil)
        #expect(RowMapper.problem(with: 0x1p359) == nil)
    }

    @Test("a timestamptz column named timestamp sets the time; outside CloudWatch's window it is skipped")
    func timestamps() {
        let table = ResultTable(
            columns: [.init("timestamp", .timestamp), .init("v", .number)],
            rows: [["2026-09-21 14:00:00.5+00", "1"], ["2020-01-01 00:00:00+00", "2"]])
        let output = mapper().map(table)
        #expect(output.datapoints.map(\.timestampMs) == [1_789_999_200_500])
        #expect(output.skipped.first?.reason.contains("window") == true)
    }

    @Test(
        "PostgreSQL's timestamp text forms parse to epoch ms",
        arguments: [
            ("2026-09-21 14:13:20+00", 1_790_000_000_000), ("2026-09-21T14:13:20.123+00:00", 1_790_000_000_123),
            ("2026-09-21 16:13:20.1+02", 1_790_000_000_100), ("2026-09-21T14:13:20Z", 1_790_000_000_000),
            ("2026-09-21 09:13:20-0500", 1_790_000_000_000),
        ] as [(String, Int64)])
    func parsesTimestamps(text: String, expected: Int64) {
        #expect(RowMapper.parseTimestamp(text) == expected)
    }

    @Test("a NULL or empty dimension skips the row's metrics rather than sending a malformed datum")
    func badDimensions() {
        let table = ResultTable(
            columns: [.init("region", .text), .init("v", .number)], rows: [[nil, "1"], ["", "2"]])
        let output = mapper().map(table)
        #expect(output.datapoints.isEmpty)
        #expect(output.skipped.map(\.reason) == ["dimension region is null", "dimension region is empty"])
    }

    @Test("unsupported column types are listed once")
    func unsupported() {
        let table = ResultTable(
            columns: [.init("day", ColumnKind(typeOID: 1082)), .init("v", .number)], rows: [["2026-01-01", "1"]])
        let output = mapper().map(table)
        #expect(output.datapoints.count == 1)
        #expect(output.skipped == [SkippedValue(name: "day", row: nil, reason: "unsupported column type (OID 1082)")])
    }

    @Test(
        "type OIDs map to the right kinds",
        arguments: [
            (UInt32(20), ColumnKind.number), (21, .number), (23, .number), (700, .number), (701, .number),
            (1700, .number),
            (16, .boolean), (25, .text), (1043, .text), (114, .json), (3802, .json), (1184, .timestamp),
        ])
    func kinds(oid: UInt32, kind: ColumnKind) {
        #expect(ColumnKind(typeOID: oid) == kind)
    }
}
