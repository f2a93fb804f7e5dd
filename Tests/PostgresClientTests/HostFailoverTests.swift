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

import Core
import Testing

@testable import PostgresClient

/// Which host is tried when and for how long, and what a failed connect is called, as values.
@Suite struct HostFailoverTests {
    typealias Attempt = HostFailover.Attempt

    @Test("hosts in order; prefer-standby asks every host for a standby first, then for any server")
    func attempts() {
        #expect(
            HostFailover.attempts(hostCount: 2, targetSessionAttrs: nil) == [
                Attempt(host: 0, sessionAttrs: nil), Attempt(host: 1, sessionAttrs: nil),
            ])
        #expect(HostFailover.attempts(hostCount: 1, targetSessionAttrs: "any") == [Attempt(host: 0, sessionAttrs: nil)])
        #expect(
            HostFailover.attempts(hostCount: 2, targetSessionAttrs: "read-write") == [
                Attempt(host: 0, sessionAttrs: "read-write"), Attempt(host: 1, sessionAttrs: "read-write"),
            ])
        #expect(
            HostFailover.attempts(hostCount: 2, targetSessionAttrs: "prefer-standby") == [
                Attempt(host: 0, sessionAttrs: "standby"), Attempt(host: 1, sessionAttrs: "standby"),
                Attempt(host: 0, sessionAttrs: nil), Attempt(host: 1, sessionAttrs: nil),
            ])
    }

    @Test("a try gets its share of the time left, or the per-host limit when one is set, never more than is left")
    func budget() {
        let ms = Duration.milliseconds
        #expect(HostFailover.budget(remaining: ms(3000), triesLeft: 1, perHost: nil) == ms(3000))
        #expect(HostFailover.budget(remaining: ms(3000), triesLeft: 2, perHost: nil) == ms(1500))
        #expect(HostFailover.budget(remaining: ms(3000), triesLeft: 2, perHost: ms(500)) == ms(500))
        #expect(HostFailover.budget(remaining: ms(300), triesLeft: 2, perHost: ms(500)) == ms(300))
        #expect(HostFailover.budget(remaining: ms(3000), triesLeft: 0, perHost: nil) == ms(3000))
    }

    @Test("when every host failed: a refused login, then a full server, then an unreachable one; all silent: Timeout")
    func combined() {
        let refused = PostgresError(.connectFailed, "refused")
        let silent = PostgresError(.timeout, "no answer within 500 ms")
        let full = PostgresError(.tooManyConnections, "sorry, too many clients already", sqlState: "53300")
        #expect(HostFailover.combined([("a:1", silent), ("b:2", refused)]).code == .connectFailed)
        #expect(HostFailover.combined([("a:1", silent), ("b:2", silent)]).code == .timeout)
        let error = HostFailover.combined([("a:1", refused), ("b:2", full)])
        #expect(error.code == .tooManyConnections)
        #expect(error.sqlState == "53300")
        #expect(error.message == "a:1: refused; b:2: sorry, too many clients already")
        #expect(HostFailover.combined([("a:1", refused)]).message == "refused")
        #expect(HostFailover.combined([]).code == .timeout)
    }

    @Test("SQLSTATE 53300 in libpq's verbose message is Postgres.TooManyConnections, in any server language")
    func tooManyConnections() {
        let english = PostgresError.connectFailure(
            "connection to server at \"10.0.0.5\", port 5432 failed: FATAL:  53300: sorry, too many clients already")
        #expect(english.code == .tooManyConnections)
        #expect(english.sqlState == "53300")
        let german = PostgresError.connectFailure(
            "connection to server at \"10.0.0.5\", port 5432 failed: FATAL:  53300: zu viele Verbindungen für Rolle »x«"
        )
        #expect(german.code == .tooManyConnections)
        #expect(PostgresError.connectFailure("Connection refused").code == .connectFailed)
        // Issue 30: the server asked for a password and libpq had none: a login problem, not a network one.
        let noPassword = PostgresError.connectFailure(
            "connection to server at \"10.0.0.5\", port 5432 failed: fe_sendauth: no password supplied\n")
        #expect(noPassword.code == .authFailed)
    }
}
