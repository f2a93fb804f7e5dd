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

@testable import LambdaRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// The suites that change the process environment (`putenv`, `setenv`) or read it while another may change it.
///
/// glibc's `setenv` may move `environ` while `getenv` reads it on another thread, so these tests run one at a time
/// rather than beside each other.
@Suite(.serialized) enum ProcessEnvironmentTests {}

extension ProcessEnvironmentTests {
    @Suite struct TraceEnvironmentTests {
        /// Each test has a variable of its own as well, so no test sees another's value.
        func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

        @Test("each value replaces the last, in the same memory: a new trace id allocates nothing")
        func overwritesInPlace() {
            let name = "ONPREM_TEST_TRACE_A"
            let environment = TraceEnvironment(name: name)
            environment.set("Root=1-00000000-000000000000000000000000")
            let first = getenv(name)
            for round in 1...1000 {
                let id = "Root=1-\(String(round, radix: 16))-\(round)"
                environment.set(id)
                #expect(value(name) == id)
                #expect(getenv(name) == first)
            }
            withExtendedLifetime(environment) {}
        }

        @Test("a longer value moves to a larger entry; nil removes the variable; setting again restores it")
        func growsAndClears() {
            let name = "ONPREM_TEST_TRACE_B"
            let environment = TraceEnvironment(name: name)
            environment.set("short")
            let long = String(repeating: "x", count: 1000)
            environment.set(long)
            #expect(value(name) == long)
            environment.set(nil)
            #expect(value(name) == nil)
            environment.set("back")
            #expect(value(name) == "back")
            withExtendedLifetime(environment) {}
        }

        @Test("a value set by someone else (a handler's own setenv) is replaced by the next one")
        func reinstallsAfterSetenv() {
            let name = "ONPREM_TEST_TRACE_C"
            let environment = TraceEnvironment(name: name)
            environment.set("ours-1")
            setenv(name, "theirs", 1)
            environment.set("ours-2")
            #expect(value(name) == "ours-2")
            withExtendedLifetime(environment) {}
        }

        @Test("the variable goes with its owner")
        func removedOnDeinit() {
            let name = "ONPREM_TEST_TRACE_D"
            do {
                let environment = TraceEnvironment(name: name)
                environment.set("gone soon")
                withExtendedLifetime(environment) { #expect(value(name) == "gone soon") }
            }
            #expect(value(name) == nil)
        }
    }
}
