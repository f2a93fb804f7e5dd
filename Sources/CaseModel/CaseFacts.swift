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
public import JSON
import UTCTime

/// The case as data, for a ticketing system (the webhook's `case` object, docs/webhook.schema.json): who, what,
/// how far past the threshold, when, and where to look. The text of ``CaseDocument`` says the same for people.
public struct CaseFacts: Sendable, Equatable {
    public var json: JSONValue

    public init(_ notification: AlarmNotification, route: CaseRoute) {
        let trigger = notification.trigger
        var dimensions = JSONObject()
        for (name, value) in (trigger?.dimensions ?? [:]).sorted(by: { $0.key < $1.key })
        where name != "Customer" && name != "Query" {
            dimensions[name] = .string(value)
        }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        var alarm: JSONObject = [
            "name": .string(notification.alarmName), "arn": text(notification.alarmArn),
            "description": text(notification.alarmDescription), "region": text(notification.region),
            "account": text(notification.accountId),
        ]
        if let link = CaseDocument.consoleLink(notification) { alarm["console"] = .string(link) }
        json = [
            "customer": text(route.opname ?? route.customerDimension), "query": text(route.query),
            "kpi": .string(trigger?.metricName ?? notification.alarmName),
            "value": number(Self.latestValue(notification.reason)), "threshold": number(trigger?.threshold),
            "comparison": text(trigger?.comparison), "statistic": text(trigger?.statistic),
            "period": number(trigger?.period.map(Double.init)),
            "evaluationPeriods": number(trigger?.evaluationPeriods.map(Double.init)),
            "state": .string(notification.state.rawValue), "previousState": text(notification.oldState),
            "stateChangeTime": .string(UTCTime.rfc3339(epochMilliseconds: notification.stateChangeMs)),
            "reason": text(notification.reason), "dimensions": .object(dimensions),
            "severity": .string((route.policy.severity ?? .low).rawValue), "runbook": text(route.policy.runbook),
            "alarm": .object(alarm),
        ]
    }

    /// The newest datapoint CloudWatch quotes in `NewStateReason` (`... datapoints [92.0 (01/12/26 19:00:00),
    /// ...]`): its value is in no other field.
    static func latestValue(_ reason: String?) -> Double? {
        guard let reason, let open = reason.firstIndex(of: "[") else { return nil }
        let rest = reason[reason.index(after: open)...]
        let number = rest.prefix { $0 != " " && $0 != "(" && $0 != "]" && $0 != "," }
        return Double(number).flatMap { $0.isFinite ? $0 : nil }
    }
}
