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

import CatalogModel
import Core
import PostgresClient

/// Runs one catalog query for one customer: a read-only transaction with a `statement_timeout`, on a pooled
/// connection that is checked by use and reopened once when the server went away since the last invocation.
final class QueryRunner {
    private let pool: ConnectionPool
    private let tls: PostgresTLS

    init(pool: ConnectionPool, tls: PostgresTLS = PostgresTLS()) {
        self.pool = pool
        self.tls = tls
    }

    /// Runs `query` on `customer`'s database and hands its rows to `receiver` as they arrive.
    ///
    /// - Parameters:
    ///   - credentials: A login to use instead of libpq's defaults (`PGUSER`, `PGPASSWORD`).
    ///   - deadline: When the query must be done; both the connect and the statement timeout derive from it.
    func run(
        _ query: QueryDefinition, on customer: Customer, credentials: DatabaseLogin? = nil,
        into receiver: inout some RowReceiver, deadline: Deadline
    ) throws(PostgresError) {
        let key = customer.endpointKey
        let pooled = pool.take(key).flatMap { $0.isUsable ? $0 : nil }
        var connection: PostgresConnection
        if let pooled {
            connection = pooled
        } else {
            connection = try connect(customer, credentials: credentials, deadline: deadline)
        }
        var counted = Counted(inner: receiver)
        defer { receiver = counted.inner }
        do throws(PostgresError) {
            defer { finish(connection, key: key) }
            try runPipeline(query, on: connection, into: &counted, deadline: deadline)
        } catch  where pooled != nil && error.code == .connectionLost && counted.rows == 0 {
            // The server restarted (or dropped us) while the function was frozen: reconnect once. The query
            // is read-only and no row of it was handed over, so running it again duplicates nothing.
            connection = try connect(customer, credentials: credentials, deadline: deadline)
            defer { finish(connection, key: key) }
            try runPipeline(query, on: connection, into: &counted, deadline: deadline)
        }
    }

    /// The columns `query` returns on `customer`'s server, described without running it (`onprem-watch check`).
    func describe(
        _ query: QueryDefinition, on customer: Customer, credentials: DatabaseLogin? = nil, deadline: Deadline
    ) throws(PostgresError) -> [ResultTable.Column] {
        let key = customer.endpointKey
        let connection: PostgresConnection
        if let pooled = pool.take(key), pooled.isUsable {
            connection = pooled
        } else {
            connection = try connect(customer, credentials: credentials, deadline: deadline)
        }
        defer { finish(connection, key: key) }
        // In a read-only transaction with the time left as its statement and lock timeouts: parsing takes locks,
        // and a table held exclusively must not keep a backend waiting after the check gave up.
        let timeoutMs = String(max(1, deadline.remaining().milliseconds))
        _ = try connection.execute("BEGIN TRANSACTION READ ONLY", deadline: deadline)
        _ = try connection.execute(
            "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)",
            parameters: [timeoutMs], deadline: deadline)
        return try connection.describe(
            query.builtin?.sql(serverVersion: connection.serverVersion) ?? query.sql, deadline: deadline)
    }

    /// Runs `query` and returns its rows as one table (tests, small results).
    func run(
        _ query: QueryDefinition, on customer: Customer, credentials: DatabaseLogin? = nil,
        deadline: Deadline
    ) throws(PostgresError) -> ResultTable {
        var table = TableReceiver()
        try run(query, on: customer, credentials: credentials, into: &table, deadline: deadline)
        return table.table
    }

    /// BEGIN READ ONLY, the statement and lock timeouts, the query and COMMIT, in one round trip; the query's rows
    /// stream.
    private func runPipeline(
        _ query: QueryDefinition, on connection: PostgresConnection, into receiver: inout some RowReceiver,
        deadline: Deadline
    ) throws(PostgresError) {
        let timeoutMs = max(1, deadline.remaining().milliseconds)
        _ = try connection.pipeline(
            [
                (sql: "BEGIN TRANSACTION READ ONLY", parameters: []),
                // The lock timeout too: a pack's size call must not queue behind an exclusive lock.
                (
                    sql: "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)",
                    parameters: [String(timeoutMs)]
                ),
                (sql: query.builtin?.sql(serverVersion: connection.serverVersion) ?? query.sql, parameters: []),
                (sql: "COMMIT", parameters: []),
            ], streaming: 2, into: &receiver, deadline: deadline)
    }

    private func connect(
        _ customer: Customer, credentials: DatabaseLogin?, deadline: Deadline
    ) throws(PostgresError) -> PostgresConnection {
        try PostgresConnection.connect(
            hosts: customer.hosts.map { (host: $0.host, port: $0.port) },
            parameters: Self.parameters(customer, credentials: credentials, tls: tls, deadline: deadline),
            targetSessionAttrs: customer.targetSessionAttrs?.rawValue, perHostMs: customer.connectTimeoutMs,
            deadline: deadline)
    }

    /// Ends any open transaction and returns the connection to the pool when it is healthy.
    private func finish(_ connection: PostgresConnection, key: String) {
        if connection.isUsable && !connection.isIdle {
            let grace = Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + 1000)
            _ = try? connection.execute("ROLLBACK", deadline: grace)
        }
        pool.put(key, connection)
    }

    /// The libpq keywords for a customer but its hosts: settings go as parameters, never spliced into a string.
    ///
    /// TLS is always set explicitly, so that no `PGSSLMODE` or other variable of the environment decides it:
    /// `verify-full` unless the catalog says otherwise, the server checked against the customer's CA (its entry's,
    /// else its secret's, else the function's bundle), and channel binding required where a password goes over TLS.
    static func parameters(
        _ customer: Customer, credentials: DatabaseLogin?, tls: PostgresTLS = PostgresTLS(), deadline: Deadline
    ) -> [(String, String)] {
        // libpq's connect_timeout is whole seconds, at least 2; the poll loop enforces the exact deadline.
        let seconds = max(2, (deadline.remaining().milliseconds + 999) / 1000)
        var parameters: [(String, String)] = [
            ("dbname", customer.database),
            ("application_name", "onprem-watch"),
            ("connect_timeout", String(seconds)),
            // UTC and ISO dates make `timestamp` columns parse the same on every server, and the C locale's money
            // (`-$1,234.50`) makes `money` columns parse at all (RowMapper.money).
            (
                "options",
                "-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=iso_8601 -c lc_monetary=C "
                    + "-c default_transaction_read_only=on"
            ),
        ]
        if let credentials {
            parameters.append(("user", credentials.user))
            parameters.append(("password", credentials.password))
        } else if let user = customer.user {
            parameters.append(("user", user))
        }
        if customer.fromPayload {
            // An inline customer (tests only) gets no login but libpq's PGUSER: a password no one knows instead of
            // PGPASSWORD or a password file, so that a host of the payload's choosing learns nothing to crack.
            parameters.append(("password", "unknown-\(UInt64.random(in: 0...UInt64.max))"))
            parameters.append(("passfile", "/dev/null"))
        }
        parameters.append(("sslmode", customer.effectiveSSLMode.rawValue))
        // A CA the customer or its secret names is always given: with `require`, libpq then checks the
        // certificate against it (as verify-ca). The function's bundle is given only where verification is asked.
        if let root = customer.sslrootcert ?? credentials?.sslrootcert {
            parameters.append(("sslrootcert", root))
        } else if customer.verifiesServer, let root = tls.defaultRootCertificates {
            parameters.append(("sslrootcert", root))
        }
        let certificate = customer.sslcert ?? credentials?.sslcert
        let key = customer.sslkey ?? credentials?.sslkey
        if let certificate, let key {
            parameters.append(("sslcert", certificate))
            parameters.append(("sslkey", key))
        }
        // Channel binding is required over TLS whenever a password may be sent; only a client certificate that is
        // really sent, with no password from a secret, lowers it to prefer.
        let certificateOnly = certificate != nil && key != nil && credentials == nil
        parameters.append(
            (
                "channel_binding",
                (customer.channelBinding ?? (customer.requiresTLS && !certificateOnly ? .require : .prefer)).rawValue
            ))
        return parameters
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension QueryRunner: Sendable {}

/// Counts the rows handed to the receiver it wraps, so a retry can tell whether any were.
private struct Counted<Inner: RowReceiver>: RowReceiver {
    var inner: Inner
    var rows = 0

    mutating func columns(_ columns: [ResultTable.Column]) { inner.columns(columns) }

    mutating func row(_ row: ResultRow) {
        rows += 1
        inner.row(row)
    }
}

/// Keeps the streamed rows as a table.
private struct TableReceiver: RowReceiver {
    var table = ResultTable(columns: [], rows: [])

    mutating func columns(_ columns: [ResultTable.Column]) { table.columns = columns }
    mutating func row(_ row: ResultRow) { table.rows.append(row.cells) }
}
