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
import Core

/// The worker's settings, read from the environment in one place (hummingbird's `Application+ConfigReader`
/// split): ``CasesHandler`` makes its clients from this and reads no variable itself. docs/cases.md lists them.
struct CasesConfiguration {
    /// Where cases go, as `ONPREM_CASE_SINK` names it.
    enum Sink {
        /// AWS Support, with the service and category its cases are filed under (`ONPREM_SUPPORT_*`).
        case support(endpoint: String, serviceCode: String?, categoryCode: String?)
        /// A team's ticketing system: its URL given (`ONPREM_CASE_WEBHOOK_URL`) or in a secret
        /// (`ONPREM_CASE_WEBHOOK_SECRET`), with a private CA (`ONPREM_CASE_WEBHOOK_CA`).
        case webhook(Webhook, caFile: String?)

        enum Webhook {
            case url(String)
            case secret(String, endpoint: String)
        }
    }

    var table: String
    var region: String
    var credentials: AWSCredentials
    var dynamoEndpoint: String
    var sink: Sink
    /// The most one record's sink calls may take, retries included (`ONPREM_CASES_RECORD_MS`).
    var recordBudget: Duration
    /// The longest a claim holds (`ONPREM_CASES_LEASE_MS`), for the tests only.
    var leaseCap: Duration?

    static let defaultRecordBudget: Duration = .seconds(20)

    /// The sinks, by the name `ONPREM_CASE_SINK` gives; `support` is the default.
    static let sinks = NamedChoice<@Sendable ([String: String]) throws(CasesError) -> Sink>(
        variable: "ONPREM_CASE_SINK", defaultName: "support",
        [("support", supportSink), ("webhook", webhookSink)])

    /// - Throws: `Cases.NotConfigured` naming what is missing or wrong.
    init(environment: [String: String]) throws(CasesError) {
        guard let table = environment["ONPREM_CASES_TABLE"], !table.isEmpty else {
            throw CasesError(.notConfigured, "ONPREM_CASES_TABLE names no DynamoDB table")
        }
        guard let credentials = AWSCredentials(environment: environment) else {
            throw CasesError(.notConfigured, AWSCredentials.missing(for: "DynamoDB and the case sink"))
        }
        self.table = table
        self.credentials = credentials
        region = environment["AWS_REGION"] ?? "us-east-1"
        dynamoEndpoint = AWSJSONClient.endpoint(
            environment: environment, variable: "AWS_ENDPOINT_URL_DYNAMODB",
            fallback: "https://dynamodb.\(region).amazonaws.com")
        switch Self.sinks.choose(in: environment) {
        case .success(let make): sink = try make(environment)
        case .failure(let unknown): throw CasesError(.notConfigured, unknown.message)
        }
        recordBudget =
            Int64(environment["ONPREM_CASES_RECORD_MS"] ?? "").map { .milliseconds($0) }
            ?? Self.defaultRecordBudget
        leaseCap = Int64(environment["ONPREM_CASES_LEASE_MS"] ?? "").map { .milliseconds($0) }
    }

    static func supportSink(_ environment: [String: String]) throws(CasesError) -> Sink {
        // AWS Support has one endpoint, in us-east-1, whatever the function's region.
        .support(
            endpoint: AWSJSONClient.endpoint(
                environment: environment, variable: "AWS_ENDPOINT_URL_SUPPORT",
                fallback: "https://support.us-east-1.amazonaws.com"),
            serviceCode: environment["ONPREM_SUPPORT_SERVICE_CODE"],
            categoryCode: environment["ONPREM_SUPPORT_CATEGORY_CODE"])
    }

    static func webhookSink(_ environment: [String: String]) throws(CasesError) -> Sink {
        let caFile = environment["ONPREM_CASE_WEBHOOK_CA"]
        if let url = environment["ONPREM_CASE_WEBHOOK_URL"], !url.isEmpty {
            guard WebhookCaseSink.isAcceptable(url) else {
                throw CasesError(.notConfigured, "ONPREM_CASE_WEBHOOK_URL must be an https:// URL")
            }
            return .webhook(.url(url), caFile: caFile)
        }
        if let secret = environment["ONPREM_CASE_WEBHOOK_SECRET"], !secret.isEmpty {
            return .webhook(
                .secret(secret, endpoint: SecretsManagerClient.endpoint(environment: environment)), caFile: caFile)
        }
        throw CasesError(
            .notConfigured, "ONPREM_CASE_SINK=webhook needs ONPREM_CASE_WEBHOOK_URL or ONPREM_CASE_WEBHOOK_SECRET")
    }
}
