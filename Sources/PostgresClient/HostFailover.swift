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

/// Connecting to the first suitable server of several, as libpq's multi-host connection does, with a time limit
/// per host that libpq's asynchronous connect does not have (it ignores `connect_timeout`).
///
/// Hosts are tried in order. `target_session_attrs` goes to libpq with each try, and libpq checks the server
/// (`in_hot_standby`, or a query on servers before 14). `prefer-standby` is two passes, as in libpq: standbys
/// first, then any server. A host that did not answer within its time is not tried again in the second pass.
public enum HostFailover: Sendable {
    /// One try: which host, and the `target_session_attrs` to ask of it (`nil`: any server).
    public struct Attempt: Sendable, Equatable {
        public var host: Int
        public var sessionAttrs: String?

        public init(host: Int, sessionAttrs: String?) {
            self.host = host
            self.sessionAttrs = sessionAttrs
        }
    }

    /// The tries, in order, for `hostCount` hosts and a `target_session_attrs` value.
    public static func attempts(hostCount: Int, targetSessionAttrs: String?) -> [Attempt] {
        let hosts = 0..<hostCount
        switch targetSessionAttrs {
        case nil, "any"?:
            return hosts.map { Attempt(host: $0, sessionAttrs: nil) }
        case "prefer-standby"?:
            return hosts.map { Attempt(host: $0, sessionAttrs: "standby") }
                + hosts.map { Attempt(host: $0, sessionAttrs: nil) }
        case let attrs?:
            return hosts.map { Attempt(host: $0, sessionAttrs: attrs) }
        }
    }

    /// How long the next try may take: `perHost` when set, else an equal share of what is left among the tries
    /// still to come, so that a blackholed first host leaves the others their time.
    public static func budget(remaining: Duration, triesLeft: Int, perHost: Duration?) -> Duration {
        guard let perHost else { return .milliseconds(remaining.milliseconds / Int64(max(1, triesLeft))) }
        return min(remaining, perHost)
    }

    /// The error of a connect where every try failed: a refused login or a full server says more than an
    /// unreachable one; only when every host ran out of time is it `Postgres.Timeout`.
    public static func combined(_ failures: [(host: String, error: PostgresError)]) -> PostgresError {
        guard failures.count > 1 else {
            return failures.first?.error ?? PostgresError(.timeout, "no time left to connect")
        }
        let message = failures.map { "\($0.host): \($0.error.message)" }.joined(separator: "; ")
        for code in [PostgresError.Code.authFailed, .tooManyConnections, .connectFailed] {
            if let failure = failures.first(where: { $0.error.code == code }) {
                return PostgresError(code, message, sqlState: failure.error.sqlState)
            }
        }
        return PostgresError(.timeout, message)
    }
}

extension PostgresConnection {
    /// Opens a connection to the first suitable host.
    ///
    /// - Parameters:
    ///   - hosts: Host names or addresses and ports, in the order to try them.
    ///   - parameters: The other libpq keywords, the same for every host.
    ///   - targetSessionAttrs: libpq's `target_session_attrs`; `nil` is `any`.
    ///   - perHostMs: The most one try may take; `nil` gives each try its share of the time left.
    ///   - deadline: When to give up on all of them.
    /// - Throws: as ``connect(parameters:deadline:)``, the failures of every host in the message; a refused
    ///   login stops at once, as in libpq.
    public static func connect(
        hosts: [(host: String, port: Int)], parameters: [(String, String)], targetSessionAttrs: String?,
        perHostMs: Int?, deadline: Deadline
    ) throws(PostgresError) -> PostgresConnection {
        let attempts = HostFailover.attempts(hostCount: hosts.count, targetSessionAttrs: targetSessionAttrs)
        var unanswered: Set<Int> = []
        var failures: [(host: String, error: PostgresError)] = []
        for (index, attempt) in attempts.enumerated() where !unanswered.contains(attempt.host) {
            let remaining = deadline.remaining()
            guard remaining > .zero else { break }
            let triesLeft = attempts[index...].filter { !unanswered.contains($0.host) }.count
            let budget = HostFailover.budget(
                remaining: remaining, triesLeft: triesLeft, perHost: perHostMs.map { .milliseconds($0) })
            let attemptDeadline = Deadline.after(max(.milliseconds(1), budget))
            let (host, port) = hosts[attempt.host]
            var keywords = [("host", host), ("port", String(port))] + parameters
            if let attrs = attempt.sessionAttrs { keywords.append(("target_session_attrs", attrs)) }
            do {
                return try connect(parameters: keywords, deadline: attemptDeadline)
            } catch {
                let name = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
                if error.code == .authFailed { throw error }
                if error.code == .timeout { unanswered.insert(attempt.host) }
                failures.append(
                    (name, error.code == .timeout ? PostgresError(.timeout, "no answer within \(budget) ms") : error))
            }
        }
        throw HostFailover.combined(failures)
    }
}
