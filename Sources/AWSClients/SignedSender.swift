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

    init?(endpoint: String, region: String, service: String, credentials: AWSCredentials, retry: RetryPolicy) {
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
    }

    /// Sends `body` until it succeeds, fails for good, or the deadline leaves no time for another try.
    ///
    /// - Returns: The successful response and how many retries it took.
    func send(
        _ body: [UInt8], headers: [(name: String, value: String)], operation: String, deadline: Deadline
    ) throws(AWSFailure) -> (response: HTTPResponse, retries: Int) {
        var attempt = 0
        while true {
            let failure: AWSFailure
            switch attemptOnce(body, headers: headers, operation: operation, deadline: deadline) {
            case .success(let response): return (response, attempt)
            case .failure(let error): failure = error
            }
            attempt += 1
            let pause = retry.delay(attempt: attempt, random: Double.random(in: 0..<1))
            guard failure.retryable, deadline.remaining() > pause + .milliseconds(50) else { throw failure }
            Pause.sleep(for: pause)
        }
    }

    private func attemptOnce(
        _ body: [UInt8], headers: [(name: String, value: String)], operation: String, deadline: Deadline
    ) -> Result<HTTPResponse, AWSFailure> {
        let remaining = deadline.remaining()
        guard remaining > .zero else {
            return .failure(AWSFailure(kind: .network, code: "Timeout", message: "no time left for \(operation)"))
        }
        let amzDate = SigV4Signer.amzDate(epochSeconds: Deadline.nowEpochMilliseconds() / 1000)
        signer.prepare(amzDate: amzDate)
        let signed = signer.sign(
            SigV4Signer.Request(method: "POST", headers: [(name: "Host", value: host)] + headers, body: body),
            amzDate: amzDate)
        do {
            let response = try curl.perform(
                HTTPRequest(method: "POST", url: endpoint + "/", headers: signed, body: body, timeout: remaining))
            if let failure = AWSFailure.classify(response, operation: operation) { return .failure(failure) }
            return .success(response)
        } catch {
            return .failure(AWSFailure(kind: .network, code: "\(error.code)", message: error.description))
        }
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension SignedSender: Sendable {}
