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

import CatalogModel
import Core
import CurlHTTP
import Foundation
import LambdaRuntime
import Logging
import MetricModel
import MetricsCollector
import Testing

@testable import PostgresClient

/// The runtime loop over libcurl against a stand-in Runtime API that produces the faults cargo-lambda cannot.
@Suite struct RuntimeFaultTests {
    static let nextHeaders: [(String, String)] = [
        ("Lambda-Runtime-Aws-Request-Id", "req-1"),
        ("Lambda-Runtime-Deadline-Ms", "\(Deadline.nowEpochMilliseconds() + 60_000)"),
        ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:f"),
        ("Lambda-Runtime-Trace-Id", "Root=1-abc"),
        ("Content-Type", "application/json"),
    ]

    func loop(_ server: StandInServer) throws -> RuntimeLoop<CurlRuntimeClient, EchoHandler> {
        let endpoint = try #require(RuntimeEndpoint("127.0.0.1:\(server.port)"))
        var loop = RuntimeLoop(
            client: CurlRuntimeClient(endpoint: endpoint), handler: EchoHandler(), logger: Logger(label: "t"))
        loop.retryBackoff = .milliseconds(1)
        return loop
    }

    @Test("a 500 on /next makes the runtime exit at once")
    func next500() throws {
        let server = try StandInServer { _, _ in .respond(status: 500) }
        defer { server.stop() }
        var loop = try loop(server)
        #expect(loop.run()?.code == .nonRecoverable)
        #expect(server.requests.count == 1)
    }

    @Test("connection refused on /next is retried five times, then the runtime exits")
    func connectionRefused() throws {
        let server = try StandInServer { _, _ in .drop }
        server.stop()
        var loop = try loop(server)
        #expect(loop.run()?.code == .transport)
    }

    @Test("a connection dropped mid-/next is retried and the invocation then served")
    func droppedConnection() throws {
        let server = try StandInServer { request, index in
            if index == 0 { return .drop }
            if request.path.hasSuffix("/next") {
                return .respond(status: 200, headers: Self.nextHeaders, body: "{\"n\":1}")
            }
            return .respond(status: 202)
        }
        defer { server.stop() }
        var loop = try loop(server)
        #expect(loop.run(limit: 1) == nil)
        let paths = server.requests.map(\.path)
        #expect(
            paths == [
                "/2018-06-01/runtime/invocation/next", "/2018-06-01/runtime/invocation/next",
                "/2018-06-01/runtime/invocation/req-1/response",
            ])
        #expect(server.requests.last?.bodyText == "{\"n\":1}")
    }

    @Test("a 413 on /response is answered through /error with Runtime.ResponseTooLarge")
    func response413() throws {
        let server = try StandInServer { request, _ in
            if request.path.hasSuffix("/next") { return .respond(status: 200, headers: Self.nextHeaders, body: "{}") }
            if request.path.hasSuffix("/response") { return .respond(status: 413) }
            return .respond(status: 202)
        }
        defer { server.stop() }
        var loop = try loop(server)
        #expect(loop.run(limit: 1) == nil)
        let error = try #require(server.requests.last)
        #expect(error.path == "/2018-06-01/runtime/invocation/req-1/error")
        #expect(error.headers["lambda-runtime-function-error-type"] == "Runtime.ResponseTooLarge")
        #expect(error.bodyText.contains("\"errorType\":\"Runtime.ResponseTooLarge\""))
    }

    @Test("/next without a request id is retried, not served; without the other headers it is still served")
    func missingHeaders() throws {
        let server = try StandInServer { request, index in
            if request.path.hasSuffix("/next") {
                if index == 0 { return .respond(status: 200, body: "{}") }
                return .respond(status: 200, headers: [("Lambda-Runtime-Aws-Request-Id", "bare")], body: "{}")
            }
            return .respond(status: 202)
        }
        defer { server.stop() }
        var loop = try loop(server)
        #expect(loop.run(limit: 1) == nil)
        #expect(server.requests.map(\.path).last == "/2018-06-01/runtime/invocation/bare/response")
    }

    @Test("one connection serves every call across invocations")
    func connectionReuse() throws {
        let server = try StandInServer { request, index in
            if request.path.hasSuffix("/next") {
                var headers = Self.nextHeaders
                headers[0] = ("Lambda-Runtime-Aws-Request-Id", "req-\(index)")
                return .respond(status: 200, headers: headers, body: "{}")
            }
            return .respond(status: 202)
        }
        defer { server.stop() }
        var loop = try loop(server)
        #expect(loop.run(limit: 5) == nil)
        #expect(server.requests.count == 10)
        #expect(server.connections == 1)
    }

    @Test("a kept-alive connection the server closed is replaced, and the call sent once more on the new one")
    func closedIdleConnection() throws {
        let server = try StandInServer { request, _ in
            if request.path.hasSuffix("/next") {
                return .thenClose(.respond(status: 200, headers: Self.nextHeaders, body: "{}"))
            }
            return .respond(status: 202)
        }
        defer { server.stop() }
        var loop = try loop(server)
        #expect(loop.run(limit: 1) == nil)
        #expect(
            server.requests.map(\.path) == [
                "/2018-06-01/runtime/invocation/next", "/2018-06-01/runtime/invocation/req-1/response",
            ])
        #expect(server.connections == 2)
    }

    @Test("an error body carries errorMessage, errorType and stackTrace, and the error-type header")
    func errorPost() throws {
        let server = try StandInServer { _, _ in .respond(status: 202) }
        defer { server.stop() }
        var client = CurlRuntimeClient(endpoint: try #require(RuntimeEndpoint(server.baseURL)))
        try client.fail(requestID: "r", error: ErrorPayload(errorType: "Postgres.Timeout", errorMessage: "late"))
        let request = try #require(server.requests.first)
        #expect(request.headers["lambda-runtime-function-error-type"] == "Postgres.Timeout")
        let json = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(json?["errorType"] as? String == "Postgres.Timeout")
        #expect(json?["errorMessage"] as? String == "late")
        #expect((json?["stackTrace"] as? [Any])?.isEmpty == true)
    }
}
