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
public import Logging

/// The runtime's main loop: fetch an invocation, run the handler, post the answer, repeat.
///
/// A handler error, an oversized response or a refused post ends that invocation only; the loop goes on. The loop
/// ends when the Runtime API says it is unrecoverable (500), or when `/next` keeps failing after bounded retries.
public struct RuntimeLoop<Client: RuntimeClient, Handler: LambdaHandler> {
    public var client: Client
    public var handler: Handler
    public let logger: Logger
    /// Attempts at `/next` before giving up on transport errors or refusals.
    public var nextAttempts = 5
    /// Pause before the first retry of `/next`, doubled each time.
    public var retryBackoff: Duration = .milliseconds(10)
    /// Where each invocation's trace id goes (`_X_AMZN_TRACE_ID`), for the X-Ray SDKs a handler may use.
    private let traceEnvironment = TraceEnvironment(name: RuntimeAPI.traceEnvironmentVariable)

    public init(client: Client, handler: Handler, logger: Logger) {
        self.client = client
        self.handler = handler
        self.logger = logger
    }

    /// Serves invocations until the Runtime API fails for good or `limit` invocations are done.
    ///
    /// - Parameter limit: Stop after this many invocations (tests, benchmarks); `nil` serves forever.
    /// - Returns: Why the loop stopped: `nil` when `limit` was reached.
    public mutating func run(limit: Int? = nil) -> RuntimeError? {
        var served = 0
        while limit.map({ served < $0 }) ?? true {
            let invocation: Invocation
            switch nextWithRetry() {
            case .success(let value): invocation = value
            case .failure(let error): return error
            }
            served += 1
            if let error = serve(invocation) { return error }
        }
        return nil
    }

    /// Gets the next invocation, retrying transport errors and refusals a bounded number of times.
    private mutating func nextWithRetry() -> Result<Invocation, RuntimeError> {
        var pause = retryBackoff
        var attempt = 1
        while true {
            do {
                return .success(try client.next())
            } catch {
                if error.code == .nonRecoverable || attempt >= nextAttempts {
                    logger.error(
                        "runtime API failed, exiting", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                    return .failure(error)
                }
                logger.warning("GET /next failed, retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                Pause.sleep(for: pause)
                pause *= 2
                attempt += 1
            }
        }
    }

    /// Runs the handler for one invocation and posts its outcome.
    ///
    /// - Returns: An error only when the runtime must exit.
    private mutating func serve(_ invocation: Invocation) -> RuntimeError? {
        traceEnvironment.set(invocation.traceID)
        var logger = self.logger
        logger[metadataKey: "requestId"] = .string(invocation.requestID)
        let context = LambdaContext(
            requestID: invocation.requestID, invokedFunctionARN: invocation.invokedFunctionARN,
            traceID: invocation.traceID, deadline: invocation.deadline, logger: logger)
        logger.trace("event", metadata: ["event": "\(String(decoding: invocation.event, as: UTF8.self))"])

        let outcome: Outcome
        do {
            let body = try handler.handle(invocation.event, context: context)
            outcome = body.count > RuntimeAPI.maxResponseBytes ? .failure(Self.tooLarge(body.count)) : .response(body)
        } catch {
            outcome = .failure(ErrorPayload(error))
        }

        do throws(RuntimeError) {
            switch outcome {
            case .response(let body):
                do throws(RuntimeError) {
                    try client.respond(requestID: invocation.requestID, body: body)
                } catch  where error.code == .responseTooLarge {
                    try client.fail(requestID: invocation.requestID, error: Self.tooLarge(body.count))
                }
            case .failure(let payload):
                logger.error("invocation failed", metadata: ["errorType": "\(payload.errorType)"])
                try client.fail(requestID: invocation.requestID, error: payload)
            }
        } catch {
            if error.code == .nonRecoverable { return error }
            logger.error("could not post the invocation's outcome", metadata: ["error": "\(error)"])
        }
        return nil
    }

    /// What a handler produced for one invocation.
    private enum Outcome {
        case response([UInt8])
        case failure(ErrorPayload)
    }

    private static func tooLarge(_ count: Int) -> ErrorPayload {
        ErrorPayload(
            errorType: RuntimeError.Code.responseTooLarge.name,
            errorMessage: "response of \(count) bytes is over the limit of \(RuntimeAPI.maxResponseBytes)")
    }
}

/// Not `Sendable`, on purpose: it holds handles that one thread at a time may use.
@available(*, unavailable)
extension RuntimeLoop: Sendable {}
