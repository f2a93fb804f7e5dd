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

import Core
import Logging
import Testing

@testable import LambdaRuntime

@Suite struct LambdaLogHandlerTests {
    @Test("JSON records carry timestamp, level, message and requestId first, then sorted metadata")
    func json() {
        let line = LambdaLogHandler.render(
            format: .json, timestamp: "2026-11-21T12:00:00.000Z", level: .warning, message: "slow \"query\"",
            metadata: ["requestId": "r1", "b": "2", "a": "1"])
        #expect(
            line
                == #"{"timestamp":"2026-11-21T12:00:00.000Z","level":"WARN","message":"slow \"query\"","requestId":"r1","a":"1","b":"2"}"#
        )
    }

    @Test("text records are one line with the request id after the level")
    func text() {
        let line = LambdaLogHandler.render(
            format: .text, timestamp: "T", level: .error, message: "failed", metadata: ["requestId": "r1", "k": "v"])
        #expect(line == "T ERROR r1 failed k=v")
    }

    @Test(
        "AWS_LAMBDA_LOG_LEVEL names map to swift-log levels, info by default",
        arguments: [
            ("TRACE", Logger.Level.trace), ("debug", .debug), ("WARN", .warning), ("ERROR", .error),
            ("FATAL", .critical), ("", .info),
        ])
    func levels(name: String, level: Logger.Level) {
        #expect(LambdaLogHandler.level(name) == level)
    }

    @Test("the format comes from AWS_LAMBDA_LOG_FORMAT")
    func formatFromEnvironment() {
        #expect(LambdaLogHandler(label: "t", environment: ["AWS_LAMBDA_LOG_FORMAT": "JSON"]).format == .json)
        #expect(LambdaLogHandler(label: "t", environment: [:]).format == .text)
    }

    @Test("timestamps are RFC 3339 UTC with milliseconds")
    func rfc3339() {
        #expect(LambdaLogHandler.rfc3339(epochMilliseconds: 1_790_000_000_123) == "2026-09-21T14:13:20.123Z")
    }
}
