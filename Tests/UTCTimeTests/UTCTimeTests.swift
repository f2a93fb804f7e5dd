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
}
