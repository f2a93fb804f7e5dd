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
import CaseModel
import CatalogModel
import Core
import JSON
import UTCTime

/// Cases in AWS Support: `CreateCase`, `AddCommunicationToCase` and `ResolveCase` on its one endpoint in
/// us-east-1 (`AWS_ENDPOINT_URL_SUPPORT` or `AWS_ENDPOINT_URL` override it).
///
/// Technical cases need a Business, Enterprise On-Ramp or Enterprise support plan; without one, Support answers
/// `SubscriptionRequiredException`, which is `Cases.SinkRefused`.
final class SupportCaseSink: CaseSink {
    let name = "support"
    private let client: AWSJSONClient
    /// `serviceCode` and `categoryCode` for `CreateCase`, where the account wants them set.
    private let serviceCode: String?
    private let categoryCode: String?

    init(client: AWSJSONClient, serviceCode: String?, categoryCode: String?) {
        self.client = client
        self.serviceCode = serviceCode
        self.categoryCode = categoryCode
    }

    func create(_ document: CaseDocument, key: String, facts: CaseFacts, deadline: Deadline) throws(CasesError)
        -> String
    {
        var input: JSONObject = [
            "subject": .string(document.subject), "communicationBody": .string(document.body),
            "severityCode": .string(document.severity.rawValue), "issueType": "technical", "language": "en",
        ]
        if !document.ccEmails.isEmpty { input["ccEmailAddresses"] = .array(document.ccEmails.map { .string($0) }) }
        if let serviceCode { input["serviceCode"] = .string(serviceCode) }
        if let categoryCode { input["categoryCode"] = .string(categoryCode) }
        // Not retried after a 5xx or a network error, which may have raised the case: the claim stays, and the
        // next delivery looks for the case by its reference before raising it.
        let answer = try call("CreateCase", .object(input), deadline: deadline, idempotent: false)
        guard case .object(let fields) = answer, let caseId = fields["caseId"]?.text, !caseId.isEmpty else {
            throw CasesError(.sinkUnavailable, "CreateCase answered without a caseId")
        }
        return caseId
    }

    /// `DescribeCases` since a minute before `sinceMs`, resolved ones included, with their communications. Only
    /// the first page is read: a lapsed claim is minutes old, and an account raises few cases in minutes.
    func find(reference: String, sinceMs: Int64, deadline: Deadline) throws(CasesError) -> String? {
        let answer = try call(
            "DescribeCases",
            [
                "afterTime": .string(UTCTime.rfc3339(epochMilliseconds: sinceMs - 60_000)),
                "includeResolvedCases": true, "includeCommunications": true, "language": "en",
            ], deadline: deadline)
        guard case .object(let fields) = answer, case .array(let cases)? = fields["cases"] else { return nil }
        for case .object(let found) in cases {
            guard case .object(let recent)? = found["recentCommunications"],
                case .array(let communications)? = recent["communications"]
            else { continue }
            for case .object(let communication) in communications
            where communication["body"]?.text?.contains(reference) == true {
                return found["caseId"]?.text
            }
        }
        return nil
    }

    func addNote(_ text: String, caseId: String, key: String, facts: CaseFacts, deadline: Deadline)
        throws(CasesError)
    {
        _ = try call(
            "AddCommunicationToCase", ["caseId": .string(caseId), "communicationBody": .string(text)],
            deadline: deadline)
    }

    func resolve(caseId: String, key: String, facts: CaseFacts, deadline: Deadline) throws(CasesError) {
        _ = try call("ResolveCase", ["caseId": .string(caseId)], deadline: deadline)
    }

    private func call(
        _ operation: String, _ input: JSONValue, deadline: Deadline, idempotent: Bool = true
    ) throws(CasesError) -> JSONValue {
        do {
            return try client.call(operation, input, deadline: deadline, idempotent: idempotent)
        } catch {
            throw CasesError(error.retryable ? .sinkUnavailable : .sinkRefused, "AWS Support \(error.message)")
        }
    }
}

/// Not `Sendable`, on purpose: it owns a connection that one thread at a time may use.
@available(*, unavailable)
extension SupportCaseSink: Sendable {}
