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

import CCurl

/// HTTP/1.1 exchanges with one server over one kept-alive ``CurlConnection``, made again when it is lost.
///
/// - Note: Not `Sendable`: it owns a ``CurlConnection``.
public final class HTTP1Client {
    /// `http://host:port`, what the connection is made to.
    public let origin: String
    /// The `Host` field: the origin's authority.
    private let host: String
    private var connection: CurlConnection?
    /// Whether the current exchange has received any byte: a request that got part of an answer is not sent again.
    private var answered = false

    /// The largest response accepted, head and body; a larger one fails the exchange and drops the connection.
    public let maxResponseBytes: Int
    /// What one read brought, kept between reads so its storage is made once.
    private var scratch: [UInt8] = []

    /// - Parameters:
    ///   - origin: `scheme://authority`, with no path.
    ///   - maxResponseBytes: The largest response to accept, so a peer cannot make the process hold more.
    public init(origin: String, maxResponseBytes: Int = 8 << 20) {
        self.origin = origin
        self.maxResponseBytes = maxResponseBytes
        let authority = origin.firstRange(of: "://").map { origin[$0.upperBound...] } ?? origin[...]
        self.host = String(authority)
    }

    /// Sends one request and reads its whole response.
    ///
    /// A request that fails on a kept-alive connection before any answer arrived is sent once more on a new one:
    /// the server may have closed an idle connection, which cannot be told from outside until it is used.
    ///
    /// - Parameter timeout: For the whole exchange; `nil` waits for ever (the Runtime API's `/next`).
    /// - Throws: ``HTTPClientError`` when no complete HTTP response arrived.
    public func perform(
        method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration?
    ) throws(HTTPClientError) -> HTTPResponse {
        if let problem = HTTPRequestCheck.problem(method: method, target: target, headers: headers) {
            throw HTTPClientError(code: .invalidRequest, curlCode: 0, message: "request not sent: \(problem)")
        }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        let request = HTTP1.request(method: method, target: target, host: host, headers: headers, body: body)
        let reused = connection != nil
        do {
            return try exchange(request, until: deadline)
        } catch {
            guard reused && !answered && error.code == .connectionLost else { throw error }
            return try exchange(request, until: deadline)
        }
    }

    private func exchange(_ request: [UInt8], until deadline: ContinuousClock.Instant?) throws(HTTPClientError)
        -> HTTPResponse
    {
        let connection: CurlConnection
        if let kept = self.connection {
            connection = kept
            self.connection = nil
        } else {
            connection = try CurlConnection(origin: origin, timeout: deadline.map { $0 - .now })
        }
        answered = false
        try connection.send(request, until: deadline)
        var decoder = HTTP1.ResponseDecoder(limit: maxResponseBytes)
        var open = true
        while true {
            scratch.removeAll(keepingCapacity: true)
            open = try connection.receive(into: &scratch, until: deadline)
            if !scratch.isEmpty { answered = true }
            let parsed: HTTP1.Parsed?
            do {
                try decoder.append(scratch)
                parsed = try decoder.response(closed: !open)
            } catch {
                throw HTTPClientError(code: .failed, curlCode: 0, message: "unreadable HTTP response: \(error)")
            }
            if let parsed {
                if parsed.keepAlive && open { self.connection = connection }
                return parsed.response
            }
            guard open else {
                throw HTTPClientError(
                    code: .connectionLost, curlCode: Int(CURLE_GOT_NOTHING.rawValue),
                    message: !answered
                        ? "the server closed the connection without answering"
                        : "the server closed the connection mid-response")
            }
        }
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension HTTP1Client: Sendable {}
