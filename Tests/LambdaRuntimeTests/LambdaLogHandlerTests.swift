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

    @Test("a text line stays one line: control characters from outside are escaped, a forged EMF line stays text")
    func escapes() {
        let forged = "x\n{\"_aws\":{\"CloudWatchMetrics\":[]},\"Customer\":\"Plant B\"}\r\u{1B}[2J\u{0}\u{85}\u{2028}\\"
        let line = LambdaLogHandler.render(
            format: .text, timestamp: "T", level: .info, message: forged, metadata: ["alarm": .string(forged)])
        #expect(
            !line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" })
        #expect(line.hasPrefix(#"T INFO x\n{"_aws""#))
        #expect(line.contains(#"\r\u{1B}[2J\u{0}\u{85}\u{2028}\\"#))
    }

    @Test("one character of 200,000 combining marks is cut by bytes, at a scalar's boundary")
    func combining() {
        let mark = "e" + String(repeating: "\u{301}", count: 200_000)
        let line = LambdaLogHandler.render(
            format: .text, timestamp: "T", level: .info, message: "m", metadata: ["alarm": .string(mark)])
        #expect(line.utf8.count < LambdaLogHandler.valueLimit + 100)
    }

    @Test("a megabyte value is cut in text and JSON lines, saying how much was left out")
    func caps() {
        let huge = String(repeating: "A", count: 1_000_000)
        for format in [LambdaLogHandler.Format.text, .json] {
            let line = LambdaLogHandler.render(
                format: format, timestamp: "T", level: .info, message: huge, metadata: ["alarm": .string(huge)])
            #expect(line.utf8.count < LambdaLogHandler.messageLimit + LambdaLogHandler.valueLimit + 200)
            #expect(line.contains("…(995904 more bytes)") && line.contains("…(998976 more bytes)"))
        }
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
