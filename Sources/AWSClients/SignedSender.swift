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

import AWSSigning
import Core
import CurlHTTP

/// SigV4-signed POSTs to one AWS endpoint over one libcurl handle, retried with backoff until the deadline on
/// throttling, 5xx and network errors.
///
/// - Note: Not `Sendable`: it owns a ``CurlHTTP/CurlEasy``, kept across warm invocations so the TLS connection
///   is reused.
final class SignedSender {
    let endpoint: String
    private let host: String
    private var signer: SigV4Signer
    private let curl: CurlEasy
    private let retry: RetryPolicy
    /// Requests in flight at once in ``sendAll(_:headers:operation:deadline:)``.
    let concurrency: Int
    /// Made on the first ``sendAll(_:headers:operation:deadline:)`` of more than one body.
    private var multi: CurlMulti?

    init?(
        endpoint: String, region: String, service: String, credentials: AWSCredentials, retry: RetryPolicy,
        concurrency: Int = 1
    ) {
        guard let curl = CurlEasy() else { return nil }
        var trimmed = endpoint
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.endpoint = trimmed
        var rest = Substring(trimmed)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        self.host = String(rest.prefix { $0 != "/" })
        self.signer = SigV4Signer(credentials: credentials, region: region, service: service)
        self.curl = curl
        self.retry = retry
        self.concurrency = max(1, concurrency)
    }

    /// Sends `body` until it succeeds, fails for good, or the deadline leaves no time for another try.
    ///
    /// - Parameter idempotent: Whether sending twice does no harm. A call that is not (AWS Support's
    ///   `CreateCase`) is retried only on throttling, which says it was not carried out: after a 5xx or a network
    ///   error it may have been.
    /// - Returns: The successful response and how many retries it took.
    func send(
        _ body: [UInt8], headers: [(name: String, value: String)], operation: String, deadline: Deadline,
        idempotent: Bool = true
    ) throws(AWSFailure) -> (response: HTTPResponse, retries: Int) {
        let sent = try retry.run(until: deadline, retryable: { $0.retryable && (idempotent || $0.kind == .throttled) })
        {
            attemptOnce(body, headers: headers, operation: operation, deadline: deadline)
        }
        return (sent.value, sent.retries)
    }

    /// Sends several bodies, up to ``concurrency`` in flight at once, each retried by the rules of
    /// ``send(_:headers:operation:deadline:idempotent:)``; the retryable failures of a round wait out the longest pause of
    /// that round together, then go again.
    ///
    /// - Returns: Each body's outcome, in order.
    func sendAll(
        _ bodies: [[UInt8]], headers: [[(name: String, value: String)]], operation: String, deadline: Deadline
    ) -> [Result<(response: HTTPResponse, retries: Int), AWSFailure>] {
        if bodies.count <= 1 || concurrency == 1 {
            // One at a time, stopping at the first failure: the rest share its fate without being sent.
            var results: [Result<(response: HTTPResponse, retries: Int), AWSFailure>] = []
            for index in bodies.indices {
                if case .failure(let failure)? = results.last {
                    results.append(.failure(failure))
                    continue
                }
                results.append(
                    Result { () throws(AWSFailure) in
                        try send(bodies[index], headers: headers[index], operation: operation, deadline: deadline)
                    })
            }
            return results
        }
        if multi == nil { multi = CurlMulti(width: concurrency) }
        guard let multi else {
            let failure = AWSFailure(kind: .network, code: "NoHandle", message: "libcurl could not make handles")
            return bodies.map { _ in .failure(failure) }
        }
        var results = [Result<(response: HTTPResponse, retries: Int), AWSFailure>?](
            repeating: nil, count: bodies.count)
        var attempts = [Int](repeating: 0, count: bodies.count)
        var pending = Array(bodies.indices)
        while !pending.isEmpty {
            let remaining = deadline.remaining()
            guard remaining > .zero else {
                for index in pending {
                    results[index] = .failure(
                        AWSFailure(kind: .network, code: "Timeout", message: "no time left for \(operation)"))
                }
                break
            }
            let requests = pending.map { signed(bodies[$0], headers: headers[$0], timeout: remaining) }
            var again: [Int] = []
            var pause = Duration.zero
            for (index, outcome) in zip(pending, multi.perform(requests)) {
                let failure: AWSFailure
                switch outcome {
                case .success(let response):
                    guard let refused = AWSFailure.classify(response, operation: operation) else {
                        results[index] = .success((response, attempts[index]))
                        continue
                    }
                    failure = refused
                case .failure(let error):
                    failure = AWSFailure(transport: error)
                }
                attempts[index] += 1
                let delay = retry.delay(attempt: attempts[index], random: Double.random(in: 0..<1))
                if failure.retryable, deadline.remaining() > delay + .milliseconds(50) {
                    again.append(index)
                    pause = max(pause, delay)
                } else {
                    results[index] = .failure(failure)
                }
            }
            if !again.isEmpty { Pause.sleep(for: pause) }
            pending = again
        }
        return results.map {
            $0 ?? .failure(AWSFailure(kind: .network, code: "Timeout", message: "no time left for \(operation)"))
        }
    }

    /// `body` as a signed POST to the endpoint, signed now.
    private func signed(_ body: [UInt8], headers: [(name: String, value: String)], timeout: Duration) -> HTTPRequest {
        let amzDate = SigV4Signer.amzDate(epochSeconds: Deadline.nowEpochMilliseconds() / 1000)
        signer.prepare(amzDate: amzDate)
        let signed = signer.sign(
            SigV4Signer.Request(method: "POST", headers: [(name: "Host", value: host)] + headers, body: body),
            amzDate: amzDate)
        return HTTPRequest(method: "POST", url: endpoint + "/", headers: signed, body: body, timeout: timeout)
    }

    private func attemptOnce(
        _ body: [UInt8], headers: [(name: String, value: String)], operation: String, deadline: Deadline
    ) -> Result<HTTPResponse, AWSFailure> {
        let remaining = deadline.remaining()
        guard remaining > .zero else {
            return .failure(AWSFailure(kind: .network, code: "Timeout", message: "no time left for \(operation)"))
        }
        do {
            let response = try curl.perform(signed(body, headers: headers, timeout: remaining))
            if let failure = AWSFailure.classify(response, operation: operation) { return .failure(failure) }
            return .success(response)
        } catch {
            return .failure(AWSFailure(transport: error))
        }
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension SignedSender: Sendable {}
