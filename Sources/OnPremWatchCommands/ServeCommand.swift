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

/// Runs the Runtime API loop: what `bootstrap` starts inside Lambda.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve invocations from the Lambda Runtime API named by AWS_LAMBDA_RUNTIME_API (the default)."
    )

    @Option(help: "Stop after this many invocations (for tests and benchmarks).")
    var limit: Int?

    func run() throws {
        switch Serve.run(limit: limit) {
        case .finished: return
        case .notConfigured(let message): throw ValidationError(message)
        case .failed: throw ExitCode(1)
        }
    }
}

/// The serve loop itself, callable without the argument parser.
public enum Serve: Sendable {
    /// How serving ended.
    public enum Outcome: Equatable, Sendable {
        /// The invocation limit was reached.
        case finished
        /// `AWS_LAMBDA_RUNTIME_API` is missing or unreadable; the message says what to do.
        case notConfigured(String)
        /// Init failed (reported through `/init/error`) or the Runtime API failed for good; already logged.
        case failed
    }

    /// Serves invocations until `limit` is reached or the Runtime API fails.
    public static func run(limit: Int? = nil) -> Outcome {
        let environment = Environment.current()
        let logger = LogSetup.bootstrap(environment: environment)
        guard let value = environment["AWS_LAMBDA_RUNTIME_API"], let endpoint = RuntimeEndpoint(value) else {
            return .notConfigured(
                "AWS_LAMBDA_RUNTIME_API is not set (or not host:port or a URL); to run one event locally use: "
                    + "onprem-watch replay EVENT.json")
        }
        var client = CurlRuntimeClient(endpoint: endpoint)
        let handler: FunctionHandler
        do {
            handler = try FunctionHandler(environment: environment)
        } catch {
            let payload = ErrorPayload(error)
            logger.critical(
                "init failed", metadata: ["errorType": "\(payload.errorType)", "error": "\(payload.errorMessage)"])
            try? client.initFailed(payload)
            return .failed
        }
        var loop = RuntimeLoop(client: client, handler: handler, logger: logger)
        if let error = loop.run(limit: limit) {
            logger.critical("runtime loop stopped", metadata: ["error": "\(error)"])
            return .failed
        }
        return .finished
    }
}
