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

public import CatalogModel
import Core
import JSON
public import MetricModel
public import PostgresClient

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Turns a query result into datapoints: pure, no I/O.
///
/// - A single `json`/`jsonb` column (the `row_to_json` form): every numeric field is a metric named after the
///   field; booleans are 0/1; string fields are dimensions; a `timestamp` field sets the time.
/// - Plain columns: numbers are metrics named after the column, booleans 0/1, intervals in seconds, text columns
///   dimensions (as Telegraf's tags and sql_exporter's labels), a `timestamptz` column named `timestamp` sets the
///   time; any other column is skipped with its reason (issue 30: other timestamps were dropped in silence).
/// - NULL, NaN, infinities and values CloudWatch would reject are skipped and listed, never sent on.
public struct RowMapper: Sendable {
    public var customer: String
    public var query: QueryDefinition
    /// The time of datapoints whose row has no `timestamp`.
    public var nowMs: Int64

    /// CloudWatch's limits, shared with the publisher so the two never disagree.
    typealias Limits = PutMetricDataLimits

    /// Dimensions the catalog sets (the customer's, then the query's), on every datapoint after `Customer` and
    /// `Query`.
    public var constantDimensions: [Dimension]

    public init(customer: String, query: QueryDefinition, nowMs: Int64, constantDimensions: [Dimension] = []) {
        self.customer = customer
        self.query = query
        self.nowMs = nowMs
        self.constantDimensions = constantDimensions
    }

    public struct Output: Equatable, Sendable {
        public var datapoints: [Datapoint] = []
        public var skipped: [SkippedValue] = []
        /// Rows' text fields for the log (``CatalogModel/QueryDefinition/logText``), each with its row's dimensions.
        public var texts: [LoggedText] = []
    }

    /// A row's text fields that go to the log line, never to a dimension, and the row's dimensions.
    public struct LoggedText: Equatable, Sendable {
        public var dimensions: [Dimension]
        public var fields: [Dimension]
    }

    /// One row's cells, whatever the result's form: metrics, dimensions and time.
    private struct Row {
        var metrics: [(name: String, value: Double?, problem: String?)] = []
        var dimensions: [Dimension] = []
        var badDimension: String?
        var timestampMs: Int64?
        var texts: [Dimension] = []
    }

    /// What the mapper reads off a result's columns once, before its rows.
    public struct Layout: Sendable {
        public var columns: [ResultTable.Column]
        /// A single `json`/`jsonb` column: the `row_to_json` form.
        public var isJSONForm: Bool
    }

    /// The layout of a result with `columns`, and the columns skipped as a whole (types no metric can come from).
    public func layout(_ columns: [ResultTable.Column]) -> (layout: Layout, skipped: [SkippedValue]) {
        let isJSONForm = columns.count == 1 && columns[0].kind == .json
        var skipped: [SkippedValue] = []
        if !isJSONForm {
            for column in columns {
                switch column.kind {
                case .unsupported(let oid):
                    skipped.append(
                        SkippedValue(name: column.name, row: nil, reason: "unsupported column type (OID \(oid))"))
                case .timestamp where column.name != "timestamp":
                    skipped.append(SkippedValue(name: column.name, row: nil, reason: Self.otherTimestampReason))
                default: break
                }
            }
        }
        return (Layout(columns: columns, isJSONForm: isJSONForm), skipped)
    }

    /// Maps one row (the `index`th, 0-based) into `output`: rows stream through here one at a time.
    public func map(row cells: [String?], index: Int, layout: Layout, into output: inout Output) {
        let row =
            layout.isJSONForm
            ? jsonRow(cells.first ?? nil, index: index, output: &output) : plainRow(layout.columns, cells)
        guard let row else { return }
        emit(row, index: index, into: &output)
    }

    /// Maps a whole result.
    public func map(_ table: ResultTable) -> Output {
        var output = Output()
        let (layout, skipped) = layout(table.columns)
        output.skipped = skipped
        for (index, cells) in table.rows.enumerated() {
            map(row: cells, index: index, layout: layout, into: &output)
        }
        return output
    }

    private func emit(_ row: Row, index: Int, into output: inout Output) {
        let timestamp = row.timestampMs ?? nowMs
        let dimensions =
            [Dimension("Customer", customer), Dimension("Query", query.cloudwatchDimension)] + constantDimensions
            + row.dimensions
        let rowProblem: String? =
            if let bad = row.badDimension { bad } else if dimensions.count > Limits.dimensionsPerDatum {
                "more than \(Limits.dimensionsPerDatum) dimensions"
            } else if timestamp < nowMs - Limits.oldestAge.milliseconds
                || timestamp > nowMs + Limits.newestAhead.milliseconds
            {
                "timestamp outside CloudWatch's window (14 days ago to 2 hours ahead)"
            } else { nil }
        if !row.texts.isEmpty && rowProblem == nil {
            output.texts.append(LoggedText(dimensions: dimensions, fields: row.texts))
        }
        for metric in row.metrics {
            if let problem = rowProblem ?? metric.problem {
                output.skipped.append(SkippedValue(name: metric.name, row: index, reason: problem))
                continue
            }
            guard var value = metric.value else { continue }
            if let problem = Self.problem(with: value) {
                output.skipped.append(SkippedValue(name: metric.name, row: index, reason: problem))
                continue
            }
            if abs(value) < Limits.smallestMagnitude { value = 0 }
            let name = query.metricName(of: metric.name)
            if dimensions.contains(where: { $0.name == name }) {
                // EMF writes dimensions and metrics as keys of one object: a second key would shadow the first.
                output.skipped.append(
                    SkippedValue(name: metric.name, row: index, reason: "a metric named like one of its dimensions"))
                continue
            }
            output.datapoints.append(
                Datapoint(
                    name: name, value: value, unit: query.units[metric.name] ?? query.unit(of: name),
                    dimensions: dimensions, timestampMs: timestamp, storageResolution: query.storageResolution,
                    logOnly: query.isLogOnly(name)))
        }
    }

    /// Why CloudWatch would refuse `value`, if it would.
    static func problem(with value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return "infinite" }
        if abs(value) > Limits.largestMagnitude { return "out of CloudWatch's range (|v| > 2^360)" }
        return nil
    }

    /// Names a row may not use, as a dimension or a metric: the function's own dimensions, and EMF's directive. A
    /// column named `Customer` would make a second `Customer` key in an EMF line, or a repeated dimension in
    /// PutMetricData, and pose as another customer.
    /// The collection health metrics are reserved too: a row's `QuerySucceeded` would write on the series that
    /// the collection alarm reads.
    public static let reservedNames: Set<String> = ["Customer", "Query", "_aws", "QuerySucceeded", "QueryDuration"]
    static let reservedReason = "a name the function sets itself (Customer, Query, _aws, QuerySucceeded, QueryDuration)"

    private func plainRow(_ columns: [ResultTable.Column], _ cells: [String?]) -> Row {
        var row = Row()
        for (column, cell) in zip(columns, cells) {
            if Self.reservedNames.contains(column.name) {
                row.metrics.append((column.name, nil, Self.reservedReason))
                continue
            }
            switch column.kind {
            case .number, .money:
                let parse = column.kind == .money ? Self.money : Self.number
                row.metrics.append(
                    cell.map { text in
                        let value = parse(text)
                        return (column.name, value, value == nil ? "not a number" : nil)
                    } ?? (column.name, nil, "null"))
            case .boolean:
                row.metrics.append(cell.map { (column.name, $0 == "t" ? 1 : 0, nil) } ?? (column.name, nil, "null"))
            case .text, .json:
                if query.logText.contains(column.name) {
                    if let cell { row.texts.append(Dimension(column.name, cell)) }
                } else {
                    addDimension(column.name, cell, to: &row)
                }
            case .timestamp where column.name == "timestamp":
                row.timestampMs = cell.flatMap(Self.parseTimestamp)
            case .interval:
                row.metrics.append(
                    cell.map { text in
                        let value = Self.intervalSeconds(text)
                        return (column.name, value, value == nil ? "not an ISO 8601 interval" : nil)
                    } ?? (column.name, nil, "null"))
            case .timestamp, .unsupported:
                continue
            }
        }
        return row
    }

    private func jsonRow(_ cell: String?, index: Int, output: inout Output) -> Row? {
        guard let cell, case .object(let fields)? = try? JSONValue.parse(Array(cell.utf8)) else {
            output.skipped.append(
                SkippedValue(name: "row_to_json", row: index, reason: cell == nil ? "null" : "not a JSON object"))
            return nil
        }
        var row = Row()
        for (name, value) in fields.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            if Self.reservedNames.contains(name) {
                row.metrics.append((name, nil, Self.reservedReason))
                continue
            }
            switch value {
            case .number(let number): row.metrics.append((name, number, nil))
            case .bool(let flag): row.metrics.append((name, flag ? 1 : 0, nil))
            case .null: row.metrics.append((name, nil, "null"))
            // to_json writes a float's NaN and infinities as strings.
            case .string(let text) where ["NaN", "Infinity", "-Infinity"].contains(text):
                row.metrics.append((name, nil, text == "NaN" ? "NaN" : "infinite"))
            case .string(let text) where name == "timestamp":
                row.timestampMs = Self.parseTimestamp(text)
            case .string(let text) where query.logText.contains(name): row.texts.append(Dimension(name, text))
            case .string(let text): addDimension(name, text, to: &row)
            case .array, .object: row.metrics.append((name, nil, "not a number"))
            }
        }
        return row
    }

    /// A text cell as a dimension. A value CloudWatch would refuse (empty, blank, not ASCII, with control
    /// characters, too long) makes the row's metrics skipped with the reason: one such value must not fail the
    /// request that carries every other KPI of the invocation.
    private func addDimension(_ name: String, _ value: String?, to row: inout Row) {
        if constantDimensions.contains(where: { $0.name == name }) {
            row.badDimension = "column \(name) is a dimension the catalog sets (dimensions); rename the column"
            return
        }
        guard let value, !value.isEmpty else {
            row.badDimension = "dimension \(name) is \(value == nil ? "null" : "empty")"
            return
        }
        if let problem = Limits.dimensionProblem(name, isName: true) {
            row.badDimension = "\(problem) (column \(name))"
            return
        }
        if let problem = Limits.dimensionProblem(value, isName: false) {
            row.badDimension = "\(problem) (dimension \(name))"
            return
        }
        row.dimensions.append(Dimension(name, value))
    }

    /// Why a `timestamptz` column not named `timestamp` is skipped: a time is no metric.
    static let otherTimestampReason =
        "a time is not a metric: name the column timestamp to set the datapoints' time, or give "
        + "extract(epoch from ...) for seconds"

    /// An `interval` in seconds, from the ISO 8601 form the connection asks for (`IntervalStyle=iso_8601`:
    /// `P1Y2M3DT4H5M6.5S`, `-PT1S`, `PT0S`). Months and years count as PostgreSQL's `extract(epoch from ...)`
    /// counts them: 30 days and 365.25 days.
    static func intervalSeconds(_ text: String) -> Double? {
        var rest = Substring(text)
        var sign = 1.0
        if rest.hasPrefix("-") {
            sign = -1
            rest = rest.dropFirst()
        }
        guard rest.hasPrefix("P") else { return nil }
        rest = rest.dropFirst()
        var total = 0.0
        var inTime = false
        var number = ""
        var seenPart = false
        for character in rest {
            switch character {
            case "T":
                guard number.isEmpty, !inTime else { return nil }
                inTime = true
            case "0"..."9", ".", "-":
                number.append(character)
            default:
                guard let value = Double(number) else { return nil }
                let unit: Double
                switch (character, inTime) {
                case ("Y", false): unit = 365.25 * 86_400
                case ("M", false): unit = 30 * 86_400
                case ("W", false): unit = 7 * 86_400
                case ("D", false): unit = 86_400
                case ("H", true): unit = 3600
                case ("M", true): unit = 60
                case ("S", true): unit = 1
                default: return nil
                }
                total += value * unit
                number = ""
                seenPart = true
            }
        }
        guard number.isEmpty, seenPart else { return nil }
        return sign * total
    }

    /// Parses PostgreSQL's text form of a number, including `NaN` and `Infinity`.
    static func number(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: Double(text)
        }
    }

    /// Parses `money` as PostgreSQL writes it with `lc_monetary` set to `C`, which the connection does: an optional
    /// `-`, a `$`, digits grouped by `,`, and a `.` with the cents (`-$1,234.50`).
    ///
    /// - Returns: `nil` for any other form (another locale's symbol or separators), so a value is skipped with a
    ///   reason rather than misread.
    static func money(_ text: String) -> Double? {
        var digits: [UInt8] = []
        var bytes = text.utf8[...]
        if bytes.first == UInt8(ascii: "-") {
            digits.append(UInt8(ascii: "-"))
            bytes = bytes.dropFirst()
        }
        guard bytes.first == UInt8(ascii: "$") else { return nil }
        bytes = bytes.dropFirst()
        var seenPoint = false
        var seenDigit = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte)
                seenDigit = true
            case UInt8(ascii: ",") where !seenPoint && seenDigit:
                continue
            case UInt8(ascii: ".") where !seenPoint && seenDigit:
                digits.append(byte)
                seenPoint = true
            default:
                return nil
            }
        }
        guard seenDigit, digits.last != UInt8(ascii: ".") else { return nil }
        return Double(String(decoding: digits, as: UTF8.self))
    }

    /// Parses an ISO 8601 timestamp as PostgreSQL writes it (`2026-11-21 22:40:12.123+00`, or with `T` and
    /// `+00:00` from `to_json`) into epoch milliseconds. Without an offset the time is taken as UTC.
    public static func parseTimestamp(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func int(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 19, let year = int(0, 4), let month = int(5, 2), let day = int(8, 2),
            let hour = int(11, 2), let minute = int(14, 2), let second = int(17, 2),
            bytes[4] == 45, bytes[7] == 45, bytes[10] == 32 || bytes[10] == 84, bytes[13] == 58, bytes[16] == 58
        else { return nil }
        var index = 19
        var millis = 0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 3 { millis = millis * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in 0..<max(0, 3 - digits) { millis *= 10 }
        }
        var offsetSeconds = 0
        if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {
            let sign = bytes[index] == 45 ? -1 : 1
            guard let hours = int(index + 1, 2) else { return nil }
            var minutes = 0
            if index + 3 < bytes.count { minutes = int(bytes[index + 3] == 58 ? index + 4 : index + 3, 2) ?? 0 }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        } else if index < bytes.count, bytes[index] != 90 {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = Int64(timegm(&parts)) - Int64(offsetSeconds)
        return seconds * 1000 + Int64(millis)
    }
}
