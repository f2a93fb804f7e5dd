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
public import CatalogModel
public import Core
public import LambdaRuntime
import Logging
import MetricModel
import PostgresClient

#if canImport(Glibc)
    import Glibc
#endif

/// The real job: run catalog queries against a customer's PostgreSQL and turn the rows into metrics.
///
/// A single-query payload that fails throws its typed error, so Step Functions `Retry`/`Catch` can act on it.
/// A multi-query payload reports each query's error in the output and still returns the others' metrics.
public struct MetricsHandler: LambdaHandler {
    /// Finds the login for a customer before `deadline`; `nil` leaves it to libpq's defaults (`user`, `PGUSER`,
    /// `PGPASSWORD`).
    public typealias CredentialLookup = (Customer, Deadline) throws -> DatabaseLogin?

    public let catalog: Catalog
    private let credentials: CredentialLookup
    let allowInlineSQL: Bool
    /// `ONPREM_ALLOW_INLINE_CUSTOMERS`: payloads may carry a customer object (tests only; never a login or TLS).
    let allowInlineCustomers: Bool
    /// Time kept back from the query budget for publishing the metrics afterwards.
    let publishReserve: Duration
    /// How fine collection health is published (`ONPREM_HEALTH`).
    let health: HealthDetail
    private let runner: QueryRunner
    private let pool: ConnectionPool
    private let sink: any MetricsSink

    public init(
        catalog: Catalog, allowInlineSQL: Bool = false, allowInlineCustomers: Bool = false,
        publishReserve: Duration = .seconds(1), maxIdleConnections: Int = 8, sink: any MetricsSink = NoSink(),
        health: HealthDetail = .perQuery, tls: PostgresTLS = PostgresTLS(),
        credentials: @escaping CredentialLookup = { _, _ in nil }
    ) {
        self.catalog = catalog
        self.health = health
        self.sink = sink
        self.credentials = credentials
        self.allowInlineSQL = allowInlineSQL
        self.allowInlineCustomers = allowInlineCustomers
        self.publishReserve = publishReserve
        self.pool = ConnectionPool(maxIdle: maxIdleConnections)
        self.runner = QueryRunner(pool: pool, tls: tls)
    }

    /// Loads the catalog named by the environment and reads the handler's settings.
    ///
    /// - Throws: `Catalog.Invalid` naming the bad entry, the sink's error (`CloudWatch.NoCredentials`), or
    ///   `Runtime.InitFailed` for an unknown `ONPREM_HEALTH`; the runtime reports it through `/init/error`.
    public init(environment: [String: String]) throws {
        self.init(
            catalog: try Catalog(environment: environment),
            allowInlineSQL: environment["ONPREM_ALLOW_INLINE_SQL"] == "true",
            allowInlineCustomers: environment["ONPREM_ALLOW_INLINE_CUSTOMERS"] == "true",
            publishReserve: .milliseconds(Int64(environment["ONPREM_PUBLISH_RESERVE_MS"] ?? "") ?? 1000),
            maxIdleConnections: Int(environment["ONPREM_MAX_CONNECTIONS"] ?? "") ?? 8,
            sink: try MetricsSinkChoice.from(environment: environment),
            health: try HealthDetail.from(environment: environment), tls: PostgresTLS(environment: environment),
            credentials: Self.secretsLookup(environment: environment))
    }

    /// Connections held open across invocations (tests, soak benchmark).
    public var openConnections: Int { pool.count }

    /// One task: the customer and its queries, each run in turn with its datums streamed to the sink, then the
    /// output. The steps are ``customer(of:)``, ``collect(_:for:queriesLeft:isSingleQuery:into:budget:context:)``
    /// and ``output(customer:outcomes:datapointCount:buffer:budget:started:)``.
    public func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        let started = Deadline.nowEpochMilliseconds()
        let payload = try TaskPayload(
            json: event, allowInlineSQL: allowInlineSQL, allowInlineCustomers: allowInlineCustomers)
        let customer = try customer(of: payload)
        let references = payload.queries ?? catalog.queries(for: customer).map { .named($0.name) }
        // Datums go to the sink as batches fill, during the queries: what is left of the invocation after the
        // last query is for the last batch. A publish failure fails the task with the unpublished datums in the
        // error, never silently.
        let buffer = PublishBuffer(sink: sink, deadline: context.deadline - Self.answerMargin)
        let budget = OutputBudget()
        var outcomes: [TaskOutput.QueryOutcome] = []
        var total = 0
        for (position, reference) in references.enumerated() {
            let (outcome, collection) = try collect(
                reference, for: customer, queriesLeft: references.count - position,
                isSingleQuery: payload.isSingleQuery, into: buffer, budget: budget, context: context)
            outcomes.append(outcome)
            // Rows streamed before a failure were mapped and their datums are on their way: they count.
            total += collection?.datapointCount ?? 0
            if buffer.failure != nil {
                // The datums still pending join the failure's unpublished ones.
                do { try buffer.flush() } catch { throw Self.stopped(error, after: collection) }
            }
        }
        try buffer.flush()
        return output(
            customer: customer, outcomes: outcomes, datapointCount: total, buffer: buffer, budget: budget,
            started: started)
    }

    /// The payload's customer: the catalog's by name, or an inline one where they are allowed.
    func customer(of payload: TaskPayload) throws -> Customer {
        switch payload.customer {
        case .named(let name): return try catalog.customer(named: name)
        case .inline(let inline):
            // Metrics under a catalog customer's name would pose as that customer (and its collection health).
            guard !catalog.customers.contains(where: { $0.opname == inline.opname }) else {
                throw CatalogError(
                    .inlineCustomerRefused, "an inline customer may not take the name of a catalog customer")
            }
            return inline
        }
    }

    /// Runs one query into `buffer`, with its collection-health datums, and says how it went. A failed query of a
    /// multi-query task is an outcome; a single query's failure is the task's (its health is published first, so
    /// that the collection alarm fires).
    func collect(
        _ reference: TaskPayload.QueryReference, for customer: Customer, queriesLeft: Int, isSingleQuery: Bool,
        into buffer: PublishBuffer, budget: OutputBudget, context: LambdaContext
    ) throws -> (TaskOutput.QueryOutcome, RowCollector?) {
        let queryStarted = Deadline.nowEpochMilliseconds()
        var collection: RowCollector?
        do {
            var query: QueryDefinition
            switch reference {
            case .named(let name): query = try catalog.query(named: name, for: customer)
            case .inline(let inline): query = inline
            }
            if query.builtin == .statements {
                switch try statements(query, for: customer, queriesLeft: queriesLeft, context: context) {
                case .success(let resolved):
                    query = resolved
                case .failure(let unavailable):
                    // Not the collection failing: the server lacks what the pack reads. Said, not alarmed.
                    context.logger.warning(
                        "statements pack skipped", metadata: ["reason": "\(unavailable.reason)"])
                    buffer.add(
                        health.datums(
                            customer: customer, dimension: query.cloudwatchDimension, succeeded: true,
                            since: queryStarted))
                    let outcome = TaskOutput.QueryOutcome(
                        query: query.name, status: .skipped, durationMs: Self.elapsed(since: queryStarted),
                        datapointCount: 0, skippedCount: 0, reason: unavailable.reason)
                    return (outcome, nil)
                }
            }
            if query.eachDatabase {
                return try collectEach(
                    query, for: customer, queriesLeft: queriesLeft, into: buffer, budget: budget, context: context,
                    started: queryStarted)
            }
            collection = RowCollector(
                mapper: RowMapper(
                    customer: customer.opname, query: query, nowMs: queryStarted,
                    constantDimensions: customer.dimensions + query.dimensions), buffer: buffer,
                budget: budget, logText: Self.textLogger(context: context))
            try run(query, for: customer, into: &collection!, queriesLeft: queriesLeft, context: context)
            let rows = collection!
            buffer.add(
                health.datums(
                    customer: customer, dimension: query.cloudwatchDimension, succeeded: true, since: queryStarted))
            if rows.rowsCut > 0 {
                context.logger.warning(
                    "rows cut at the query's maxRows",
                    metadata: ["query": "\(query.name)", "maxRows": "\(query.maxRows)", "rowsCut": "\(rows.rowsCut)"])
            }
            let outcome = TaskOutput.QueryOutcome(
                query: query.name, status: rows.rowsCut > 0 ? .partial : .ok,
                durationMs: Self.elapsed(since: queryStarted), rows: rows.rows,
                rowsCut: rows.rowsCut > 0 ? rows.rowsCut : nil, datapointCount: rows.datapointCount,
                skippedCount: rows.skippedCount, datapoints: rows.datapoints, skipped: rows.skipped)
            return (outcome, rows)
        } catch {
            buffer.add(
                health.datums(
                    customer: customer, dimension: healthDimension(reference, customer: customer), succeeded: false,
                    since: queryStarted))
            if isSingleQuery {
                do {
                    try buffer.flush()
                } catch let publishing {
                    // The query's error is the task's; what could not be published is said here.
                    context.logger.error(
                        "publishing failed too",
                        metadata: [
                            "errorType": "\(publishing.code.name)",
                            "unpublished": "\(publishing.unpublished.reduce(0) { $0 + $1.datapointCount })",
                        ])
                }
                throw error
            }
            let payload = ErrorPayload(error)
            context.logger.warning(
                "query failed", metadata: ["query": "\(reference.name)", "errorType": "\(payload.errorType)"])
            let outcome = TaskOutput.QueryOutcome(
                query: reference.name, status: .error, durationMs: Self.elapsed(since: queryStarted),
                rows: collection?.rows, datapointCount: collection?.datapointCount ?? 0,
                skippedCount: collection?.skippedCount ?? 0, error: payload)
            return (outcome, collection)
        }
    }

    /// The task output: the task's status from its queries', what was published, and the lists that fit.
    func output(
        customer: Customer, outcomes: [TaskOutput.QueryOutcome], datapointCount: Int, buffer: PublishBuffer,
        budget: OutputBudget, started: Int64
    ) -> [UInt8] {
        var outcomes = outcomes
        if budget.isExhausted {
            // More datapoints than the output may list: it lists none, as when the full form would be too large.
            for index in outcomes.indices { outcomes[index].datapoints = nil }
        }
        let failures = outcomes.filter { $0.status == .error }.count
        let partial = outcomes.contains { $0.status == .error || $0.status == .partial }
        let status: TaskOutput.Status = failures == outcomes.count && failures > 0 ? .error : partial ? .partial : .ok
        return TaskOutput(
            customer: customer.opname, status: status, queries: outcomes, datapointCount: datapointCount,
            published: buffer.summary, durationMs: Self.elapsed(since: started),
            truncated: budget.isExhausted ? true : nil
        ).encoded()
    }

    /// A publish failure during a query, with how far collection got: the rows after it were read but not mapped.
    static func stopped(_ failure: CloudWatchError, after collection: RowCollector?) -> CloudWatchError {
        guard let collection, collection.rowsAfterFailure > 0 else { return failure }
        return CloudWatchError(
            failure.code,
            "\(failure.message); collection stopped: \(collection.rowsAfterFailure) rows after the failure were not "
                + "turned into metrics", unpublished: failure.unpublished)
    }

    /// The `Query` dimension of a query's health datums, the same on failure as on success (the query's
    /// `cloudwatchDimension`), so that an alarm on the series sees both. A name the catalog does not know has no
    /// dimension of its own and uses the name.
    func healthDimension(_ reference: TaskPayload.QueryReference, customer: Customer) -> String {
        switch reference {
        case .inline(let query):
            return query.cloudwatchDimension
        case .named(let name):
            let variant =
                (try? catalog.query(named: name, for: customer))
                ?? catalog.queries.first { $0.name == name }
            return variant?.cloudwatchDimension ?? name
        }
    }

    /// Runs one query within its share of the invocation's time, keeping ``publishReserve`` back, streaming its
    /// rows into `collection`.
    func run(
        _ query: QueryDefinition, for customer: Customer, into collection: inout some RowReceiver, queriesLeft: Int,
        context: LambdaContext
    ) throws {
        let now = Deadline.nowEpochMilliseconds()
        var budget = Self.queryBudget(
            remaining: context.deadline.remaining(now: now), reserve: publishReserve, queriesLeft: queriesLeft)
        if let timeout = query.timeoutMs { budget = min(budget, .milliseconds(timeout)) }
        guard budget > .zero else { throw PostgresError(.timeout, "no time left before the invocation's deadline") }
        let queryDeadline = Deadline.after(budget, now: now)
        try runner.run(
            query, on: customer, credentials: try credentials(customer, queryDeadline), into: &collection,
            deadline: queryDeadline)
    }

    /// Time kept after the last publish attempt for encoding the answer and posting it to the Runtime API: a
    /// publish that retries until the deadline itself would answer after Lambda has ended the invocation.
    static let answerMargin: Duration = .milliseconds(100)

    /// A query's time: an equal share, among the queries still to run, of what is left once the publish reserve
    /// (at most a quarter of it) is kept back. A query that is quick leaves its unused share to those after it;
    /// one that hangs (a blackholed host, a stalled link) costs its share, never the others' time.
    static func queryBudget(remaining: Duration, reserve: Duration, queriesLeft: Int) -> Duration {
        let kept = min(reserve, remaining / 4)
        return .milliseconds((remaining - kept).milliseconds / Int64(max(1, queriesLeft)))
    }

    /// Reads a customer's `secret` from Secrets Manager (cached, `ONPREM_SECRET_TTL_SECONDS`, default 300);
    /// customers without one use libpq's defaults.
    static func secretsLookup(environment: [String: String]) -> CredentialLookup {
        let client = AWSCredentials(environment: environment).flatMap {
            SecretsManagerClient(
                endpoint: SecretsManagerClient.endpoint(environment: environment),
                region: environment["AWS_REGION"] ?? "us-east-1", credentials: $0,
                timeToLive: .seconds(Int64(environment["ONPREM_SECRET_TTL_SECONDS"] ?? "") ?? 300))
        }
        return { customer, deadline in
            guard let secret = customer.secret else { return nil }
            guard let client else {
                throw SecretsError(.accessDenied, AWSCredentials.missing(for: "reading secret \(secret)"))
            }
            let login = try client.login(secret: secret, deadline: deadline)
            // libpq reads TLS material only from files: what the secret carries is written to private ones.
            func file(_ pem: String?, _ name: String) throws(SecretsError) -> String? {
                guard let pem else { return nil }
                guard let path = PEMFiles.path(for: pem) else {
                    throw SecretsError(.invalid, "secret \(secret): its \(name) could not be written to a private file")
                }
                return path
            }
            return DatabaseLogin(
                user: login.username, password: login.password, sslcert: try file(login.sslcert, "sslcert"),
                sslkey: try file(login.sslkey, "sslkey"), sslrootcert: try file(login.sslrootcert, "sslrootcert"))
        }
    }

    /// A datapoint as CloudWatch's datum.
    static func datum(_ point: Datapoint) -> MetricDatum {
        MetricDatum(
            name: point.name, dimensions: point.dimensions, unit: point.unit,
            timestampMs: point.timestampMs, storageResolution: point.storageResolution, values: [point.value],
            logOnly: point.logOnly)
    }

    private static func elapsed(since start: Int64) -> Double {
        Double(Deadline.nowEpochMilliseconds() - start)
    }
}

/// Not `Sendable`, on purpose: it holds handles that one thread at a time may use.
@available(*, unavailable)
extension MetricsHandler: Sendable {}
