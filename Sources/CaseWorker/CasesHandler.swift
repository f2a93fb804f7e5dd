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
public import LambdaRuntime
import Logging

/// The support-case worker, `_HANDLER=cases`: reads Lambda's SQS event of alarm notifications and raises one case
/// per alarm episode, notes recoveries on it, and answers with the partial batch response.
///
/// Each record is handled on its own: one that fails is reported in `batchItemFailures` and logged with its
/// `Cases.*` reason, and the others go on. Every action on a case is claimed in the ``EpisodeStore`` first, so
/// that SQS's and SNS's repeated deliveries and workers running at once do each action once.
public final class CasesHandler {
    let catalog: Catalog
    private let store: EpisodeStore
    private let sink: any CaseSink
    /// The most one record may take, retries included (`ONPREM_CASES_RECORD_MS`): a sink that stays throttled
    /// fails its records, which come back later, rather than holding the batch's others until the deadline. A
    /// claim's lease ends with its record's time.
    private let recordBudgetMs: Int64
    /// What is kept back from the deadline for the answer.
    static let answerMarginMs: Int64 = 200
    static let defaultRecordBudgetMs: Int64 = 20_000

    init(
        catalog: Catalog, store: EpisodeStore, sink: any CaseSink,
        recordBudgetMs: Int64 = CasesHandler.defaultRecordBudgetMs
    ) {
        self.catalog = catalog
        self.store = store
        self.sink = sink
        self.recordBudgetMs = recordBudgetMs
    }

    /// Reads the catalog and the worker's settings: `ONPREM_CASES_TABLE`, `ONPREM_CASE_SINK` (`support` or
    /// `webhook`) and the sink's own.
    ///
    /// - Throws: `Catalog.Invalid`, or ``CaseModel/CasesError/Code/notConfigured`` naming what is missing.
    public convenience init(environment: [String: String]) throws {
        let catalog = try Catalog(environment: environment)
        guard let table = environment["ONPREM_CASES_TABLE"], !table.isEmpty else {
            throw CasesError(.notConfigured, "ONPREM_CASES_TABLE names no DynamoDB table")
        }
        guard let credentials = AWSCredentials(environment: environment) else {
            throw CasesError(.notConfigured, "no AWS credentials in the environment")
        }
        let region = environment["AWS_REGION"] ?? "us-east-1"
        let dynamoEndpoint = AWSJSONClient.endpoint(
            environment: environment, variable: "AWS_ENDPOINT_URL_DYNAMODB",
            fallback: "https://dynamodb.\(region).amazonaws.com")
        guard
            let dynamo = AWSJSONClient(
                endpoint: dynamoEndpoint, region: region, service: "dynamodb", targetPrefix: "DynamoDB_20120810",
                jsonVersion: "1.0", credentials: credentials)
        else { throw CasesError(.notConfigured, "libcurl could not make a handle") }
        let sink: any CaseSink
        switch environment["ONPREM_CASE_SINK"] ?? "support" {
        case "support":
            // AWS Support has one endpoint, in us-east-1, whatever the function's region.
            let endpoint = AWSJSONClient.endpoint(
                environment: environment, variable: "AWS_ENDPOINT_URL_SUPPORT",
                fallback: "https://support.us-east-1.amazonaws.com")
            guard
                let client = AWSJSONClient(
                    endpoint: endpoint, region: "us-east-1", service: "support", targetPrefix: "AWSSupport_20130415",
                    jsonVersion: "1.1", credentials: credentials)
            else { throw CasesError(.notConfigured, "libcurl could not make a handle") }
            sink = SupportCaseSink(
                client: client, serviceCode: environment["ONPREM_SUPPORT_SERVICE_CODE"],
                categoryCode: environment["ONPREM_SUPPORT_CATEGORY_CODE"])
        case "webhook":
            let target: WebhookCaseSink.Target
            if let url = environment["ONPREM_CASE_WEBHOOK_URL"], !url.isEmpty {
                target = .url(url)
            } else if let secret = environment["ONPREM_CASE_WEBHOOK_SECRET"], !secret.isEmpty,
                let secrets = SecretsManagerClient(
                    endpoint: SecretsManagerClient.endpoint(environment: environment), region: region,
                    credentials: credentials)
            {
                target = .secret(secret, secrets)
            } else {
                throw CasesError(
                    .notConfigured,
                    "ONPREM_CASE_SINK=webhook needs ONPREM_CASE_WEBHOOK_URL or ONPREM_CASE_WEBHOOK_SECRET")
            }
            guard let webhook = WebhookCaseSink(target: target, caFile: environment["ONPREM_CASE_WEBHOOK_CA"]) else {
                throw CasesError(.notConfigured, "libcurl could not make a handle")
            }
            sink = webhook
        case let other:
            throw CasesError(.notConfigured, "ONPREM_CASE_SINK=\(other) is not one of: support, webhook")
        }
        self.init(
            catalog: catalog, store: EpisodeStore(client: dynamo, table: table), sink: sink,
            recordBudgetMs: Int64(environment["ONPREM_CASES_RECORD_MS"] ?? "") ?? Self.defaultRecordBudgetMs)
    }

    public func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        let batch = try SQSBatch(event: event)
        let deadline = Deadline(epochMilliseconds: context.deadline.epochMilliseconds - Self.answerMarginMs)
        var failed: [String] = []
        for (position, record) in batch.records.enumerated() {
            // Each record gets an equal share of what is left, at most the record budget.
            let now = Deadline.nowEpochMilliseconds()
            let share = (deadline.epochMilliseconds - now) / Int64(batch.records.count - position)
            let recordDeadline = Deadline(epochMilliseconds: now + max(0, min(share, recordBudgetMs)))
            do {
                try handle(record, deadline: recordDeadline, logger: context.logger)
            } catch {
                failed.append(record.messageId)
                context.logger.error(
                    "record failed",
                    metadata: [
                        "messageId": "\(record.messageId)", "errorType": "\(error.errorType)",
                        "errorMessage": "\(error.errorMessage)", "receiveCount": "\(record.receiveCount)",
                        "outcome":
                            "\(error.retryable ? "comes back after the visibility timeout" : "cannot succeed: goes to the dead-letter queue after maxReceiveCount")",
                    ])
            }
        }
        return SQSBatch.response(failed: failed)
    }

    func handle(_ record: SQSBatch.Record, deadline: Deadline, logger: Logger) throws(CasesError) {
        let notification = try AlarmNotification(body: record.body)
        let route = CaseRoute(notification, catalog: catalog)
        var logger = logger
        logger[metadataKey: "alarm"] = "\(notification.alarmName)"
        logger[metadataKey: "state"] = "\(notification.state.rawValue)"
        logger[metadataKey: "stateChangeTime"] = "\(notification.stateChangeTime)"
        switch notification.state {
        case .alarm: try raise(notification, route: route, deadline: deadline, logger: logger)
        case .ok: try note(notification, closing: true, deadline: deadline, logger: logger)
        case .insufficientData:
            switch route.policy.insufficientData ?? .ignore {
            case .ignore: logger.info("no action for INSUFFICIENT_DATA (the catalog's cases.insufficientData)")
            case .note: try note(notification, closing: false, deadline: deadline, logger: logger)
            case .case: try raise(notification, route: route, deadline: deadline, logger: logger)
            }
        }
    }

    /// The claim's key: one per notification, the same for each of its deliveries.
    static func actionKey(_ notification: AlarmNotification) -> String {
        "action#\(notification.alarmKey)#\(notification.state.rawValue)#\(notification.stateChangeTime)"
    }

    /// Raises the episode's case, or, beyond the customer's hourly limit, notes it on the customer's open case.
    private func raise(
        _ notification: AlarmNotification, route: CaseRoute, deadline: Deadline, logger: Logger
    ) throws(CasesError) {
        let key = Self.actionKey(notification)
        let token: Int64
        switch try store.claim(key, leaseUntilMs: deadline.epochMilliseconds, deadline: deadline) {
        case .busy: throw CasesError(.episodeBusy, "another worker is raising the case of this episode")
        case .done(let caseId, let owned):
            // A repeated delivery. The records after the case may not all have been written; writing them again
            // is harmless.
            if let caseId { try record(caseId, owned: owned, notification, route: route, deadline: deadline) }
            logger.info("duplicate delivery: the episode's case exists", metadata: ["caseId": "\(caseId ?? "-")"])
            return
        case .claimed(let claimed): token = claimed
        }
        let document = CaseDocument(raising: notification, route: route)
        let caseId: String
        let owned: Bool
        do throws(CasesError) {
            let within = try store.takeStormSlot(
                route.stormKey, limit: route.policy.maxCasesPerHour ?? CasePolicy.builtIn.maxCasesPerHour!,
                deadline: deadline)
            if !within, let open = try store.customerCase(route.stormKey, deadline: deadline) {
                try sink.addNote(document.asNote(), caseId: open, key: key, deadline: deadline)
                (caseId, owned) = (open, false)
                logger.warning(
                    "the customer's hourly case limit is reached: noted on its open case",
                    metadata: ["caseId": "\(open)", "customer": "\(route.stormKey)"])
            } else {
                do throws(CasesError) {
                    caseId = try sink.create(document, key: key, deadline: deadline)
                } catch {
                    if within { store.returnStormSlot(route.stormKey, deadline: deadline) }
                    throw error
                }
                owned = true
                logger.info("case raised", metadata: ["caseId": "\(caseId)", "sink": "\(sink.name)"])
            }
        } catch {
            store.release(key, token: token, deadline: deadline)
            throw error
        }
        // From here on the case exists: the claim is marked done first, so that no later delivery raises it again.
        try store.finish(key, token: token, caseId: caseId, owned: owned, deadline: deadline)
        try record(caseId, owned: owned, notification, route: route, deadline: deadline)
    }

    /// Records `caseId` as the alarm's open case, and as the customer's newest when it is the alarm's own.
    private func record(
        _ caseId: String, owned: Bool, _ notification: AlarmNotification, route: CaseRoute, deadline: Deadline
    ) throws(CasesError) {
        try store.setOpenCase(
            alarm: notification.alarmKey,
            EpisodeStore.OpenCase(episode: notification.stateChangeTime, caseId: caseId, owned: owned),
            deadline: deadline)
        if owned { try store.setCustomerCase(route.stormKey, caseId: caseId, deadline: deadline) }
    }

    /// Notes the transition on the alarm's open case; `closing` (an `OK`) also resolves the case, when it is the
    /// alarm's own, and closes the episode.
    private func note(
        _ notification: AlarmNotification, closing: Bool, deadline: Deadline, logger: Logger
    ) throws(CasesError) {
        let key = Self.actionKey(notification)
        let token: Int64
        switch try store.claim(key, leaseUntilMs: deadline.epochMilliseconds, deadline: deadline) {
        case .busy: throw CasesError(.episodeBusy, "another worker is noting this transition")
        case .done:
            logger.info("duplicate delivery: the transition is noted")
            return
        case .claimed(let claimed): token = claimed
        }
        var noted: EpisodeStore.OpenCase?
        do throws(CasesError) {
            if let open = try store.openCase(alarm: notification.alarmKey, deadline: deadline),
                open.episode <= notification.stateChangeTime
            {
                try sink.addNote(CaseDocument.recovery(notification), caseId: open.caseId, key: key, deadline: deadline)
                if closing {
                    if open.owned { try sink.resolve(caseId: open.caseId, key: key, deadline: deadline) }
                    _ = try store.closeCase(alarm: notification.alarmKey, episode: open.episode, deadline: deadline)
                }
                noted = open
            }
        } catch {
            store.release(key, token: token, deadline: deadline)
            throw error
        }
        try store.finish(key, token: token, caseId: noted?.caseId, owned: false, deadline: deadline)
        if let noted {
            logger.info(
                closing ? "recovery noted on the episode's case" : "transition noted on the episode's case",
                metadata: ["caseId": "\(noted.caseId)", "resolved": "\(closing && noted.owned)"])
        } else {
            logger.info("no open case for this alarm: nothing to note")
        }
    }
}

/// Not `Sendable`, on purpose: it owns connections that one thread at a time may use.
@available(*, unavailable)
extension CasesHandler: Sendable {}
