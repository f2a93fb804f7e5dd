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

public import Core

/// A PostgreSQL failure, named `Postgres.Reason`, with the server's SQLSTATE where there is one.
///
/// The message is the server's primary message, or libpq's own diagnostic for a connection, with its source
/// location and file paths taken out (``PostgresDiagnostics``): it names the server and the cause, never the
/// statement's text, a password, or where the server's code failed. It goes to Step Functions' execution history.
public struct PostgresError: CodedError, Sendable {
    public typealias Code = ErrorCode<PostgresError>

    public let code: Code
    public let message: String
    public let sqlState: String?
    /// The server's DETAIL and HINT, kept apart from ``message``: a detail may quote a row's values.
    public let detail: String?
    public let hint: String?

    public init(_ code: Code, _ message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil) {
        self.code = code
        self.message = message.trimmed(of: " \n\r\t")
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
    }

    public var errorMessage: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }
}

extension ErrorCode where Domain == PostgresError {
    /// The server could not be reached, or TLS could not be set up or verified.
    public static var connectFailed: Self { Self("Postgres.ConnectFailed") }
    /// The server refused the login.
    public static var authFailed: Self { Self("Postgres.AuthFailed") }
    /// The server has no connection slot left (SQLSTATE 53300): `max_connections`, or a role's or database's
    /// connection limit. Slots free up as other clients leave, so a retry may succeed.
    public static var tooManyConnections: Self { Self("Postgres.TooManyConnections") }
    /// The query or the connect ran past its time budget and was cancelled.
    public static var timeout: Self { Self("Postgres.Timeout") }
    /// The server refused the query; the SQLSTATE says why.
    public static var queryFailed: Self { Self("Postgres.QueryFailed") }
    /// The connection broke mid-query (the server restarted or the network dropped).
    public static var connectionLost: Self { Self("Postgres.ConnectionLost") }
}

extension PostgresError {
    /// A refused login by its SQLSTATE in a verbose libpq message (28P01 invalid_password, 28000
    /// invalid_authorization_specification, which pg_hba.conf rejections and unknown roles give), whatever the
    /// server's `lc_messages`; anything else is a failure to connect. A message without a server's answer
    /// (refused, timed out, TLS) carries no SQLSTATE. The message kept is ``PostgresDiagnostics/connectMessage(_:)``:
    /// no source location, no file path.
    static func connectFailure(_ message: String) -> PostgresError {
        let safe = PostgresDiagnostics.connectMessage(message)
        for state in ["28P01", "28000"] where message.contains(":  \(state): ") {
            return PostgresError(.authFailed, safe, sqlState: state)
        }
        // libpq's own refusals to log in: the server asked for a password and none was given (issue 30: typed
        // ConnectFailed, which the stack retries, though only a login change cures it).
        for clientSide in ["fe_sendauth: no password supplied", "password retrieved from file", "SCRAM authentication"]
        where message.contains(clientSide) {
            return PostgresError(.authFailed, safe)
        }
        // 53300 too_many_connections: max_connections, or the role's or database's connection limit.
        if message.contains(":  53300: ") { return PostgresError(.tooManyConnections, safe, sqlState: "53300") }
        return PostgresError(.connectFailed, safe)
    }
}
