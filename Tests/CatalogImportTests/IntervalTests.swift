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

import Testing

@testable import CatalogImport

/// The tools' durations, and the intervals the catalog can schedule.
@Suite struct IntervalTests {
    @Test(
        "Go and Prometheus durations in seconds",
        arguments: [
            ("30s", 30.0), ("5m", 300), ("1h30m", 5400), ("500ms", 0.5), ("0s", 0), ("0", 0), ("1d", 86400),
            (" 10s ", 10),
        ])
    func durations(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test("what is not a duration", arguments: ["", "30", "soon", "5 minutes", "1x"])
    func notDurations(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }

    @Test(
        "an interval the catalog schedules as it is, another as the next longer one, with the reason",
        arguments: [
            (30.0, 30, false), (60, 60, false), (300, 300, false), (45, 60, true), (7, 10, true), (0.5, 1, true),
            (90, 120, true), (100_000, 86400, true),
        ])
    func intervals(tool: Double, seconds: Int, adjusted: Bool) throws {
        let choice = try #require(IntervalChoice(seconds: tool))
        #expect(choice.seconds == seconds)
        #expect((choice.adjustment != nil) == adjusted)
    }

    @Test("no interval of its own for zero")
    func zero() {
        #expect(IntervalChoice(seconds: 0) == nil)
    }
}
