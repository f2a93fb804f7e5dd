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

import JSON
import UTCTime

/// A time when a customer's alarms send nothing: its site is being worked on. The stack carries it out itself
/// (`onprem-watch synth`): EventBridge Scheduler disables the customer's alarm actions at the start and enables
/// them at the end (CloudWatch's `DisableAlarmActions`, `EnableAlarmActions`), so the alarms still change state
/// and show on the dashboard, but raise no case. Monitoring-as-code forbids the console; this is the catalog's way.
///
/// ```json
/// "maintenance": [{"from": "2026-12-10T22:00:00Z", "to": "2026-12-11T02:00:00Z"},
///                 {"start": "cron(0 22 ? * SUN *)", "end": "cron(0 2 ? * MON *)", "timezone": "Europe/Berlin"}]
/// ```
public enum MaintenanceWindow: Sendable, Equatable {
    /// Once, between two times (RFC 3339), in UTC.
    case once(fromMs: Int64, toMs: Int64)
    /// Every time `start` fires until the next `end` (Scheduler's `cron(...)` expressions) in `timezone` (IANA).
    case recurring(start: String, end: String, timezone: String)

    /// The schedule expressions of its start and end, and their time zone.
    public var schedule: (start: String, end: String, timezone: String) {
        switch self {
        case .once(let from, let to): ("at(\(Self.schedulerTime(from)))", "at(\(Self.schedulerTime(to)))", "UTC")
        case .recurring(let start, let end, let timezone): (start, end, timezone)
        }
    }

    /// Scheduler's `at()` form: `yyyy-mm-ddThh:mm:ss`.
    static func schedulerTime(_ ms: Int64) -> String { String(UTCTime.rfc3339(epochMilliseconds: ms).prefix(19)) }

    /// A customer's windows at most: each is two schedules.
    static let maximum = 10

    /// Reads a customer's `maintenance` list.
    static func list(in fields: JSONObject, place: String) throws(CatalogError) -> [MaintenanceWindow] {
        guard let value = fields["maintenance"], value != .null else { return [] }
        guard case .array(let entries) = value, entries.count <= maximum else {
            throw CatalogError(.invalid, "\(place): maintenance must list at most \(maximum) windows")
        }
        var windows: [MaintenanceWindow] = []
        for (index, entry) in entries.enumerated() {
            let windowPlace = "\(place).maintenance[\(index)]"
            guard case .object(let object) = entry else {
                throw CatalogError(.invalid, "\(windowPlace): not an object")
            }
            let reader = FieldReader(fields: object, place: windowPlace)
            if object["from"] != nil || object["to"] != nil {
                try reader.refuseUnknownKeys(["from", "to"])
                let from = try reader.requiredText("from")
                let to = try reader.requiredText("to")
                guard let fromMs = UTCTime.epochMilliseconds(parsing: from),
                    let toMs = UTCTime.epochMilliseconds(parsing: to)
                else {
                    throw CatalogError(
                        .invalid, "\(windowPlace): from and to are RFC 3339 times (2026-12-10T22:00:00Z)")
                }
                guard toMs > fromMs, toMs - fromMs <= 31 * 86_400_000 else {
                    throw CatalogError(.invalid, "\(windowPlace): to must be after from, within 31 days")
                }
                windows.append(.once(fromMs: fromMs, toMs: toMs))
            } else {
                try reader.refuseUnknownKeys(["start", "end", "timezone"])
                let start = try reader.requiredText("start")
                let end = try reader.requiredText("end")
                let timezone = try reader.optionalText("timezone") ?? "UTC"
                for (key, cron) in [("start", start), ("end", end)] where !isCron(cron) {
                    throw CatalogError(
                        .invalid,
                        "\(windowPlace): \(key) \"\(cron)\" is not a Scheduler cron expression: cron(minutes hours "
                            + "day-of-month month day-of-week year), such as cron(0 22 ? * SUN *)")
                }
                guard isTimeZone(timezone) else {
                    throw CatalogError(
                        .invalid, "\(windowPlace): timezone \"\(timezone)\" is not an IANA name (Europe/Berlin)")
                }
                windows.append(.recurring(start: start, end: end, timezone: timezone))
            }
        }
        return windows
    }

    /// `cron(` six fields of Scheduler's characters `)`.
    static func isCron(_ text: String) -> Bool {
        guard text.hasPrefix("cron("), text.hasSuffix(")") else { return false }
        let fields = text.dropFirst(5).dropLast().split(separator: " ")
        return fields.count == 6
            && fields.allSatisfy {
                $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ",-*?/LW#".contains($0)) }
            }
    }

    /// An IANA time zone's form: `UTC`, or `Area/Location` of ASCII letters, digits, `_`, `-`, `+`.
    static func isTimeZone(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_-+".contains($0)) }
            && !text.hasPrefix("/") && !text.hasSuffix("/")
    }
}
