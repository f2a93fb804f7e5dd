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
    /// As CloudWatch writes it, `2026-12-01T19:01:00.000+0000`: it names the episode, and because CloudWatch
    /// always writes UTC in this one form, two of them order as text.
    public var stateChangeTime: String
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
        reason: String? = nil, stateChangeTime: String, regionName: String? = nil, accountId: String? = nil,
        alarmArn: String? = nil, trigger: Trigger? = nil
    ) {
        self.alarmName = alarmName
        self.alarmDescription = alarmDescription
        self.state = state
        self.oldState = oldState
        self.reason = reason
        self.stateChangeTime = stateChangeTime
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

    /// Reads a queue message's body.
    ///
    /// - Throws: ``CasesError/Code/invalidMessage``: such a message never succeeds, whatever the retries.
    public init(body: String) throws(CasesError) {
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
        try self.init(fields: fields)
    }

    init(fields: JSONObject) throws(CasesError) {
        func text(_ key: String) -> String? {
            guard let value = fields[key]?.text, !value.isEmpty else { return nil }
            return value
        }
        guard let name = text("AlarmName") else {
            throw CasesError(.invalidMessage, "the message has no AlarmName")
        }
        guard let time = text("StateChangeTime") else {
            throw CasesError(.invalidMessage, "the message for alarm \"\(name)\" has no StateChangeTime")
        }
        var state = State.alarm
        if let value = text("NewStateValue") {
            guard let known = State(rawValue: value) else {
                throw CasesError(.invalidMessage, "alarm \"\(name)\": NewStateValue \"\(value)\" is not a state")
            }
            state = known
        }
        var trigger: Trigger?
        if case .object(let parts)? = fields["Trigger"], let metric = parts["MetricName"]?.text, !metric.isEmpty {
            var dimensions: [String: String] = [:]
            if case .array(let entries)? = parts["Dimensions"] {
                for case .object(let entry) in entries {
                    if let key = entry["name"]?.text, let value = entry["value"]?.text { dimensions[key] = value }
                }
            }
            func number(_ key: String) -> Double? {
                if case .number(let value)? = parts[key] { return value }
                return parts[key]?.text.flatMap(Double.init)
            }
            trigger = Trigger(
                metricName: metric, namespace: parts["Namespace"]?.text, statistic: parts["Statistic"]?.text,
                period: number("Period").flatMap { Int(exactly: $0) },
                evaluationPeriods: number("EvaluationPeriods").flatMap { Int(exactly: $0) },
                comparison: parts["ComparisonOperator"]?.text, threshold: number("Threshold"),
                dimensions: dimensions)
        }
        self.init(
            alarmName: name, alarmDescription: text("AlarmDescription"), state: state, oldState: text("OldStateValue"),
            reason: text("NewStateReason"), stateChangeTime: time, regionName: text("Region"),
            accountId: text("AWSAccountId"), alarmArn: text("AlarmArn"), trigger: trigger)
    }
}
