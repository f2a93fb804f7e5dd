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
import UTCTime

/// One alarm state change, from whichever of the three shapes a queue's message takes: SNS's envelope whose
/// `Message` is CloudWatch's notification, that notification itself (raw delivery), or the message of any other
/// monitor with only `AlarmName`, `AlarmDescription` and `StateChangeTime` (read as a transition to `ALARM`).
public struct AlarmNotification: Sendable, Equatable {
    public enum State: String, Sendable {
        case alarm = "ALARM", ok = "OK", insufficientData = "INSUFFICIENT_DATA"
    }

    public var alarmName: String
    public var alarmDescription: String?
    public var state: State
    public var oldState: String?
    /// CloudWatch's account of why the state changed (`Threshold Crossed: 1 datapoint [92.0 ...]`).
    public var reason: String?
    /// As CloudWatch writes it, `2026-12-01T19:01:00.000+0000`, checked to be a time (``stateChangeMs``): shown in
    /// the case's text.
    public var stateChangeTime: String
    /// The same time in epoch milliseconds: it names the episode, and episodes are ordered by it, never by text.
    public var stateChangeMs: Int64
    /// The display name CloudWatch sends (`US East (N. Virginia)`).
    public var regionName: String?
    public var accountId: String?
    public var alarmArn: String?
    public var trigger: Trigger?

    /// The metric an alarm watches, from `Trigger`; absent for a metric-math alarm and for other monitors.
    public struct Trigger: Sendable, Equatable {
        public var metricName: String
        public var namespace: String?
        public var statistic: String?
        public var period: Int?
        public var evaluationPeriods: Int?
        public var comparison: String?
        public var threshold: Double?
        /// `Dimensions` as a map: CloudWatch sends them as `[{"name", "value"}]`.
        public var dimensions: [String: String]

        public init(
            metricName: String, namespace: String? = nil, statistic: String? = nil, period: Int? = nil,
            evaluationPeriods: Int? = nil, comparison: String? = nil, threshold: Double? = nil,
            dimensions: [String: String] = [:]
        ) {
            self.metricName = metricName
            self.namespace = namespace
            self.statistic = statistic
            self.period = period
            self.evaluationPeriods = evaluationPeriods
            self.comparison = comparison
            self.threshold = threshold
            self.dimensions = dimensions
        }
    }

    public init(
        alarmName: String, alarmDescription: String? = nil, state: State, oldState: String? = nil,
        reason: String? = nil, stateChangeTime: String, stateChangeMs: Int64? = nil, regionName: String? = nil,
        accountId: String? = nil, alarmArn: String? = nil, trigger: Trigger? = nil
    ) {
        self.alarmName = alarmName
        self.alarmDescription = alarmDescription
        self.state = state
        self.oldState = oldState
        self.reason = reason
        self.stateChangeTime = stateChangeTime
        self.stateChangeMs = stateChangeMs ?? UTCTime.epochMilliseconds(parsing: stateChangeTime) ?? 0
        self.regionName = regionName
        self.accountId = accountId
        self.alarmArn = alarmArn
        self.trigger = trigger
    }

    /// What names the alarm across its episodes: its ARN, else its name within the account.
    public var alarmKey: String { alarmArn ?? "\(accountId ?? "-"):\(alarmName)" }

    /// The region code, from the ARN (`arn:aws:cloudwatch:eu-west-1:...`); CloudWatch sends only a display name.
    public var region: String? {
        guard let arn = alarmArn else { return nil }
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 3 && !parts[3].isEmpty ? String(parts[3]) : nil
    }

    /// A dimension of the alarm's metric.
    public func dimension(_ name: String) -> String? { trigger?.dimensions[name] }

    /// CloudWatch's longest alarm name.
    public static let maxAlarmNameLength = 255
    /// The longest `AlarmArn` accepted: the alarm's key must fit DynamoDB's 2,048-byte partition key.
    public static let maxAlarmArnLength = 1600
    /// How far ahead of this machine's clock a `StateChangeTime` may be: clocks differ a little, never by hours.
    public static let allowedSkew: Duration = .seconds(5 * 60)

    /// Reads a queue message's body.
    ///
    /// - Parameter nowMs: This machine's time, against which a `StateChangeTime` in the future is refused: an
    ///   episode dated years ahead would outrank every real one of its alarm until the item expires.
    /// - Throws: `Cases.InvalidMessage`: such a message never succeeds, whatever the retries.
    public init(body: String, nowMs: Int64) throws(CasesError) {
        guard case .object(var fields)? = try? JSONValue.parse(Array(body.utf8)) else {
            throw CasesError(.invalidMessage, "the message is not a JSON object")
        }
        if case .string(let type)? = fields["Type"], type == "Notification" {
            guard case .string(let message)? = fields["Message"],
                case .object(let inner)? = try? JSONValue.parse(Array(message.utf8))
            else {
                throw CasesError(.invalidMessage, "the SNS notification's Message is not a JSON object")
            }
            fields = inner
        }
        try self.init(fields: fields, nowMs: nowMs)
    }

    init(fields: JSONObject, nowMs: Int64 = Deadline.nowEpochMilliseconds()) throws(CasesError) {
        // CloudWatch writes these fields as strings: a number or any other type where one is expected is refused,
        // not read as text.
        for key in [
            "AlarmName", "AlarmDescription", "NewStateValue", "OldStateValue", "NewStateReason",
            "StateChangeTime", "Region", "AWSAccountId", "AlarmArn",
        ] {
            guard let value = fields[key], value != .null else { continue }
            guard case .string = value else {
                throw CasesError(.invalidMessage, "the message's \(key) is not a string")
            }
        }
        func text(_ key: String) -> String? {
            guard case .string(let value)? = fields[key], !value.isEmpty else { return nil }
            return value
        }
        guard let name = text("AlarmName") else {
            throw CasesError(.invalidMessage, "the message has no AlarmName")
        }
        // Counted in scalars: one character may be a letter and 200,000 combining marks.
        guard name.unicodeScalars.count <= Self.maxAlarmNameLength else {
            throw CasesError(.invalidMessage, "the AlarmName is longer than \(Self.maxAlarmNameLength) characters")
        }
        guard let time = text("StateChangeTime") else {
            throw CasesError(.invalidMessage, "the message for alarm \"\(name)\" has no StateChangeTime")
        }
        guard let timeMs = UTCTime.epochMilliseconds(parsing: time) else {
            throw CasesError(
                .invalidMessage,
                "alarm \"\(name)\": StateChangeTime is not a time as CloudWatch writes it (2026-12-01T19:01:00.000+0000)"
            )
        }
        guard timeMs <= nowMs + Self.allowedSkew.milliseconds else {
            throw CasesError(.invalidMessage, "alarm \"\(name)\": StateChangeTime is in the future")
        }
        if let account = text("AWSAccountId"), account.utf8.count > 64 {
            throw CasesError(.invalidMessage, "alarm \"\(name)\": AWSAccountId is longer than 64 bytes")
        }
        if let arn = text("AlarmArn"), !arn.hasPrefix("arn:") || arn.utf8.count > Self.maxAlarmArnLength {
            throw CasesError(.invalidMessage, "alarm \"\(name)\": AlarmArn is not an ARN of at most 1,600 bytes")
        }
        var state = State.alarm
        if let value = text("NewStateValue") {
            guard let known = State(rawValue: value) else {
                throw CasesError(.invalidMessage, "alarm \"\(name)\": NewStateValue \"\(value)\" is not a state")
            }
            state = known
        }
        var trigger: Trigger?
        if case .object(let parts)? = fields["Trigger"],
            let (metric, watched) = Self.watchedMetric(parts), !metric.isEmpty
        {
            var dimensions: [String: String] = [:]
            if case .array(let entries)? = watched["Dimensions"] {
                for case .object(let entry) in entries {
                    if let key = entry["name"]?.text, let value = entry["value"]?.text { dimensions[key] = value }
                }
            }
            func number(_ key: String) -> Double? {
                if case .number(let value)? = parts[key] { return value }
                return parts[key]?.text.flatMap(Double.init)
            }
            trigger = Trigger(
                metricName: metric, namespace: watched["Namespace"]?.text,
                statistic: parts["Statistic"]?.text ?? watched["Stat"]?.text,
                period: number("Period").flatMap { Int(exactly: $0) },
                evaluationPeriods: number("EvaluationPeriods").flatMap { Int(exactly: $0) },
                comparison: parts["ComparisonOperator"]?.text, threshold: number("Threshold"),
                dimensions: dimensions)
        }
        self.init(
            alarmName: name, alarmDescription: text("AlarmDescription"), state: state, oldState: text("OldStateValue"),
            reason: text("NewStateReason"), stateChangeTime: time, stateChangeMs: timeMs, regionName: text("Region"),
            accountId: text("AWSAccountId"), alarmArn: text("AlarmArn"), trigger: trigger)
    }

    /// The metric an alarm watches and the object that names it: the trigger itself for a metric alarm; for a
    /// metric-math alarm (a counter's rate), the one metric of `Metrics` with a `MetricStat`, whose `Metric` holds
    /// the name, namespace and dimensions (and `Stat` the statistic). Without it, a counter's alarm reached the
    /// worker with no customer and no catalog alarm.
    static func watchedMetric(_ trigger: JSONObject) -> (String, JSONObject)? {
        if let name = trigger["MetricName"]?.text { return (name, trigger) }
        guard case .array(let metrics)? = trigger["Metrics"] else { return nil }
        for case .object(let entry) in metrics {
            guard case .object(let stat)? = entry["MetricStat"], case .object(var metric)? = stat["Metric"],
                let name = metric["MetricName"]?.text
            else { continue }
            metric["Stat"] = stat["Stat"]
            return (name, metric)
        }
        return nil
    }
}
