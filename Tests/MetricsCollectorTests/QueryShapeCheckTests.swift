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
import MetricModel
import Testing

@testable import MetricsCollector
@testable import PostgresClient

/// `check`'s rules as values: the columns a server described, against the catalog's query.
@Suite struct QueryShapeCheckTests {
    static func findings(_ alarms: [AlarmSpec], _ columns: [ResultTable.Column], units: [String: MetricUnit] = [:])
        -> [String]
    {
        let query = QueryDefinition(
            name: "q", versions: ["1"], sql: "s", cloudwatchDimension: "q", units: units, alarms: alarms)
        return QueryShapeCheck.findings(query, columns: columns).map(\.description)
    }

    static let columns: [ResultTable.Column] = [.init("region", .text), .init("active", .number)]

    @Test("an alarm that names the metric and every text column passes")
    func fits() {
        #expect(Self.findings([AlarmSpec(metric: "active", dimensions: ["region": "north"])], Self.columns).isEmpty)
    }

    /// Issue 28.
    @Test("an eachDatabase query: its alarms' database is the function's dimension; a database column is refused")
    func eachDatabase() {
        var query = QueryDefinition(
            name: "q", versions: ["1"], sql: "s", cloudwatchDimension: "q",
            alarms: [AlarmSpec(metric: "active", dimensions: ["region": "north", "database": "ops"])])
        query.eachDatabase = true
        #expect(QueryShapeCheck.findings(query, columns: Self.columns).isEmpty)
        #expect(
            QueryShapeCheck.findings(query, columns: Self.columns + [.init("database", .text)]).map(\.description)
                .first?.hasPrefix("problem: column database: the query runs in each database") == true)
    }

    @Test("each mistake is named")
    func mistakes() {
        #expect(
            Self.findings([AlarmSpec(metric: "region", dimensions: ["region": "n"])], Self.columns) == [
                "problem: alarm on region: region is a text column, a dimension, not a metric"
            ])
        #expect(
            Self.findings([AlarmSpec(metric: "active", dimensions: ["region": "n", "tier": "x"])], Self.columns) == [
                "problem: alarm on active: dimension tier is not a text column of the query"
            ])
        #expect(
            Self.findings([AlarmSpec(metric: "active")], Self.columns).first?.hasPrefix(
                "problem: alarm on active: every datapoint carries the dimension(s) region") == true)
        #expect(
            Self.findings([], Self.columns + [.init("Customer", .text)]) == [
                "problem: column Customer: \(RowMapper.reservedReason)"
            ])
        #expect(
            Self.findings([], Self.columns, units: ["sessions": .count]) == [
                "warning: units.sessions: the query returns no metric sessions"
            ])
        #expect(
            Self.findings([AlarmSpec(metric: "x")], [.init("row_to_json", .json)]).first?.hasPrefix("warning:") == true)
    }
}
