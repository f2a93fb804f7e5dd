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
        abstract: "Run one event JSON file through the handler and print the result (or the error JSON, exit 1).",
        discussion: """
            replay reads the environment as the function does in Lambda
            (docs/configuration.md lists every variable):

            ONPREM_CATALOG       the catalog (default: catalog.json)
            _HANDLER             metrics (default) or cases
            ONPREM_METRICS_SINK  cloudwatch (default; needs AWS credentials),
                                 emf (EMF lines on stdout, no credentials),
                                 or none
            ONPREM_NAMESPACE     the CloudWatch namespace (default OnPremWatch)
            ONPREM_HEALTH        collection health: query (default), customer
            ONPREM_PG_CA_BUNDLE  CAs that verify customers' servers
            PGUSER, PGPASSWORD   the login of customers without a secret
            AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
            AWS_REGION           for the cloudwatch sink and secrets
            AWS_ENDPOINT_URL     a local stand-in (moto) instead of AWS
            AWS_LAMBDA_LOG_LEVEL, AWS_LAMBDA_LOG_FORMAT: the log, on stderr

            Without an AWS account:
              ONPREM_METRICS_SINK=emf onprem-watch replay events/demo-query.json
            """
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
