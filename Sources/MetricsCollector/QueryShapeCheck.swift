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
public import PostgresClient

/// What a query returns, as its server describes it, against what the catalog expects of it (pure): the part of
/// `onprem-watch check` that needs no I/O, so each rule is a value test.
///
/// Issue 30's silent mistakes it turns into refusals: an alarm on a column the query does not return (synth made
/// the alarm, and it never saw data), an alarm whose `dimensions` name fewer than the query's text columns (it
/// watches a series that never exists), and columns the row mapper would skip.
public enum QueryShapeCheck {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        /// A problem fails `check`; a warning is said and passes.
        public var isProblem: Bool
        public var message: String

        public init(problem message: String) {
            self.isProblem = true
            self.message = message
        }

        public init(warning message: String) {
            self.isProblem = false
            self.message = message
        }

        public var description: String { (isProblem ? "problem: " : "warning: ") + message }
    }

    /// The findings for `query` whose result has `columns`.
    public static func findings(_ query: QueryDefinition, columns: [ResultTable.Column]) -> [Finding] {
        if columns.count == 1 && columns[0].kind == .json {
            return [
                Finding(
                    warning: "returns one JSON column (the row_to_json form): its fields show only when it runs "
                        + "(onprem-watch check --run)")
            ]
        }
        var findings: [Finding] = []
        var metrics: [String] = []
        var dimensions: [String] = []
        for column in columns {
            if RowMapper.reservedNames.contains(column.name) {
                findings.append(Finding(problem: "column \(column.name): \(RowMapper.reservedReason)"))
                continue
            }
            if query.eachDatabase && column.name == "database" {
                findings.append(
                    Finding(
                        problem: "column database: the query runs in each database (eachDatabase), whose dimension "
                            + "has this name; its rows would be skipped"))
                continue
            }
            switch column.kind {
            case .number, .money, .boolean, .interval: metrics.append(query.metricName(of: column.name))
            case .text, .json: dimensions.append(column.name)
            case .timestamp where column.name == "timestamp": break
            case .timestamp:
                findings.append(Finding(problem: "column \(column.name): \(RowMapper.otherTimestampReason)"))
            case .unsupported(let oid):
                findings.append(
                    Finding(
                        problem: "column \(column.name) has a type no metric comes from (OID \(oid)), so it would "
                            + "be skipped; cast it (::numeric for a number, ::text for a dimension) or leave it out"))
            }
        }
        for alarm in query.alarms {
            let place = "alarm on \(alarm.metric)"
            if dimensions.contains(alarm.metric) {
                findings.append(
                    Finding(problem: "\(place): \(alarm.metric) is a text column, a dimension, not a metric"))
            } else if !metrics.contains(alarm.metric) {
                let near = NearestName.nearest(alarm.metric, among: metrics).map { "; did you mean \($0)?" } ?? ""
                findings.append(
                    Finding(
                        problem: "\(place): the query returns no metric \(alarm.metric) (its metrics: "
                            + "\(metrics.isEmpty ? "none" : metrics.joined(separator: ", ")))\(near)"))
            }
            // An eachDatabase query's series carry the database the function adds (issue 28).
            for key in alarm.dimensions.keys.sorted()
            where !dimensions.contains(key) && !(query.eachDatabase && key == "database") {
                findings.append(Finding(problem: "\(place): dimension \(key) is not a text column of the query"))
            }
            let unnamed = dimensions.filter { alarm.dimensions[$0] == nil }
            if !unnamed.isEmpty {
                findings.append(
                    Finding(
                        problem:
                            "\(place): every datapoint carries the dimension(s) \(unnamed.joined(separator: ", ")), "
                            + "which the alarm's dimensions do not give, so it watches a series that never exists "
                            + "and never fires; give a value for each text column"))
            }
        }
        for column in query.units.keys.sorted() where !metrics.contains(query.metricName(of: column)) {
            findings.append(Finding(warning: "units.\(column): the query returns no metric \(column)"))
        }
        return findings
    }
}
