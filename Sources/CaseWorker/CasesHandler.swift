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
import UTCTime

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
    /// The most one record's sink calls may take, retries included (`ONPREM_CASES_RECORD_MS`): a sink that stays
    /// throttled fails its records, which come back later, rather than holding the batch's others until the
    /// deadline.
    private let recordBudgetMs: Int64
    /// The longest a claim holds (`ONPREM_CASES_LEASE_MS`), where the tests cannot wait for an invocation's
    /// deadline; `nil` in production: a claim lapses a second after its invocation's deadline.
    private let leaseCapMs: Int64?
    /// What is kept back from the deadline for the answer.
    static let answerMarginMs: Int64 = 200
    static let defaultRecordBudgetMs: Int64 = 20_000

    init(
        catalog: Catalog, store: EpisodeStore, sink: any CaseSink,
        recordBudgetMs: Int64 = CasesHandler.defaultRecordBudgetMs, leaseCapMs: Int64? = nil
    ) {
        self.catalog = catalog
        self.store = store
        self.sink = sink
        self.recordBudgetMs = recordBudgetMs
        self.leaseCapMs = leaseCapMs
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
                guard WebhookCaseSink.isAcceptable(url) else {
                    throw CasesError(.notConfigured, "ONPREM_CASE_WEBHOOK_URL must be an https:// URL")
                }
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
            recordBudgetMs: Int64(environment["ONPREM_CASES_RECORD_MS"] ?? "") ?? Self.defaultRecordBudgetMs,
            leaseCapMs: Int64(environment["ONPREM_CASES_LEASE_MS"] ?? ""))
    }

    public func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        let batch = try SQSBatch(event: event)
        let deadline = Deadline(epochMilliseconds: context.deadline.epochMilliseconds - Self.answerMarginMs)
        var failed: [String] = []
        for (position, record) in batch.records.enumerated() {
            do {
                try handle(
                    record, times: times(deadline, recordsLeft: batch.records.count - position),
                    logger: context.logger)
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

    /// The times of one record's work.
    struct Times {
        /// For the sink's calls, retries included: the record's share, less what recording the outcome takes.
        var sink: Deadline
        /// For DynamoDB's calls: the invocation's deadline, so that a case raised late in the share is recorded.
        var store: Deadline
        /// When the record's claim lapses: after the invocation's deadline (with a second for clocks), so that
        /// no other worker takes it over while this one may still raise the case.
        var leaseUntilMs: Int64
    }

    /// Each record gets an equal share of what is left, at most the record budget.
    func times(_ deadline: Deadline, recordsLeft: Int) -> Times {
        let now = Deadline.nowEpochMilliseconds()
        let share = max(0, min((deadline.epochMilliseconds - now) / Int64(max(1, recordsLeft)), recordBudgetMs))
        var lease = deadline.epochMilliseconds + Self.answerMarginMs + 1000
        if let leaseCapMs { lease = min(lease, now + leaseCapMs) }
        return Times(
            sink: Deadline(epochMilliseconds: now + share - min(Self.recordingReserveMs, share / 2)),
            store: deadline, leaseUntilMs: lease)
    }

    /// Time kept from a record's share for recording what the sink did.
    static let recordingReserveMs: Int64 = 1000

    func handle(_ record: SQSBatch.Record, times: Times, logger: Logger) throws(CasesError) {
        let notification = try AlarmNotification(body: record.body, nowMs: Deadline.nowEpochMilliseconds())
        let route = CaseRoute(notification, catalog: catalog)
        var logger = logger
        logger[metadataKey: "alarm"] = "\(notification.alarmName)"
        logger[metadataKey: "state"] = "\(notification.state.rawValue)"
        logger[metadataKey: "stateChangeTime"] = "\(notification.stateChangeTime)"
        switch notification.state {
        case .alarm: try raise(notification, route: route, times: times, logger: logger)
        case .ok: try note(notification, closing: true, times: times, logger: logger)
        case .insufficientData:
            switch route.policy.insufficientData ?? .ignore {
            case .ignore: logger.info("no action for INSUFFICIENT_DATA (the catalog's cases.insufficientData)")
            case .note: try note(notification, closing: false, times: times, logger: logger)
            case .case: try raise(notification, route: route, times: times, logger: logger)
            }
        }
    }

    /// The claim's key: one per notification, the same for each of its deliveries.
    static func actionKey(_ notification: AlarmNotification) -> String {
        "action#\(notification.alarmKey)#\(notification.state.rawValue)#\(notification.stateChangeMs)"
    }

    /// Raises the episode's case; notes it instead on the case the alarm still has open (it came back through
    /// `INSUFFICIENT_DATA`, not `OK`), or, beyond the customer's hourly limit, on the customer's newest case.
    private func raise(
        _ notification: AlarmNotification, route: CaseRoute, times: Times, logger: Logger
    ) throws(CasesError) {
        let key = Self.actionKey(notification)
        let token: Int64
        let lapsedSince: Int64?
        switch try store.claim(key, leaseUntilMs: times.leaseUntilMs, deadline: times.store) {
        case .busy: throw CasesError(.episodeBusy, "another worker is raising the case of this episode")
        case .done(let caseId, let owned):
            // A repeated delivery. The records after the case may not all have been written; writing them again
            // is harmless.
            if let caseId { try record(caseId, owned: owned, notification, route: route, deadline: times.store) }
            logger.info("duplicate delivery: the episode's case exists", metadata: ["caseId": "\(caseId ?? "-")"])
            return
        case .claimed(let claimed, let since): (token, lapsedSince) = (claimed, since)
        }
        let reference = CaseDocument.reference(forKey: key)
        let document = CaseDocument(raising: notification, route: route).referenced(reference)
        let caseId: String
        let owned: Bool
        let alarm = try store.alarm(notification.alarmKey, deadline: times.store)
        if let since = lapsedSince,
            let found = try sink.find(reference: reference, sinceMs: since, deadline: times.sink)
        {
            // The worker before this one raised the case and died before recording it.
            (caseId, owned) = (found, true)
            logger.warning("found the case a lapsed claim raised", metadata: ["caseId": "\(found)"])
        } else if let open = alarm.open, open.episode < notification.stateChangeMs {
            try sink.addNote(document.asRepeat(), caseId: open.caseId, key: key, deadline: times.sink)
            (caseId, owned) = (open.caseId, false)
            logger.info(
                "the alarm fired again before it recovered: noted on its open case",
                metadata: ["caseId": "\(open.caseId)"])
        } else {
            let limit = route.policy.maxCasesPerHour ?? CasePolicy.builtIn.maxCasesPerHour!
            let slot = try store.takeStormSlot(route.stormKey, limit: limit, deadline: times.store)
            if slot == nil, let newest = try store.customerCase(route.stormKey, deadline: times.store) {
                try sink.addNote(document.asNote(), caseId: newest, key: key, deadline: times.sink)
                (caseId, owned) = (newest, false)
                logger.warning(
                    "the customer's hourly case limit is reached: noted on its newest case",
                    metadata: ["caseId": "\(newest)", "customer": "\(route.stormKey)"])
            } else {
                do throws(CasesError) {
                    caseId = try sink.create(document, key: key, deadline: times.sink)
                } catch {
                    // The claim stays until its lease lapses: a failed CreateCase may still have raised the case,
                    // and the next delivery looks for it by its reference before raising it.
                    if let slot, error.code == .sinkRefused {
                        store.returnStormSlot(route.stormKey, hour: slot, deadline: times.store)
                    }
                    throw error
                }
                owned = true
                logger.info("case raised", metadata: ["caseId": "\(caseId)", "sink": "\(sink.name)"])
            }
        }
        // From here on the case exists: the claim is marked done first, so that no later delivery raises it again.
        if !(try store.finish(key, token: token, caseId: caseId, owned: owned, deadline: times.store)) {
            logger.error(
                "the claim lapsed while the case was raised: a worker that took it over looks for the case by its reference",
                metadata: ["caseId": "\(caseId)", "reference": "\(reference)"])
        }
        guard owned || alarm.open == nil else { return }
        try record(caseId, owned: owned, notification, route: route, deadline: times.store)
        // An OK of this episode that arrived first (this ALARM came back through retries) found no case to close.
        if let recovered = alarm.lastRecovery, recovered > notification.stateChangeMs, owned {
            try sink.addNote(
                "Recovered before this case was raised: the alarm was OK at "
                    + "\(UTCTime.rfc3339(epochMilliseconds: recovered)).", caseId: caseId, key: key,
                deadline: times.sink)
            try sink.resolve(caseId: caseId, key: key, deadline: times.sink)
            _ = try store.closeCase(
                alarm: notification.alarmKey, episode: notification.stateChangeMs, deadline: times.store)
        }
    }

    /// Records `caseId` as the alarm's open case, and as the customer's newest when it is the alarm's own.
    private func record(
        _ caseId: String, owned: Bool, _ notification: AlarmNotification, route: CaseRoute, deadline: Deadline
    ) throws(CasesError) {
        try store.setOpenCase(
            alarm: notification.alarmKey,
            EpisodeStore.OpenCase(episode: notification.stateChangeMs, caseId: caseId, owned: owned),
            deadline: deadline)
        if owned { try store.setCustomerCase(route.stormKey, caseId: caseId, deadline: deadline) }
    }

    /// Notes the transition on the alarm's open case; `closing` (an `OK`) also resolves the case, when it is the
    /// alarm's own, and closes the episode. An `OK` that finds no case open is remembered, for an `ALARM` of an
    /// earlier episode that arrives after it.
    private func note(
        _ notification: AlarmNotification, closing: Bool, times: Times, logger: Logger
    ) throws(CasesError) {
        let key = Self.actionKey(notification)
        let token: Int64
        switch try store.claim(key, leaseUntilMs: times.leaseUntilMs, deadline: times.store) {
        case .busy: throw CasesError(.episodeBusy, "another worker is noting this transition")
        case .done:
            logger.info("duplicate delivery: the transition is noted")
            return
        case .claimed(let claimed, _): token = claimed
        }
        var noted: EpisodeStore.OpenCase?
        do throws(CasesError) {
            if let open = try store.alarm(notification.alarmKey, deadline: times.store).open,
                open.episode <= notification.stateChangeMs
            {
                try sink.addNote(
                    CaseDocument.recovery(notification), caseId: open.caseId, key: key, deadline: times.sink)
                if closing {
                    if open.owned { try sink.resolve(caseId: open.caseId, key: key, deadline: times.sink) }
                    _ = try store.closeCase(alarm: notification.alarmKey, episode: open.episode, deadline: times.store)
                }
                noted = open
            } else if closing {
                try store.setLastRecovery(
                    alarm: notification.alarmKey, notification.stateChangeMs, deadline: times.store)
            }
        } catch {
            store.release(key, token: token, deadline: times.store)
            throw error
        }
        _ = try store.finish(key, token: token, caseId: noted?.caseId, owned: false, deadline: times.store)
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
