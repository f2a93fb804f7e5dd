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

/// Durations as the tools write them, in seconds.
enum DurationText {
    /// A Go or Prometheus duration (`30s`, `5m`, `1h30m`, `500ms`, `0s`, `0`; Prometheus adds `d`, `w`, `y`),
    /// in seconds; `nil` when the text is not one. sql_exporter reads `min_interval` and Telegraf its `interval`
    /// with these parsers.
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
            ("w", 604_800), ("y", 31_536_000),
        ]
        var rest = Substring(text.trimmingSpaces)
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // The longest unit that the text starts with: `ms` before `m`.
            guard let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else {
                return nil
            }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        // Go's time.ParseDuration (and Prometheus' parser) refuse what a time.Duration, int64 nanoseconds, cannot hold.
        return isGoDuration(total) ? total : nil
    }

    /// Whether `seconds` is finite and fits a Go time.Duration (int64 nanoseconds, about 292 years).
    static func isGoDuration(_ seconds: Double) -> Bool {
        seconds.isFinite && seconds >= 0 && seconds < 9_223_372_036.854_775
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
