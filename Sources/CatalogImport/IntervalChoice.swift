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

/// A tool's interval as one the catalog can schedule (docs/catalog.md): under a minute a divisor of 60, else whole
/// minutes up to a day.
struct IntervalChoice: Equatable, Sendable {
    /// The catalog's interval, in seconds.
    var seconds: Int
    /// Why it differs from the tool's, when it does (for the report).
    var adjustment: String?

    /// The catalog interval for a tool's `seconds`: the same where the catalog can run it, else the next longer
    /// one it can, so that the query never runs more often than the tool ran it (its `cache_seconds` or
    /// `min_interval` was there to spare the server). `nil` for 0 or less: no interval of its own.
    init?(seconds tool: Double) {
        guard tool > 0, !tool.isNaN else { return nil }
        let valid = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] + (1...1440).map { $0 * 60 }
        if let exact = valid.first(where: { Double($0) == tool }) {
            self.seconds = exact
            self.adjustment = nil
        } else if let longer = valid.first(where: { Double($0) >= tool }) {
            self.seconds = longer
            self.adjustment =
                "\(Self.shown(tool)) s is not an interval the catalog schedules (a divisor of 60, or whole minutes); "
                + "\(longer) s instead"
        } else {
            self.seconds = 86_400
            self.adjustment = "\(Self.shown(tool)) s is longer than the catalog's longest interval; 86400 s instead"
        }
    }

    private static func shown(_ seconds: Double) -> String {
        seconds.isFinite && seconds == seconds.rounded() && abs(seconds) < 1e15
            ? String(Int64(seconds)) : String(seconds)
    }
}
