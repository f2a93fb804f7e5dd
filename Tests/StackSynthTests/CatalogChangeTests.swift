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
import Testing

@testable import StackSynth

/// `onprem-watch plan` as values: what a catalog change does, named by customer, query and KPI.
@Suite struct CatalogChangeTests {
    static let base = """
        {"customers": [
          {"opname": "Plant A", "ip": "h", "database": "d", "version": "1", "threshold": 80},
          {"opname": "Plant B", "ip": "h", "database": "d", "version": "1", "threshold": 50}],
         "queries": [{"name": "sessions", "versions": ["1"], "query": "select 1 as active",
                      "alarms": [{"metric": "active", "dimensions": {"region": "north"}}]}]}
        """

    static func catalog(_ text: String) throws -> Catalog { try Catalog(json: Array(text.utf8)) }

    static func change(_ edited: String) throws -> CatalogChange {
        CatalogChange(from: try catalog(base), to: try catalog(edited))
    }

    @Test("the same catalog changes nothing")
    func nothing() throws {
        let change = try Self.change(Self.base)
        #expect(change.isEmpty)
        #expect(change.markdown.contains("Nothing"))
        #expect(change.json["changed"] == false)
    }

    @Test("a customer added: its schedules, its alarms and the bill, and nothing of the others")
    func customerAdded() throws {
        let edited = Self.base.replacingOccurrences(
            #"{"opname": "Plant B""#,
            with:
                #"{"opname": "Plant C", "ip": "h", "database": "d", "version": "1", "threshold": 5, "interval": 300}, {"opname": "Plant B""#
        )
        let change = try Self.change(edited)
        #expect(change.customersAdded == ["Plant C"] && change.customersRemoved.isEmpty)
        #expect(
            change.schedules.map { "\($0.customer) \($0.query) \($0.before ?? 0) \($0.after ?? 0)" } == [
                "Plant C sessions 0 300"
            ])
        #expect(
            change.alarms.map(\.name.text).sorted()
                == ["Plant C / collection / QuerySucceeded", "Plant C / sessions / active (region=north)"])
        #expect(change.alarms.allSatisfy { $0.before == nil && $0.after != nil })
        #expect(change.costAfter.total > change.costBefore.total)
        #expect(change.markdown.contains("- added: **Plant C**"))
        #expect(
            change.markdown.contains("| Plant C / sessions / active (region=north) | added: GreaterThanThreshold 5"))
    }

    @Test("a threshold, a severity and an interval changed: each named with before and after")
    func settingsChanged() throws {
        var edited = Self.base.replacingOccurrences(#""threshold": 80"#, with: #""threshold": 90, "interval": 120"#)
        edited = edited.replacingOccurrences(
            #""dimensions": {"region": "north"}}"#, with: #""dimensions": {"region": "north"}, "severity": "high"}"#)
        let change = try Self.change(edited)
        #expect(change.customersAdded.isEmpty && change.customersRemoved.isEmpty)
        let a = try #require(change.alarms.first { $0.name.customer == "Plant A" && $0.name.metric == "active" })
        // Collected every two minutes, its alarm's period (not set in the catalog) covers the two minutes (issue 30).
        #expect(a.differences == ["threshold 80 → 90", "period 60 s → 120 s", "severity low → high"])
        // Collected every two minutes, the customer's collection alarm looks at two-minute periods.
        let health = try #require(
            change.alarms.first { $0.name.customer == "Plant A" && $0.name.query == "collection" })
        #expect(health.differences == ["period 60 s → 120 s"])
        let b = try #require(change.alarms.first { $0.name.customer == "Plant B" && $0.name.metric == "active" })
        #expect(b.differences == ["severity low → high"])
        #expect(change.schedules.map { "\($0.customer) \($0.before ?? 0) \($0.after ?? 0)" } == ["Plant A 60 120"])
        #expect(change.markdown.contains("threshold 80 → 90"))
        #expect(change.json["alarms"]?.arrayCount ?? 0 >= 2)
    }

    @Test("a customer removed: everything of it goes, said once")
    func customerRemoved() throws {
        let edited = """
            {"customers": [{"opname": "Plant A", "ip": "h", "database": "d", "version": "1", "threshold": 80}],
             "queries": [{"name": "sessions", "versions": ["1"], "query": "select 1 as active",
                          "alarms": [{"metric": "active", "dimensions": {"region": "north"}}]}]}
            """
        let change = try Self.change(edited)
        #expect(change.customersRemoved == ["Plant B"])
        #expect(change.alarms.allSatisfy { $0.name.customer == "Plant B" && $0.after == nil })
        #expect(change.schedules.map(\.customer) == ["Plant B"])
        #expect(change.costAfter.total < change.costBefore.total)
    }

    @Test("a query's SQL and a customer's connection changed: said, and the plan is not empty")
    func definitions() throws {
        var edited = Self.base.replacingOccurrences("select 1 as active", with: "select 2 as active")
        edited = edited.replacingOccurrences(
            #"{"opname": "Plant B", "ip": "h""#, with: #"{"opname": "Plant B", "ip": "db.plant-b.example""#)
        let change = try Self.change(edited)
        #expect(!change.isEmpty && change.alarms.isEmpty)
        #expect(change.queriesChanged == ["sessions"] && change.customersChanged == ["Plant B"])
        #expect(change.markdown.contains("- query **sessions**: its SQL"))
    }

    /// Issue 29.
    @Test("turning a pack on shows its metrics and log fields apart, and what the log fields save")
    func logFields() throws {
        let change = try Self.change(
            Self.base.replacingOccurrences(#"{"customers""#, with: #"{"builtin": ["server-health"], "customers""#))
        // Two customers: a KPI and the health series each before; the pack adds 6 metrics and 23 log fields each.
        #expect(change.costBefore.metricSeries == 4 && change.costBefore.logFieldSeries == 0)
        #expect(change.costAfter.metricSeries == 16 && change.costAfter.logFieldSeries == 46)
        #expect(change.markdown.contains("| | total | per customer | metrics | log fields | saved by log fields |"))
        #expect(change.markdown.contains("| 16 | 46 | $13.80 |"))
        #expect(change.json["monthlyCost", "logFieldsAfter"] == 46)
    }

    @Test("names with a | stay in their table cell")
    func cells() {
        #expect(CatalogChange.cell("a | b\nc") == #"a \| b c"#)
        #expect(CatalogChange.cell("@team *x*") == #"\@team \*x\*"#)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension JSONValue {
    fileprivate var arrayCount: Int? {
        if case .array(let items) = self { return items.count }
        return nil
    }
}
