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

import CLibPQ
public import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Owns one libpq connection (`PGconn`); every wait on it is bounded by a deadline.
///
/// Connects with `PQconnectStartParams` (keyword arrays, never a spliced connection string) and polls, and sends
/// and reads in libpq's nonblocking mode, waiting on the socket with a deadline, so that no stalled or
/// blackholed link can hold it past the invocation's deadline. At a deadline the connection is dropped, not
/// cancelled: `PQcancel` opens a second connection and blocks on it, which on a blackholed link would wait for
/// the kernel's TCP timeout. The server ends the query itself, by the `statement_timeout` the caller sets.
///
/// - Note: Not `Sendable` on purpose: a `PGconn` must not be used from two threads at once.
public final class PostgresConnection {
    private let connection: OpaquePointer
    /// Set when a deadline passed or a send failed mid-way: the connection's state is unknown, so the pool drops it.
    private var isBroken = false

    private init(_ connection: OpaquePointer) { self.connection = connection }

    deinit { PQfinish(connection) }

    /// Opens a connection.
    ///
    /// - Parameters:
    ///   - parameters: libpq keywords and values (`host`, `port`, `dbname`, `user`, `sslmode`, ...).
    ///   - deadline: When to give up.
    /// - Throws: `Postgres.ConnectFailed`, `Postgres.AuthFailed` or `Postgres.Timeout`.
    public static func connect(parameters: [(String, String)], deadline: Deadline) throws(PostgresError)
        -> PostgresConnection
    {
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        guard let raw = PQconnectStartParams(keywordPointers, valuePointers, 0) else {
            throw PostgresError(.connectFailed, "libpq could not allocate a connection")
        }
        let connection = PostgresConnection(raw)
        // Verbose errors carry the SQLSTATE in the message (`FATAL:  28P01: ...`): libpq has no other way to give
        // the code of a refused connection, and the message text is in the server's language.
        _ = PQsetErrorVerbosity(raw, PQERRORS_VERBOSE)
        guard PQstatus(raw) != CONNECTION_BAD else { throw connection.connectError() }
        var status = PGRES_POLLING_WRITING
        while status != PGRES_POLLING_OK {
            switch status {
            case PGRES_POLLING_FAILED:
                throw connection.connectError()
            case PGRES_POLLING_READING, PGRES_POLLING_WRITING:
                guard connection.wait(forWrite: status == PGRES_POLLING_WRITING, until: deadline) else {
                    throw PostgresError(.timeout, "connecting to the server took longer than the time left")
                }
            default:
                break
            }
            status = PQconnectPoll(raw)
        }
        _ = PQsetErrorVerbosity(raw, PQERRORS_DEFAULT)
        // Nonblocking sends: a full socket buffer on a stalled link makes a send wait on the deadline, not block.
        guard PQsetnonblocking(raw, 1) == 0 else { throw connection.lostOrFailed() }
        return connection
    }

    /// Whether the connection is up as far as the client knows (a server restart shows only on next use).
    public var isUsable: Bool { !isBroken && PQstatus(connection) == CONNECTION_OK }

    /// The server's version as `server_version_num` gives it (150004 for 15.4): libpq reads it once, when the
    /// connection starts, so asking costs no round trip.
    public var serverVersion: Int { Int(PQserverVersion(connection)) }

    /// Whether no transaction is open, so the connection can go back to the pool.
    public var isIdle: Bool { PQtransactionStatus(connection) == PQTRANS_IDLE }

    /// Runs one statement with text parameters and returns its rows.
    ///
    /// `PQsendQueryParams` takes a single statement, so a query can never smuggle a second one.
    ///
    /// - Throws: `Postgres.QueryFailed` (with SQLSTATE), `Postgres.Timeout` (dropped at the deadline, or the
    ///   server's `statement_timeout`), `Postgres.ConnectionLost`.
    public func execute(_ sql: String, parameters: [String] = [], deadline: Deadline) throws(PostgresError)
        -> ResultTable
    {
        let values = parameters.map { strdup($0) }
        defer { values.forEach { free($0) } }
        let valuePointers = values.map { UnsafePointer($0) }
        let sent = PQsendQueryParams(connection, sql, Int32(parameters.count), nil, valuePointers, nil, nil, 0)
        guard sent == 1 else { throw lostOrFailed() }
        guard try flush(deadline) else { throw timedOut() }

        var table: ResultTable?
        try results(deadline) { result in
            table =
                PQresultStatus(result) == PGRES_TUPLES_OK
                ? Self.table(result) : table ?? ResultTable(columns: [], rows: [])
        }
        return table ?? ResultTable(columns: [], rows: [])
    }

    /// Sends statements as one pipeline, in one round trip, and hands the rows of statement `streamed` to
    /// `receiver` one at a time, in libpq's single-row mode, as they arrive: memory holds one row of it, whatever
    /// the row count. The other statements' rows are returned as tables; the streamed one's table is empty.
    ///
    /// - Throws: as ``execute(_:parameters:deadline:)``. Rows handed over before a failure stay handed over.
    public func pipeline(
        _ statements: [(sql: String, parameters: [String])], streaming streamed: Int?,
        into receiver: inout some RowReceiver, deadline: Deadline
    ) throws(PostgresError) -> [ResultTable] {
        guard PQenterPipelineMode(connection) == 1 else { throw lostOrFailed() }
        var allocations: [UnsafeMutablePointer<CChar>?] = []
        defer { allocations.forEach { free($0) } }
        // A send that fails part-way leaves the connection in pipeline mode with statements queued and no sync:
        // its state is unknown, so it is marked broken and the pool drops it.
        func sendFailed() -> PostgresError {
            let error = lostOrFailed()
            isBroken = true
            return error
        }
        for statement in statements {
            let values = statement.parameters.map { strdup($0) }
            allocations += values
            let pointers = values.map { UnsafePointer($0) }
            guard PQsendQueryParams(connection, statement.sql, Int32(pointers.count), nil, pointers, nil, nil, 0) == 1
            else { throw sendFailed() }
        }
        guard PQpipelineSync(connection) == 1 else { throw sendFailed() }
        guard try flush(deadline) else { throw timedOut() }

        var tables: [ResultTable] = []
        var current: ResultTable?
        var failure: PostgresError?
        // The statement whose results are being read; single-row mode must be chosen for a statement right after
        // the previous one's results end, before libpq reads any of its own.
        var reading = 0
        var columnsSent = false
        if streamed == 0 { _ = PQsetSingleRowMode(connection) }
        results: while true {
            guard try waitUntilReady(deadline) else { throw timedOut() }
            guard let result = PQgetResult(connection) else {
                // The end of one statement's results.
                tables.append(current ?? ResultTable(columns: [], rows: []))
                current = nil
                reading += 1
                if reading == streamed { _ = PQsetSingleRowMode(connection) }
                continue
            }
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_PIPELINE_SYNC:
                break results
            case PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK:
                guard reading == streamed else {
                    current = Self.table(result)
                    break
                }
                if !columnsSent {
                    receiver.columns(Self.columns(result))
                    columnsSent = true
                }
                // A zero-row TUPLES_OK ends single-row mode; a full one means libpq refused the mode, and its
                // rows are handed over the same way.
                for row in 0..<PQntuples(result) { receiver.row(ResultRow(result, index: row)) }
                if status == PGRES_TUPLES_OK { current = ResultTable(columns: [], rows: []) }
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_PIPELINE_ABORTED:
                current = current ?? ResultTable(columns: [], rows: [])
            default:
                failure = failure ?? Self.error(result)
            }
        }
        _ = PQexitPipelineMode(connection)
        if let failure {
            if !isUsable { throw PostgresError(.connectionLost, failure.message) }
            throw failure
        }
        return tables
    }

    /// The columns `sql` would return, and their types, without running it: the server parses and plans the
    /// statement as an unnamed prepared statement (`PQsendPrepare`) and describes it (`PQsendDescribePrepared`).
    /// A prepared statement is one statement, so two are refused here, by the server.
    ///
    /// - Throws: `Postgres.QueryFailed` with the server's reason (a missing table or column, a syntax error,
    ///   `cannot insert multiple commands into a prepared statement`), `Postgres.Timeout`,
    ///   `Postgres.ConnectionLost`.
    public func describe(_ sql: String, deadline: Deadline) throws(PostgresError) -> [ResultTable.Column] {
        guard PQsendPrepare(connection, "", sql, 0, nil) == 1 else { throw lostOrFailed() }
        guard try flush(deadline) else { throw timedOut() }
        _ = try results(deadline) { _ in }
        guard PQsendDescribePrepared(connection, "") == 1 else { throw lostOrFailed() }
        guard try flush(deadline) else { throw timedOut() }
        var columns: [ResultTable.Column] = []
        try results(deadline) { columns = Self.columns($0) }
        return columns
    }

    /// Reads a command's results until libpq has no more, handing each successful one to `body`; the first
    /// failure is thrown once they are all read, so the connection is left ready.
    private func results(_ deadline: Deadline, _ body: (OpaquePointer) -> Void) throws(PostgresError) {
        var failure: PostgresError?
        while true {
            guard try waitUntilReady(deadline) else { throw timedOut() }
            guard let result = PQgetResult(connection) else { break }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: body(result)
            default: failure = failure ?? Self.error(result)
            }
        }
        if let failure {
            if !isUsable { throw PostgresError(.connectionLost, failure.message) }
            throw failure
        }
    }

    /// Reads input until a whole result is ready; `false` at the deadline.
    private func waitUntilReady(_ deadline: Deadline) throws(PostgresError) -> Bool {
        while PQisBusy(connection) == 1 {
            guard wait(forWrite: false, until: deadline) else { return false }
            guard PQconsumeInput(connection) == 1 else { throw lostOrFailed() }
        }
        return true
    }

    /// Sends what libpq has buffered; `false` when the deadline passes first.
    private func flush(_ deadline: Deadline) throws(PostgresError) -> Bool {
        while true {
            switch PQflush(connection) {
            case 0: return true
            case 1: guard wait(forWrite: true, until: deadline) else { return false }
            default: throw lostOrFailed()
            }
        }
    }

    /// The deadline passed mid-query: the connection's state is unknown, so the pool drops it, and the server's
    /// `statement_timeout` ends the query.
    private func timedOut() -> PostgresError {
        isBroken = true
        return PostgresError(.timeout, "the query ran past the time left; the connection was dropped")
    }

    /// Waits for the socket; `false` when the deadline passes first.
    private func wait(forWrite: Bool, until deadline: Deadline) -> Bool {
        let socket = PQsocket(connection)
        guard socket >= 0 else { return true }
        while true {
            let remaining = deadline.remaining().milliseconds
            if remaining <= 0 { return false }
            var descriptor = pollfd(fd: socket, events: Int16(forWrite ? POLLOUT : POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining, Int64(Int32.max))))
            if ready > 0 { return true }
            if ready == 0 { return false }
            if errno != EINTR { return true }
        }
    }

    private var lastMessage: String { String(cString: PQerrorMessage(connection)) }

    private func lostOrFailed() -> PostgresError {
        let message = PostgresDiagnostics.connectMessage(lastMessage)
        return isUsable ? PostgresError(.queryFailed, message) : PostgresError(.connectionLost, message)
    }

    /// Tells a refused login from an unreachable server.
    private func connectError() -> PostgresError {
        PostgresError.connectFailure(lastMessage)
    }

    /// A failed statement's error from the result's fields, never from its full message: that one quotes the
    /// statement around the error's position (`LINE 1: select ... where api_key = 'LITERAL'`), and errors go to
    /// Step Functions' execution history.
    private static func error(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue ?? 0)).map { String(cString: $0) }
        }
        let state = field("C")
        let message = PostgresDiagnostics.resultMessage(
            severity: field("V") ?? field("S"), primary: field("M"),
            fallback: String(cString: PQresultErrorMessage(result)))
        // 57014 query_canceled: the server's statement_timeout fired.
        if state == "57014" { return PostgresError(.timeout, message, sqlState: state) }
        return PostgresError(.queryFailed, message, sqlState: state, detail: field("D"), hint: field("H"))
    }

    private static func columns(_ result: OpaquePointer) -> [ResultTable.Column] {
        (0..<PQnfields(result)).map { index in
            ResultTable.Column(String(cString: PQfname(result, index)), ColumnKind(typeOID: PQftype(result, index)))
        }
    }

    /// Copies a result out of libpq into values before the result is cleared.
    private static func table(_ result: OpaquePointer) -> ResultTable {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = Self.columns(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append(
                (0..<columnCount).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        return ResultTable(columns: columns, rows: rows)
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension PostgresConnection: Sendable {}
