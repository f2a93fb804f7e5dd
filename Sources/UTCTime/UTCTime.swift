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

/// UTC calendar formatting of Unix time, without Foundation's formatters or the C library's `gmtime`: log
/// lines, SigV4 dates and CloudWatch timestamps all need it on hot paths.
public enum UTCTime: Sendable {
    /// `2026-11-21T12:34:56.789Z` (RFC 3339 with milliseconds).
    public static func rfc3339(epochMilliseconds: Int64) -> String {
        let (seconds, millis) = floorDivide(epochMilliseconds, 1000)
        let parts = civil(epochSeconds: seconds)
        return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T\(pad(parts.hour, 2)):"
            + "\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(millis, 3))Z"
    }

    /// `20261121T123456Z`, the form SigV4 signs.
    public static func amzDate(epochSeconds: Int64) -> String {
        let parts = civil(epochSeconds: epochSeconds)
        return "\(pad(parts.year, 4))\(pad(parts.month, 2))\(pad(parts.day, 2))T\(pad(parts.hour, 2))"
            + "\(pad(parts.minute, 2))\(pad(parts.second, 2))Z"
    }

    /// The UTC calendar fields of a Unix time (Howard Hinnant's days-to-civil algorithm).
    static func civil(epochSeconds: Int64) -> (
        year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64
    ) {
        let (days, secondsOfDay) = floorDivide(epochSeconds, 86400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secondsOfDay / 3600, secondsOfDay % 3600 / 60, secondsOfDay % 60)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
