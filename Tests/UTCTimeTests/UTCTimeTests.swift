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

@testable import UTCTime

@Suite struct UTCTimeTests {
    @Test(
        "RFC 3339 and SigV4 forms of Unix time, across leap days, centuries and before 1970",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z", "19700101T000000Z"),
            (1_440_938_160_000, "2015-08-30T12:36:00.000Z", "20150830T123600Z"),
            (951_782_400_123, "2000-02-29T00:00:00.123Z", "20000229T000000Z"),
            (1_790_000_000_999, "2026-09-21T14:13:20.999Z", "20260921T141320Z"),
            (-1, "1969-12-31T23:59:59.999Z", "19691231T235959Z"),
        ])
    func formats(epochMs: Int64, rfc3339: String, amzDate: String) {
        #expect(UTCTime.rfc3339(epochMilliseconds: epochMs) == rfc3339)
        let seconds = epochMs >= 0 ? epochMs / 1000 : (epochMs - 999) / 1000
        #expect(UTCTime.amzDate(epochSeconds: seconds) == amzDate)
    }

    @Test(
        "reading CloudWatch's StateChangeTime and RFC 3339 gives the same instant the formatter writes",
        arguments: [1_796_151_660_000, 0, 951_782_400_123, 1_440_938_160_000] as [Int64])
    func roundTrip(epochMs: Int64) {
        #expect(UTCTime.epochMilliseconds(parsing: UTCTime.rfc3339(epochMilliseconds: epochMs)) == epochMs)
        let cloudWatch = UTCTime.rfc3339(epochMilliseconds: epochMs).dropLast() + "+0000"
        #expect(UTCTime.epochMilliseconds(parsing: String(cloudWatch)) == epochMs)
    }

    @Test("offsets count, and a fraction of any length up to nine digits")
    func offsets() {
        #expect(UTCTime.epochMilliseconds(parsing: "2026-12-01T20:01:00.000+0100") == 1_796_151_660_000)
        #expect(UTCTime.epochMilliseconds(parsing: "2026-12-01T14:01:00-05:00") == 1_796_151_660_000)
        #expect(UTCTime.epochMilliseconds(parsing: "2026-12-01T19:01:00.123456789Z") == 1_796_151_660_123)
        #expect(UTCTime.epochMilliseconds(parsing: "2026-12-01T19:01:00.5Z") == 1_796_151_660_500)
    }

    @Test(
        "anything CloudWatch does not write is nil, with nothing guessed",
        arguments: [
            "", "t", "yesterday-ish ' OR 1=1 --", "2026-12-01", "2026-12-01T19:01:00", "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T19:60:00Z", "2026-12-01T19:01:00.Z",
            "2026-12-01T19:01:00.0000000000Z", "2026-12-01T19:01:00.000+0000 ", "2026-12-01 19:01:00Z",
            "+2026-12-01T19:01:00Z", "2026-12-01T19:01:00.000+2500", "２０２６-12-01T19:01:00Z",
        ])
    func refused(text: String) {
        #expect(UTCTime.epochMilliseconds(parsing: text) == nil)
    }
}
