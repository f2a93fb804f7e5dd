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

/// What a case says, built from the notification and its route: the same text goes to AWS Support and to a
/// webhook.
public struct CaseDocument: Sendable, Equatable {
    public var subject: String
    public var body: String
    public var severity: CasePolicy.Severity
    public var ccEmails: [String]

    /// AWS Support's `subject` is free text; a long one is cut so that a ticketing system shows it whole.
    public static let subjectLength = 200
    /// AWS Support's limit on `communicationBody`, of `CreateCase` and `AddCommunicationToCase` alike.
    public static let bodyLength = 8000

    public init(subject: String, body: String, severity: CasePolicy.Severity, ccEmails: [String]) {
        self.subject = subject
        self.body = body
        self.severity = severity
        self.ccEmails = ccEmails
    }

    /// The case an `ALARM` (or, where the catalog says so, `INSUFFICIENT_DATA`) transition raises.
    public init(raising notification: AlarmNotification, route: CaseRoute) {
        let who = route.customerDimension ?? notification.alarmName
        var what = notification.trigger?.metricName ?? notification.alarmName
        if let trigger = notification.trigger, let comparison = trigger.comparison,
            let threshold = trigger.threshold
        {
            what += " \(Self.symbol(comparison)) \(Self.number(threshold))"
        }
        let subject = "\(who): \(what) (\(notification.state.rawValue))"
        var lines = ["Alarm: \(notification.alarmName)"]
        if let description = notification.alarmDescription { lines.append("Description: \(description)") }
        lines.append("State: \(notification.oldState ?? "?") -> \(notification.state.rawValue)")
        if let reason = notification.reason { lines.append("Reason: \(reason)") }
        lines += Self.metricLines(notification)
        lines.append("Time: \(notification.stateChangeTime)")
        if let region = notification.region ?? notification.regionName { lines.append("Region: \(region)") }
        if let account = notification.accountId { lines.append("Account: \(account)") }
        if let link = Self.consoleLink(notification) { lines.append("Console: \(link)") }
        if let runbook = route.policy.runbook { lines += ["", "Runbook:", runbook] }
        self.init(
            subject: String(subject.prefix(Self.subjectLength)), body: Self.cut(lines.joined(separator: "\n")),
            severity: route.policy.severity ?? .low, ccEmails: route.policy.ccEmails ?? [])
    }

    /// The note an `OK` transition (or an `INSUFFICIENT_DATA` one, where the catalog says so) adds to the
    /// episode's case.
    public static func recovery(_ notification: AlarmNotification) -> String {
        let state = notification.state.rawValue
        var lines = [
            notification.state == .ok
                ? "Recovered: alarm \(notification.alarmName) is OK since \(notification.stateChangeTime)."
                : "Alarm \(notification.alarmName) is \(state) since \(notification.stateChangeTime)."
        ]
        if let reason = notification.reason { lines.append("Reason: \(reason)") }
        return cut(lines.joined(separator: "\n"))
    }

    /// The note an alarm beyond the customer's hourly case limit adds to the customer's open case.
    public func asNote() -> String {
        Self.cut("Another alarm for this customer, beyond its hourly case limit: \(subject)\n\n\(body)")
    }

    /// The note an alarm that fired again adds to the case its episode still has open (it went through
    /// `INSUFFICIENT_DATA`, not `OK`).
    public func asRepeat() -> String {
        Self.cut("The alarm fired again before it recovered: \(subject)\n\n\(body)")
    }

    /// A line that names the action for good, put in the case's body: a worker that takes over a lapsed claim
    /// finds by it the case that the worker before it raised but did not record. Sixteen hex digits of a hash of
    /// the action's key (FNV-1a), short enough for any ticketing system.
    public static func reference(forKey key: String) -> String {
        "OnPremWatch reference " + StableHash.hex(StableHash.fnv1a(key))
    }

    /// This document with its reference as the last line, within the body's limit.
    public func referenced(_ reference: String) -> CaseDocument {
        var copy = self
        copy.body = String(body.prefix(Self.bodyLength - reference.count - 2)) + "\n\n" + reference
        return copy
    }

    /// `text` within AWS Support's body limit.
    static func cut(_ text: String) -> String {
        text.count <= bodyLength ? text : String(text.prefix(bodyLength - 1)) + "…"
    }

    static func metricLines(_ notification: AlarmNotification) -> [String] {
        guard let trigger = notification.trigger else { return [] }
        var metric = "Metric: \(trigger.namespace.map { "\($0)/" } ?? "")\(trigger.metricName)"
        if let statistic = trigger.statistic { metric += ", \(statistic.lowercased())" }
        if let period = trigger.period { metric += " over \(period) s" }
        if let periods = trigger.evaluationPeriods { metric += ", \(periods) periods" }
        let dimensions = trigger.dimensions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return [metric, "Dimensions: \(dimensions.isEmpty ? "none" : dimensions.joined(separator: ", "))"]
    }

    /// The alarm's page in the CloudWatch console, when the ARN gives its region.
    public static func consoleLink(_ notification: AlarmNotification) -> String? {
        guard let region = notification.region else { return nil }
        let name = notification.alarmName.utf8.map { byte -> String in
            let char = Character(Unicode.Scalar(byte))
            if char.isASCII && (char.isLetter || char.isNumber || "-_.~".contains(char)) { return String(char) }
            return "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }.joined()
        return "https://\(region).console.aws.amazon.com/cloudwatch/home?region=\(region)#alarmsV2:alarm/\(name)"
    }

    static func symbol(_ comparison: String) -> String {
        switch comparison {
        case "GreaterThanThreshold": ">"
        case "GreaterThanOrEqualToThreshold": ">="
        case "LessThanThreshold": "<"
        case "LessThanOrEqualToThreshold": "<="
        default: comparison
        }
    }

    /// A threshold as a person writes it: `80`, not `80.0`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
