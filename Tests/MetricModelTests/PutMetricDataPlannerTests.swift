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

import Core
import Testing

@testable import MetricModel

@Suite struct PutMetricDataPlannerTests {
    let now: Int64 = 1_790_000_000_000
    var planner: PutMetricDataPlanner { PutMetricDataPlanner(namespace: "OnPremWatch", nowMs: now) }
    let dimensions = [Dimension("Customer", "Customer 1"), Dimension("Query", "demo")]

    func datum(_ name: String, _ value: Double, at timestamp: Int64? = nil) -> MetricDatum {
        MetricDatum(name: name, dimensions: dimensions, timestampMs: timestamp ?? now, values: [value])
    }

    /// Checks every per-request limit on a plan.
    func expectWithinLimits(_ plan: PutMetricDataPlanner.Plan) {
        for (body, datums) in zip(plan.bodies, plan.requests) {
            #expect(datums.count <= PutMetricDataLimits.datumsPerRequest)
            #expect(body.count <= PutMetricDataLimits.bodyBytes)
            for datum in datums {
                #expect(datum.values.count <= PutMetricDataLimits.valuesPerDatum)
                #expect(datum.dimensions.count <= PutMetricDataLimits.dimensionsPerDatum)
            }
        }
    }

    @Test("10,000 datapoints of 10 metrics at one moment aggregate into one request of Values/Counts")
    func aggregatesToOneRequest() {
        let points = (0..<10_000).map { datum("metric\($0 % 10)", Double(($0 / 10) % 200)) }
        let plan = planner.plan(points)
        expectWithinLimits(plan)
        #expect(plan.bodies.count == 1)
        // 200 distinct values per metric need two datums of at most 150 values each.
        #expect(plan.requests[0].count == 20)
        #expect(plan.requests[0].reduce(0) { $0 + $1.datapointCount } == 10_000)
        #expect(plan.rejected.isEmpty)
    }

    @Test("10,000 datapoints at 10,000 moments need exactly the 10 requests the 1,000-datum limit forces")
    func batchesAtTheDatumLimit() {
        let points = (0..<10_000).map { datum("metric\($0 % 10)", 1, at: now - Int64($0) * 1000) }
        let plan = planner.plan(points)
        expectWithinLimits(plan)
        #expect(plan.bodies.count == 10)
        #expect(plan.requests.map(\.count) == Array(repeating: 1000, count: 10))
    }

    @Test("bodies over 1 MB are split: 1,000 datums with 29 long dimensions make several requests")
    func batchesAtTheBodyLimit() {
        let wide = (0..<28).map { Dimension("Dimension\($0)", String(repeating: "v", count: 200)) }
        let points = (0..<1000).map {
            MetricDatum(name: "m", dimensions: dimensions + wide, timestampMs: now - Int64($0) * 1000, values: [1])
        }
        let plan = planner.plan(points)
        expectWithinLimits(plan)
        let total = plan.bodies.reduce(0) { $0 + $1.count }
        #expect(plan.bodies.count == (total + PutMetricDataLimits.bodyBytes - 1) / PutMetricDataLimits.bodyBytes)
        #expect(plan.requests.reduce(0) { $0 + $1.count } == 1000)
    }

    @Test("datums CloudWatch would refuse are rejected with a reason, and the rest still go")
    func rejectsInvalidDatums() {
        let points = [
            datum("ok", 1),
            datum("", 1),
            datum("nan", .nan),
            datum("huge", 0x1p361),
            datum("old", 1, at: now - 15 * 24 * 3600 * 1000),
            MetricDatum(
                name: "empty-dimension", dimensions: [Dimension("Customer", "")], timestampMs: now, values: [1]),
        ]
        let plan = planner.plan(points)
        #expect(plan.requests.flatMap { $0 }.map(\.name) == ["ok"])
        #expect(plan.rejected.map(\.datum.name) == ["", "nan", "huge", "old", "empty-dimension"])
        // A unit CloudWatch does not have cannot be written: MetricUnit has CloudWatch's, and the catalog refuses
        // any other at load (CatalogTests).
        #expect(MetricUnit(rawValue: "Furlongs") == nil && MetricUnit.allCases.count == 27)
    }

    @Test("tiny values are sent as 0")
    func roundsTinyValues() {
        let plan = planner.plan([datum("tiny", 1e-200)])
        #expect(plan.requests.first?.first?.values == [0])
    }

    @Test("the query-protocol body names every field, encoded")
    func encodesQueryProtocol() {
        let plan = planner.plan([datum("test metric", 5.5), datum("test metric", 5.5), datum("test metric", 2)])
        let body = String(decoding: plan.bodies[0], as: UTF8.self)
        #expect(body.hasPrefix("Action=PutMetricData&Version=2010-08-01&Namespace=OnPremWatch"))
        #expect(body.contains("&MetricData.member.1.MetricName=test+metric"))
        #expect(body.contains("&MetricData.member.1.Dimensions.member.1.Name=Customer"))
        #expect(body.contains("&MetricData.member.1.Dimensions.member.1.Value=Customer+1"))
        #expect(body.contains("&MetricData.member.1.Values.member.1=5.5&MetricData.member.1.Counts.member.1=2"))
        #expect(body.contains("&MetricData.member.1.Values.member.2=2&MetricData.member.1.Counts.member.2=1"))
        #expect(body.contains("&MetricData.member.1.Timestamp=2026-09-21T14%3A13%3A20.000Z"))
        #expect(!body.contains("member.2.MetricName"))
    }

    @Test("namespaces CloudWatch refuses are named", arguments: ["", "AWS/EC2", ":x"])
    func namespaces(namespace: String) {
        #expect(PutMetricDataPlanner.namespaceProblem(namespace) != nil)
        #expect(PutMetricDataPlanner.namespaceProblem("OnPremWatch") == nil)
    }
}

/// Names and values fuzzing and review found sent on, each of which would have made CloudWatch refuse the whole
/// request and every KPI in it.
@Suite struct PutMetricDataPlannerHostileTests {
    let now: Int64 = 1_790_000_000_000
    var planner: PutMetricDataPlanner { PutMetricDataPlanner(namespace: "OnPremWatch", nowMs: now) }

    func datum(name: String = "m", dimensions: [Dimension]) -> MetricDatum {
        MetricDatum(name: name, dimensions: dimensions, timestampMs: now, values: [1])
    }

    @Test(
        "dimensions CloudWatch refuses are rejected with a reason; the good datum beside them still goes",
        arguments: [
            ("site", "Zürich"), ("site", "São Paulo"), ("site", "a\u{0}b"), ("site", "line\nbreak"), ("site", " "),
            ("site", "\u{7F}"), ("Zürich", "x"), (":name", "x"), ("", "x"), ("site", ""),
            ("site", String(repeating: "x", count: 1025)), (String(repeating: "n", count: 256), "x"),
        ])
    func refusedDimensions(name: String, value: String) {
        let good = datum(dimensions: [Dimension("Customer", "c")])
        let bad = datum(dimensions: [Dimension("Customer", "c"), Dimension(name, value)])
        let plan = planner.plan([bad, good])
        #expect(plan.rejected.map(\.datum) == [bad])
        #expect(plan.requests == [[good]])
    }

    @Test("names are measured in Unicode scalars: one Character of 301 scalars is too long a metric name")
    func scalarsNotCharacters() {
        let name = "e" + String(repeating: "\u{301}", count: 300)
        #expect(name.count == 1)
        let plan = planner.plan([datum(name: name, dimensions: [])])
        #expect(plan.rejected.count == 1)
        #expect(plan.rejected.first?.reason.contains("1-255") == true)
    }

    @Test("control characters and blank metric names are refused; other scripts are metric names")
    func metricNames() {
        #expect(planner.plan([datum(name: "a\u{1}b", dimensions: [])]).rejected.count == 1)
        #expect(planner.plan([datum(name: "  ", dimensions: [])]).rejected.count == 1)
        #expect(planner.plan([datum(name: "Sitzungen_aktiv", dimensions: [])]).rejected.isEmpty)
    }

    @Test("the largest datum the rules let through fits a request with room to spare, so one datum never needs more")
    func largestValidDatumFits() {
        // Every character of every name and value percent-encoded (three bytes each), at every length limit.
        let dimensions = (0..<PutMetricDataLimits.dimensionsPerDatum).map { index in
            Dimension(dimensionName(index), String(repeating: "/", count: PutMetricDataLimits.dimensionValueLength))
        }
        let values = (0..<PutMetricDataLimits.valuesPerDatum).map { -Double($0) - 0.1234567890123456 }
        let big = MetricDatum(
            name: String(repeating: "%", count: 255), dimensions: dimensions, unit: .kilobytesPerSecond,
            timestampMs: now, values: values, counts: values.map { $0 * 1e300 })
        let plan = PutMetricDataPlanner(namespace: String(repeating: "%", count: 255), nowMs: now).plan([big])
        #expect(plan.rejected.isEmpty)
        let body = plan.bodies.first?.count ?? 0
        #expect(body > 100_000 && body < PutMetricDataLimits.bodyBytes / 4, "\(body) bytes")
    }

    /// A dimension name of 255 characters that differs per index.
    func dimensionName(_ index: Int) -> String {
        String(repeating: "%", count: 250) + String(index + 10_000)
    }

    @Test("the review's oversized request, 30 dimension values of one Character and many scalars, is refused")
    func graphemeHeavyValues() {
        let heavy = "e" + String(repeating: "\u{301}", count: 1000)
        let dimensions = (0..<30).map { Dimension("d\($0)", heavy) }
        let plan = planner.plan([datum(dimensions: dimensions), datum(dimensions: [])])
        #expect(plan.rejected.count == 1)
        for body in plan.bodies { #expect(body.count <= PutMetricDataLimits.bodyBytes) }
    }

    @Test("two metrics whose names differ only in how an accent is encoded are not merged into one datum")
    func canonicalEquivalentNames() {
        let composed = datum(name: "caf\u{e9}", dimensions: [])
        let decomposed = datum(name: "cafe\u{301}", dimensions: [])
        let plan = planner.plan([composed, decomposed])
        #expect(plan.requests.first?.count == 2)
    }
}
