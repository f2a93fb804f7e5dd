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
import JSON

/// One KPI of a query that gets a CloudWatch alarm per customer (`onprem-watch synth`).
///
/// ```json
/// "alarms": [{"metric": "active_sessions", "comparison": "GreaterThanThreshold", "statistic": "Maximum",
///             "periods": 3, "datapointsToAlarm": 2, "period": 60, "missingData": "missing",
///             "dimensions": {"region": "north"}}]
/// ```
///
/// The threshold is the customer's: its `thresholds[metric]`, else its `threshold`. A catalog entry may fix one
/// for every customer with `threshold`, which then wins.
public struct AlarmSpec: Sendable, Equatable {
    /// CloudWatch's `ComparisonOperator` values for a threshold alarm.
    public enum Comparison: String, CaseIterable, Sendable {
        case greaterThanThreshold = "GreaterThanThreshold"
        case greaterThanOrEqualToThreshold = "GreaterThanOrEqualToThreshold"
        case lessThanThreshold = "LessThanThreshold"
        case lessThanOrEqualToThreshold = "LessThanOrEqualToThreshold"
    }

    /// CloudWatch's `Statistic` values.
    public enum Statistic: String, CaseIterable, Sendable {
        case average = "Average", sum = "Sum", minimum = "Minimum", maximum = "Maximum", sampleCount = "SampleCount"
    }

    /// CloudWatch's `TreatMissingData` values.
    public enum MissingData: String, CaseIterable, Sendable {
        case breaching, notBreaching, ignore, missing
    }

    /// The keys an alarm's entry may have (catalog.schema.json lists the same).
    static let keys = [
        "metric", "comparison", "statistic", "periods", "datapointsToAlarm", "period", "missingData", "dimensions",
        "threshold", "severity", "runbook", "ccEmails",
    ]

    public var metric: String
    public var comparison: Comparison
    public var statistic: Statistic
    /// Evaluation periods, and how many of them must breach.
    public var periods: Int
    public var datapointsToAlarm: Int
    /// Seconds: 10 or 30 (high resolution, needs `storageResolution: 1`), or a multiple of 60.
    public var period: Int
    /// Whether the catalog set ``period``: one it did not set is widened to cover the query's interval (see
    /// ``period(covering:)``); one it set must cover it, or the catalog is refused.
    public var periodGiven: Bool
    public var missingData: MissingData
    /// The row's own dimensions (text columns) that pick one series, besides `Customer` and `Query`.
    public var dimensions: [String: String]
    public var threshold: Double?
    /// A built-in pack's threshold, used where the customer's `thresholds[metric]` sets none.
    public var defaultThreshold: Double?
    /// The alarm's own `severity`, `runbook` and `ccEmails` for the case it raises.
    public var cases: CasePolicy

    public init(
        metric: String, comparison: Comparison = .greaterThanThreshold, statistic: Statistic = .maximum,
        periods: Int = 3, datapointsToAlarm: Int? = nil, period: Int? = nil, missingData: MissingData = .missing,
        dimensions: [String: String] = [:], threshold: Double? = nil, cases: CasePolicy = CasePolicy(),
        defaultThreshold: Double? = nil
    ) {
        self.metric = metric
        self.comparison = comparison
        self.statistic = statistic
        self.periods = periods
        self.datapointsToAlarm = datapointsToAlarm ?? periods
        self.period = period ?? 60
        self.periodGiven = period != nil
        self.missingData = missingData
        self.dimensions = dimensions
        self.threshold = threshold
        self.cases = cases
        self.defaultThreshold = defaultThreshold
    }

    /// The period the alarm evaluates for a query collected every `interval` seconds: at least the interval, so
    /// that every period holds a datapoint (issue 30: a query run every 300 s had a 60 s alarm that read no data
    /// four periods of five, and with missing data treated as missing it never fired). A period the catalog did not
    /// set is widened to the interval, rounded up to whole minutes; one it set is returned as it is (the catalog
    /// refuses one that does not cover the interval).
    public func period(covering interval: Int) -> Int {
        guard !periodGiven, period < interval else { return period }
        return (interval + 59) / 60 * 60
    }

    /// The threshold of this alarm for `customer`: the alarm's `threshold`, else the customer's
    /// `thresholds[metric]`, else a built-in pack's default, else the customer's `threshold`.
    public func threshold(for customer: Customer) -> Double? {
        threshold ?? customer.thresholds[metric] ?? defaultThreshold ?? customer.threshold
    }

    init(_ value: JSONValue, where place: String) throws(CatalogError) {
        guard case .object(let fields) = value else { throw CatalogError(.invalid, "\(place): not an object") }
        let metric = try FieldReader(fields: fields, place: place).requiredText("metric")
        let reader = FieldReader(fields: fields, place: "\(place) (\"\(metric)\")")
        try reader.refuseUnknownKeys(Self.keys)
        func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, _ fallback: Choice) throws(CatalogError)
            -> Choice where Choice.RawValue == String
        {
            guard let text = try reader.optionalText(key) else { return fallback }
            guard let value = Choice(rawValue: text) else {
                let allowed = Choice.allCases.map(\.rawValue).sorted()
                throw CatalogError(.invalid, "\(reader.place): \(key) \"\(text)\" is not one of \(allowed)")
            }
            return value
        }
        let periods = try reader.optionalInteger("periods", in: 1...100) ?? 3
        let datapoints = try reader.optionalInteger("datapointsToAlarm", in: 1...periods) ?? periods
        let given = try reader.optionalInteger("period", in: 10...86_400)
        let period = given ?? 60
        guard period == 10 || period == 30 || period % 60 == 0 else {
            throw CatalogError(.invalid, "\(reader.place): period must be 10, 30 or a multiple of 60 seconds")
        }
        var dimensions: [String: String] = [:]
        if let value = fields["dimensions"], value != .null {
            guard case .object(let map) = value else {
                throw CatalogError(.invalid, "\(reader.place): dimensions must map dimension names to values")
            }
            for (name, value) in map {
                guard let text = value.text, !text.isEmpty else {
                    throw CatalogError(.invalid, "\(reader.place): dimensions.\(name) must be a string")
                }
                dimensions[name] = text
            }
        }
        self.init(
            metric: metric, comparison: try choice("comparison", Comparison.greaterThanThreshold),
            statistic: try choice("statistic", Statistic.maximum), periods: periods,
            datapointsToAlarm: datapoints, period: given,
            missingData: try choice("missingData", MissingData.missing), dimensions: dimensions,
            threshold: try reader.optionalNumber("threshold"),
            cases: try CasePolicy(fields, place: reader.place, alarmLevel: true))
    }
}
