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

public import Core
import CurlHTTP

/// The Runtime API over one kept-alive libcurl connection (``CurlHTTP/HTTP1Client``).
///
/// - Note: Not `Sendable`: it owns a ``CurlHTTP/HTTP1Client``.
public struct CurlRuntimeClient: RuntimeClient {
    public let endpoint: RuntimeEndpoint
    private let http: HTTP1Client
    /// Time limit for posting a response or an error; `/next` has none.
    private let postTimeout: Duration = .seconds(30)

    /// The connection is made at the first call.
    public init(endpoint: RuntimeEndpoint) {
        self.endpoint = endpoint
        self.http = HTTP1Client(origin: endpoint.origin)
    }

    public mutating func next() throws(RuntimeError) -> Invocation {
        let response = try send("GET", endpoint.nextPath, timeout: nil)
        try Self.check(response, expected: 200, call: "GET /next")
        return try Invocation(response: response, now: Deadline.nowEpochMilliseconds())
    }

    public mutating func respond(requestID: String, body: [UInt8]) throws(RuntimeError) {
        let response = try send("POST", endpoint.responsePath(requestID), body: body, timeout: postTimeout)
        try Self.check(response, expected: 202, call: "POST /response")
    }

    public mutating func fail(requestID: String, error: ErrorPayload) throws(RuntimeError) {
        try post(error, to: endpoint.errorPath(requestID), call: "POST /error")
    }

    /// Reports a failed initialisation. The caller exits afterwards, as the Runtime API requires.
    public mutating func initFailed(_ error: ErrorPayload) throws(RuntimeError) {
        // The process exits next whatever happens, and init has only 10 s: do not wait long for an answer.
        try post(error, to: endpoint.initErrorPath, call: "POST /init/error", timeout: .seconds(2))
    }

    private func post(
        _ error: ErrorPayload, to path: String, call: String, timeout: Duration? = nil
    ) throws(RuntimeError) {
        let headers = [
            (name: "Content-Type", value: "application/json"),
            (name: AmazonHeaders.functionErrorType, value: error.errorType),
        ]
        let response = try send("POST", path, headers: headers, body: error.json, timeout: timeout ?? postTimeout)
        try Self.check(response, expected: 202, call: call)
    }

    private func send(
        _ method: String, _ path: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration?
    ) throws(RuntimeError) -> HTTPResponse {
        do {
            return try http.perform(method: method, target: path, headers: headers, body: body, timeout: timeout)
        } catch {
            throw RuntimeError(.transport, error.description)
        }
    }

    /// Maps a Runtime API status to success or a ``RuntimeError``.
    ///
    /// Lambda answers posts with 202; local emulators answer 200, so any 2xx is success for a post.
    static func check(_ response: HTTPResponse, expected: Int, call: String) throws(RuntimeError) {
        switch response.status {
        case expected: return
        case 200..<300 where expected != 200: return
        case 413: throw RuntimeError(.responseTooLarge, "\(call) answered 413: response over the payload limit")
        case 500...: throw RuntimeError(.nonRecoverable, "\(call) answered \(response.status)")
        default: throw RuntimeError(.rejected, "\(call) answered \(response.status)")
        }
    }
}

/// Not `Sendable`, on purpose: it holds handles that one thread at a time may use.
@available(*, unavailable)
extension CurlRuntimeClient: Sendable {}
