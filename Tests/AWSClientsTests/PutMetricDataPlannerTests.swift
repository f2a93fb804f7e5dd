import Testing

@testable import AWSClients

@Suite struct PutMetricDataPlannerTests {
    let now: Int64 = 1_790_000_000_000
    var planner: PutMetricDataPlanner { PutMetricDataPlanner(namespace: "OnPremWatch", nowMs: now) }
    let dimensions = [(name: "Customer", value: "Customer 1"), (name: "Query", value: "demo")]

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
        let wide = (0..<28).map { (name: "Dimension\($0)", value: String(repeating: "v", count: 200)) }
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
                name: "empty-dimension", dimensions: [(name: "Customer", value: "")], timestampMs: now, values: [1]),
            MetricDatum(name: "unit", dimensions: dimensions, unit: "Furlongs", timestampMs: now, values: [1]),
        ]
        let plan = planner.plan(points)
        #expect(plan.requests.flatMap { $0 }.map(\.name) == ["ok"])
        #expect(plan.rejected.map(\.datum.name) == ["", "nan", "huge", "old", "empty-dimension", "unit"])
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
