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
    private let store: any EpisodeStore
    private let sink: any CaseSink
    /// The most one record's sink calls may take, retries included (`ONPREM_CASES_RECORD_MS`): a sink that stays
    /// throttled fails its records, which come back later, rather than holding the batch's others until the
    /// deadline.
    private let recordBudget: Duration
    /// The longest a claim holds (`ONPREM_CASES_LEASE_MS`), where the tests cannot wait for an invocation's
    /// deadline; `nil` in production: a claim lapses a second after its invocation's deadline.
    private let leaseCap: Duration?
    /// What is kept back from the deadline for the answer.
    static let answerMargin: Duration = .milliseconds(200)

    init(
        catalog: Catalog, store: any EpisodeStore, sink: any CaseSink,
        recordBudget: Duration = CasesConfiguration.defaultRecordBudget, leaseCap: Duration? = nil
    ) {
        self.catalog = catalog
        self.store = store
        self.sink = sink
        self.recordBudget = recordBudget
        self.leaseCap = leaseCap
    }

    /// Reads the catalog and the worker's settings (``CasesConfiguration``) and makes the store's and the sink's
    /// clients.
    ///
    /// - Throws: `Catalog.Invalid`, or `Cases.NotConfigured` naming what is missing.
    public convenience init(environment: [String: String]) throws {
        let catalog = try Catalog(environment: environment)
        let configuration = try CasesConfiguration(environment: environment)
        try self.init(catalog: catalog, configuration: configuration)
    }

    convenience init(catalog: Catalog, configuration: CasesConfiguration) throws(CasesError) {
        let noHandle = CasesError(.notConfigured, "libcurl could not make a handle")
        guard
            let dynamo = AWSJSONClient(
                endpoint: configuration.dynamoEndpoint, region: configuration.region, service: "dynamodb",
                targetPrefix: "DynamoDB_20120810", jsonVersion: "1.0", credentials: configuration.credentials)
        else { throw noHandle }
        let sink: any CaseSink
        switch configuration.sink {
        case .support(let endpoint, let serviceCode, let categoryCode):
            guard
                let client = AWSJSONClient(
                    endpoint: endpoint, region: "us-east-1", service: "support", targetPrefix: "AWSSupport_20130415",
                    jsonVersion: "1.1", credentials: configuration.credentials)
            else { throw noHandle }
            sink = SupportCaseSink(client: client, serviceCode: serviceCode, categoryCode: categoryCode)
        case .webhook(let webhook, let caFile):
            let target: WebhookCaseSink.Target
            switch webhook {
            case .url(let url): target = .url(url)
            case .secret(let id, let endpoint):
                guard
                    let secrets = SecretsManagerClient(
                        endpoint: endpoint, region: configuration.region, credentials: configuration.credentials)
                else { throw noHandle }
                target = .secret(id, secrets)
            }
            guard let webhook = WebhookCaseSink(target: target, caFile: caFile) else { throw noHandle }
            sink = webhook
        }
        self.init(
            catalog: catalog, store: DynamoEpisodeStore(client: dynamo, table: configuration.table), sink: sink,
            recordBudget: configuration.recordBudget, leaseCap: configuration.leaseCap)
    }

    public func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        let batch = try SQSBatch(event: event)
        let deadline = context.deadline - Self.answerMargin
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
        let share = max(
            .zero,
            min(.milliseconds(deadline.remaining(now: now).milliseconds / Int64(max(1, recordsLeft))), recordBudget))
        var lease = deadline + Self.answerMargin + .seconds(1)
        if let leaseCap { lease = min(lease, Deadline.after(leaseCap, now: now)) }
        return Times(
            sink: Deadline.after(share - min(Self.recordingReserve, share / 2), now: now), store: deadline,
            leaseUntilMs: lease.epochMilliseconds)
    }

    /// Time kept from a record's share for recording what the sink did.
    static let recordingReserve: Duration = .seconds(1)

    func handle(_ record: SQSBatch.Record, times: Times, logger: Logger) throws(CasesError) {
        let notification = try AlarmNotification(body: record.body, nowMs: Deadline.nowEpochMilliseconds())
        var logger = logger
        logger[metadataKey: "alarm"] = "\(notification.alarmName)"
        logger[metadataKey: "state"] = "\(notification.state.rawValue)"
        logger[metadataKey: "stateChangeTime"] = "\(notification.stateChangeTime)"
        logger[metadataKey: "sink"] = "\(sink.name)"
        let route = CaseRoute(notification, catalog: catalog)
        let facts = CaseFacts(notification, route: route)
        var machine = CaseStateMachine(notification, route: route)
        var action = machine.start()
        while true {
            for entry in machine.takeLog() { write(entry, to: logger) }
            switch action {
            case .succeed: return
            case .fail(let error): throw error
            default: action = machine.next(perform(action, facts: facts, times: times))
            }
        }
    }

    /// Carries out one of the machine's calls: the sink's within the record's share, the store's within the
    /// invocation's deadline.
    func perform(_ action: CaseStateMachine.Action, facts: CaseFacts, times: Times) -> CaseStateMachine.Event {
        do throws(CasesError) {
            switch action {
            case .claim(let key):
                return .claimed(try store.claim(key, leaseUntilMs: times.leaseUntilMs, deadline: times.store))
            case .readAlarm(let alarm): return .alarmRead(try store.alarm(alarm, deadline: times.store))
            case .find(let reference, let since):
                return .found(try sink.find(reference: reference, sinceMs: since, deadline: times.sink))
            case .takeStormSlot(let opname, let limit):
                return .stormSlot(try store.takeStormSlot(opname, limit: limit, deadline: times.store))
            case .readCustomerCase(let opname):
                return .customerCase(try store.customerCase(opname, deadline: times.store))
            case .create(let document, let key):
                return .created(try sink.create(document, key: key, facts: facts, deadline: times.sink))
            case .addNote(let text, let caseId, let key):
                try sink.addNote(text, caseId: caseId, key: key, facts: facts, deadline: times.sink)
            case .resolve(let caseId, let key):
                try sink.resolve(caseId: caseId, key: key, facts: facts, deadline: times.sink)
            case .returnStormSlot(let opname, let hour):
                store.returnStormSlot(opname, hour: hour, deadline: times.store)
            case .finish(let key, let token, let caseId, let owned):
                return .finished(
                    try store.finish(key, token: token, caseId: caseId, owned: owned, deadline: times.store))
            case .release(let key, let token): store.release(key, token: token, deadline: times.store)
            case .setOpenCase(let alarm, let open): try store.setOpenCase(alarm: alarm, open, deadline: times.store)
            case .setCustomerCase(let opname, let caseId):
                try store.setCustomerCase(opname, caseId: caseId, deadline: times.store)
            case .closeCase(let alarm, let episode, let resolving):
                return .applied(
                    try store.closeCase(alarm: alarm, episode: episode, resolving: resolving, deadline: times.store))
            case .finishResolving(let alarm, let episode):
                return .applied(try store.finishResolving(alarm: alarm, episode: episode, deadline: times.store))
            case .moveOpenCase(let alarm, let from, let to):
                return .applied(try store.moveOpenCase(alarm: alarm, from: from, to: to, deadline: times.store))
            case .setLastRecovery(let alarm, let time):
                try store.setLastRecovery(alarm: alarm, time, deadline: times.store)
            case .succeed, .fail: preconditionFailure("not a call")
            }
            return .done
        } catch {
            return .failed(error)
        }
    }

    private func write(_ entry: CaseStateMachine.LogEntry, to logger: Logger) {
        var metadata = Logger.Metadata()
        for (key, value) in entry.metadata { metadata[key] = "\(value)" }
        switch entry.level {
        case .info: logger.info("\(entry.message)", metadata: metadata)
        case .warning: logger.warning("\(entry.message)", metadata: metadata)
        case .error: logger.error("\(entry.message)", metadata: metadata)
        }
    }
}

/// Not `Sendable`, on purpose: it owns connections that one thread at a time may use.
@available(*, unavailable)
extension CasesHandler: Sendable {}
