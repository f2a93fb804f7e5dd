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

import AWSClients
import AWSSigning
import CaseModel
import CatalogModel
import Core
import CurlHTTP
import JSON

/// Cases in a team's own ticketing system: an HTTPS POST of a JSON document per action to one URL.
///
/// ```json
/// {"action": "create", "key": "...", "subject": "...", "body": "...", "severity": "low", "ccEmails": [],
///  "case": {...}}
/// {"action": "note", "key": "...", "caseId": "...", "body": "...", "case": {...}}
/// {"action": "resolve", "key": "...", "caseId": "...", "case": {...}}
/// ```
///
/// `case` is ``CaseModel/CaseFacts``: the customer, KPI, value, threshold and comparison, state and times,
/// dimensions, severity, runbook and links, as data (docs/webhook.schema.json).
///
/// A 2xx answer is success; `create` takes the case id from the answer's `caseId`, else uses `key`. 429 and 5xx
/// are retried until the deadline, other answers are refusals, and so is a certificate that does not verify. The
/// URL is `ONPREM_CASE_WEBHOOK_URL`, or read from the Secrets Manager secret `ONPREM_CASE_WEBHOOK_SECRET` (the URL
/// itself, or `{"url", "authorization"}`, the latter sent as `Authorization`); neither is ever logged, since a
/// webhook URL often carries its token. Only `https://` URLs are used: the token must not cross the network in
/// clear.
///
/// `key` (and the `Idempotency-Key` header) is the SHA-256 of the action's key, 64 hex digits: the action's key is
/// made of the alarm's fields, which are not ours, and nothing not ours goes into a header as it is.
final class WebhookCaseSink: CaseSink {
    let name = "webhook"

    /// Where the URL comes from.
    enum Target {
        case url(String)
        case secret(String, SecretsManagerClient)
    }

    private let target: Target
    private let curl: CurlEasy
    private let retry: RetryPolicy
    private var resolved: (url: String, authorization: String?)?
    /// The largest answer read: a receiver's answer is a small JSON document.
    static let maxAnswerBytes = 64 * 1024

    /// Whether `url` may be posted to: `https://` with a host.
    static func isAcceptable(_ url: String) -> Bool {
        url.lowercased().hasPrefix("https://") && url.count > "https://".count
    }

    init?(target: Target, caFile: String?, retry: RetryPolicy = RetryPolicy()) {
        guard let curl = CurlEasy(caFile: caFile) else { return nil }
        self.target = target
        self.curl = curl
        self.retry = retry
    }

    /// The key a receiver sees: a digest of the action's key.
    static func idempotencyKey(_ key: String) -> String { SHA256Digest.hex(key) }

    func create(_ document: CaseDocument, key: String, facts: CaseFacts, deadline: Deadline) throws(CasesError)
        -> String
    {
        let answer = try post(
            [
                "action": "create", "key": .string(Self.idempotencyKey(key)), "subject": .string(document.subject),
                "body": .string(document.body), "severity": .string(document.severity.rawValue),
                "ccEmails": .array(document.ccEmails.map { .string($0) }), "case": facts.json,
            ], deadline: deadline)
        if case .object(let fields)? = try? JSONValue.parse(answer), let caseId = fields["caseId"]?.text,
            !caseId.isEmpty
        {
            return caseId
        }
        return Self.idempotencyKey(key)
    }

    func find(reference: String, sinceMs: Int64, deadline: Deadline) throws(CasesError) -> String? { nil }

    func addNote(_ text: String, caseId: String, key: String, facts: CaseFacts, deadline: Deadline)
        throws(CasesError)
    {
        _ = try post(
            [
                "action": "note", "key": .string(Self.idempotencyKey(key)), "caseId": .string(caseId),
                "body": .string(text), "case": facts.json,
            ],
            deadline: deadline)
    }

    func resolve(caseId: String, key: String, facts: CaseFacts, deadline: Deadline) throws(CasesError) {
        _ = try post(
            [
                "action": "resolve", "key": .string(Self.idempotencyKey(key)), "caseId": .string(caseId),
                "case": facts.json,
            ],
            deadline: deadline)
    }

    /// POSTs `document` until a 2xx, a refusal, or the deadline; returns the answer's body. A URL read from a
    /// secret is read again once after a 401 or 403, since the secret may have been rotated.
    private func post(_ document: JSONValue, deadline: Deadline) throws(CasesError) -> [UInt8] {
        var answer = try send(document, deadline: deadline)
        if answer.status == 401 || answer.status == 403, case .secret = target {
            resolved = nil
            answer = try send(document, deadline: deadline)
        }
        guard (200..<300).contains(answer.status) else {
            throw CasesError(.sinkRefused, "the webhook answered \(answer.status)")
        }
        return answer.body
    }

    /// POSTs `document` until an answer that is neither 429 nor 5xx, retried until the deadline.
    private func send(_ document: JSONValue, deadline: Deadline) throws(CasesError) -> HTTPResponse {
        let (url, authorization) = try destination(deadline: deadline)
        var headers = [(name: "Content-Type", value: "application/json")]
        if case .object(let fields) = document, let key = fields["key"]?.text {
            headers.append((name: "Idempotency-Key", value: key))
        }
        if let authorization { headers.append((name: "Authorization", value: authorization)) }
        let body = document.serialized()
        return try retry.run(until: deadline, retryable: \.retryable) { () -> Result<HTTPResponse, CasesError> in
            let remaining = deadline.remaining()
            guard remaining > .zero else { return .failure(CasesError(.sinkUnavailable, "the webhook: no time left")) }
            do throws(HTTPClientError) {
                let answer = try curl.perform(
                    HTTPRequest(
                        method: "POST", url: url, headers: headers, body: body, timeout: remaining,
                        maxResponseBytes: Self.maxAnswerBytes))
                guard answer.status == 429 || answer.status >= 500 else { return .success(answer) }
                return .failure(CasesError(.sinkUnavailable, "the webhook answered \(answer.status)"))
            } catch {
                // A certificate that does not verify, a request refused before sending, an answer over the limit:
                // a retry meets the same.
                guard error.retryable else {
                    return .failure(CasesError(.sinkRefused, "the webhook: \(error.code)"))
                }
                return .failure(CasesError(.sinkUnavailable, "the webhook: \(error.code)"))
            }
        }.value
    }

    private func destination(deadline: Deadline) throws(CasesError) -> (url: String, authorization: String?) {
        if let resolved { return resolved }
        switch target {
        case .url(let url): resolved = (url, nil)
        case .secret(let id, let secrets):
            let text: String
            do {
                text = try secrets.secretString(id, deadline: deadline)
            } catch {
                throw CasesError(
                    error.code == .unavailable ? .sinkUnavailable : .notConfigured,
                    "the webhook's secret: \(error.message)")
            }
            if case .object(let fields)? = try? JSONValue.parse(Array(text.utf8)), let url = fields["url"]?.text {
                resolved = (url, fields["authorization"]?.text)
            } else {
                resolved = (text.trimmed(of: " \t\r\n"), nil)
            }
        }
        guard let resolved, Self.isAcceptable(resolved.url) else {
            self.resolved = nil
            throw CasesError(.notConfigured, "the webhook's URL is not https://")
        }
        return resolved
    }
}

/// Not `Sendable`, on purpose: it owns a connection that one thread at a time may use.
@available(*, unavailable)
extension WebhookCaseSink: Sendable {}
