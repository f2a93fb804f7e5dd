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
import LambdaRuntime
import Logging
import Testing

@testable import LambdaRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// A Runtime API made of values: a script of `/next` answers, and a record of what was posted.
struct ScriptedClient: RuntimeClient {
    enum Posted: Equatable {
        case response(String, [UInt8])
        case error(String, ErrorPayload)
    }
    var nextResults: [Result<Invocation, RuntimeError>]
    var respondFailure: RuntimeError?
    var posted: [Posted] = []
    var nextCalls = 0

    mutating func next() throws(RuntimeError) -> Invocation {
        nextCalls += 1
        guard !nextResults.isEmpty else { throw RuntimeError(.nonRecoverable, "script ended") }
        return try nextResults.removeFirst().get()
    }

    mutating func respond(requestID: String, body: [UInt8]) throws(RuntimeError) {
        if let respondFailure { throw respondFailure }
        posted.append(.response(requestID, body))
    }

    mutating func fail(requestID: String, error: ErrorPayload) throws(RuntimeError) {
        posted.append(.error(requestID, error))
    }
}

/// Answers by the event's text: `throw` throws, `big` returns more than the limit, anything else echoes.
struct ScriptedHandler: LambdaHandler {
    struct Failure: NamedError {
        var errorType: String { "Test.Failure" }
        var errorMessage: String { "asked to fail" }
    }
    var seenTraceIDs: [String?] = []

    mutating func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        seenTraceIDs.append(getenv(RuntimeAPI.traceEnvironmentVariable).map { String(cString: $0) })
        switch String(decoding: event, as: UTF8.self) {
        case "throw": throw Failure()
        case "big": return [UInt8](repeating: 0x20, count: RuntimeAPI.maxResponseBytes + 1)
        default: return event
        }
    }
}

extension ProcessEnvironmentTests {
    @Suite(.serialized) struct RuntimeLoopTests {
        static func invocation(_ id: String, _ event: String, trace: String? = nil) -> Result<Invocation, RuntimeError>
        {
            .success(
                Invocation(
                    requestID: id, deadline: Deadline(epochMilliseconds: 0), traceID: trace, event: Array(event.utf8)))
        }

        func loop(_ client: ScriptedClient) -> RuntimeLoop<ScriptedClient, ScriptedHandler> {
            var loop = RuntimeLoop(client: client, handler: ScriptedHandler(), logger: Logger(label: "test"))
            loop.retryBackoff = .milliseconds(1)
            return loop
        }

        @Test("a handler error is posted with its name and the loop serves the next invocation")
        func handlerErrorContinues() {
            var loop = loop(ScriptedClient(nextResults: [Self.invocation("1", "throw"), Self.invocation("2", "ok")]))
            #expect(loop.run(limit: 2) == nil)
            #expect(
                loop.client.posted == [
                    .error("1", ErrorPayload(errorType: "Test.Failure", errorMessage: "asked to fail")),
                    .response("2", Array("ok".utf8)),
                ])
        }

        @Test("a response over 6 MB becomes Runtime.ResponseTooLarge instead of a failed post")
        func oversizedResponse() {
            var loop = loop(ScriptedClient(nextResults: [Self.invocation("1", "big")]))
            _ = loop.run(limit: 1)
            guard case .error("1", let payload)? = loop.client.posted.first else {
                Issue.record("no error posted: \(loop.client.posted)")
                return
            }
            #expect(payload.errorType == "Runtime.ResponseTooLarge")
        }

        @Test("a 413 on /response is reported through /error")
        func response413() {
            var client = ScriptedClient(nextResults: [Self.invocation("1", "ok")])
            client.respondFailure = RuntimeError(.responseTooLarge, "413")
            var loop = loop(client)
            _ = loop.run(limit: 1)
            #expect(loop.client.posted.count == 1)
            if case .error("1", let payload)? = loop.client.posted.first {
                #expect(payload.errorType == "Runtime.ResponseTooLarge")
            } else {
                Issue.record("expected an error post")
            }
        }

        @Test("a 500 from /response stops the loop")
        func response500Exits() {
            var client = ScriptedClient(nextResults: [Self.invocation("1", "ok"), Self.invocation("2", "ok")])
            client.respondFailure = RuntimeError(.nonRecoverable, "500")
            var loop = loop(client)
            #expect(loop.run(limit: 2)?.code == .nonRecoverable)
            #expect(loop.client.nextCalls == 1)
        }

        @Test("a 500 from /next stops the loop at once")
        func next500Exits() {
            var loop = loop(ScriptedClient(nextResults: [.failure(RuntimeError(.nonRecoverable, "500"))]))
            #expect(loop.run()?.code == .nonRecoverable)
            #expect(loop.client.nextCalls == 1)
        }

        @Test("transport errors on /next are retried a bounded number of times")
        func nextRetries() {
            let failure = Result<Invocation, RuntimeError>.failure(RuntimeError(.transport, "refused"))
            var recovering = loop(ScriptedClient(nextResults: [failure, failure, Self.invocation("1", "ok")]))
            #expect(recovering.run(limit: 1) == nil)
            #expect(recovering.client.posted == [.response("1", Array("ok".utf8))])

            var failing = loop(ScriptedClient(nextResults: Array(repeating: failure, count: 10)))
            #expect(failing.run()?.code == .transport)
            #expect(failing.client.nextCalls == 5)
        }

        @Test("each invocation's trace id is in _X_AMZN_TRACE_ID, and cleared when absent")
        func traceEnvironment() {
            var loop = loop(
                ScriptedClient(nextResults: [Self.invocation("1", "a", trace: "Root=1-x"), Self.invocation("2", "b")]))
            _ = loop.run(limit: 2)
            #expect(loop.handler.seenTraceIDs == ["Root=1-x", nil])
        }
    }
}
