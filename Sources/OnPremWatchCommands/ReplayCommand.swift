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

import ArgumentParser
import Core
import LambdaRuntime
import Logging
import MetricsCollector

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one event through the handler locally, with no Runtime API, and prints the result.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run one event JSON file through the handler and print the result (or the error JSON, exit 1)."
    )

    @Argument(help: "The event file, for example events/demo-query.json.")
    var event: String

    @Option(help: "The invocation's time budget in milliseconds, as Lambda's function timeout.")
    var timeoutMs: Int64 = 60_000

    func run() throws {
        let environment = Environment.current()
        let logger = LogSetup.bootstrap(environment: environment)
        guard let bytes = FileBytes.read(event) else {
            throw ValidationError("cannot read event file \(event)")
        }
        var handler: FunctionHandler
        do {
            handler = try FunctionHandler(environment: environment)
        } catch {
            Self.write(ErrorPayload(error).json + [0x0A], to: 1)
            throw ExitCode(1)
        }
        var contextLogger = logger
        contextLogger[metadataKey: "requestId"] = "replay"
        let context = LambdaContext(
            requestID: "replay", invokedFunctionARN: "arn:aws:lambda:local:000000000000:function:onprem-watch",
            traceID: nil, deadline: Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + timeoutMs),
            logger: contextLogger)
        do {
            let output = try handler.handle(bytes, context: context)
            Self.write(output + [0x0A], to: 1)
        } catch {
            Self.write(ErrorPayload(error).json + [0x0A], to: 1)
            throw ExitCode(1)
        }
    }

    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}
