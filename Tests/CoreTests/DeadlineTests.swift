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

@testable import Core

@Suite struct DeadlineTests {
    let now: Int64 = 1_790_000_000_000

    @Test("an epoch-ms header is the deadline itself")
    func epoch() {
        #expect(Deadline.parse(header: "1790000003000", now: now).remaining(now: now) == .seconds(3))
        #expect(Deadline.parse(header: " 1790000003000\t", now: now).remaining(now: now) == .seconds(3))
    }

    @Test("cargo-lambda's 600000 is a duration from now, not an instant timeout")
    func durationFromEmulator() {
        let deadline = Deadline.parse(header: "600000", now: now)
        #expect(deadline.remaining(now: now) == .seconds(600))
    }

    @Test("a missing or broken header gives the fallback budget", arguments: [nil, "", "soon", "-5", "0"])
    func fallback(header: String?) {
        #expect(Deadline.parse(header: header, now: now, fallback: .seconds(7)).remaining(now: now) == .seconds(7))
    }

    @Test("the wall clock reads as a plausible epoch")
    func clock() {
        #expect(Deadline.nowEpochMilliseconds() > Deadline.plausibleEpochFloor)
    }

    @Test("Duration converts to whole milliseconds")
    func durationMilliseconds() {
        #expect(Duration.milliseconds(1500).milliseconds == 1500)
        #expect(Duration.seconds(2).milliseconds == 2000)
    }

    @Test("a deadline less a margin, plus a duration, and a duration from now")
    func arithmetic() {
        let deadline = Deadline(epochMilliseconds: 10_000)
        #expect((deadline - .milliseconds(200)).epochMilliseconds == 9800)
        #expect((deadline + .seconds(1)).epochMilliseconds == 11_000)
        #expect(Deadline.after(.milliseconds(1500), now: 1000).epochMilliseconds == 2500)
    }
}
