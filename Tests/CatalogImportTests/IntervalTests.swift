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

    @Test(
        "what is not a duration, and what a Go time.Duration cannot hold",
        arguments: ["", "30", "soon", "5 minutes", "1x", "99999999999999999999h", "9999999999999999999999999s", "300y"])
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

    @Test("no interval of its own for zero or NaN")
    func zero() {
        #expect(IntervalChoice(seconds: 0) == nil)
        #expect(IntervalChoice(seconds: .nan) == nil)
    }

    @Test(
        "a huge interval is the catalog's longest, with a report line, never a crash",
        arguments: [Double(Int.max), 1e300, .infinity, 9_223_372_036_854_775_807])
    func huge(tool: Double) throws {
        let choice = try #require(IntervalChoice(seconds: tool))
        #expect(choice.seconds == 86400)
        #expect(choice.adjustment?.hasSuffix("is longer than the catalog's longest interval; 86400 s instead") == true)
    }

    @Test("huge intervals in the tools' files: clamped with a report line, or refused as the tool refuses them")
    func hugeInFiles() throws {
        let yaml =
            "pg_a:\n  query: \"SELECT 1 AS n\"\n  cache_seconds: 9223372036854775807\n  metrics:\n    - n: {usage: GAUGE}\n"
        let pe = try CatalogImporter(format: .postgresExporter, versions: ["1"], files: LocalFiles())
            .run([ImportSource(path: "q.yaml", text: yaml)])
        #expect(pe.queries.first?.interval == 86400)
        let dd = "instances:\n  - host: db1\n    dbname: app\n    min_collection_interval: 9223372036854775807\n"
        let datadog = try CatalogImporter(format: .datadog, versions: ["1"], files: LocalFiles())
            .run([ImportSource(path: "conf.yaml", text: dd)])
        #expect(datadog.customers.first?.interval == 86400)
        let toml =
            "[[inputs.postgresql_extensible]]\n  address = \"host=a dbname=b\"\n  interval = \"9999999999999999999999999s\"\n"
        #expect(throws: ImportError.self) {
            try CatalogImporter(format: .telegraf, versions: ["1"], files: LocalFiles())
                .run([ImportSource(path: "t.conf", text: toml)])
        }
        let bare = "[[inputs.postgresql_extensible]]\n  address = \"host=a dbname=b\"\n  interval = 10\n"
        let telegraf = try CatalogImporter(format: .telegraf, versions: ["1"], files: LocalFiles())
            .run([ImportSource(path: "t.conf", text: bare)])
        #expect(telegraf.customers.first?.interval == 10)
    }
}
