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

import Testing

@testable import MetricsCollector

/// How the invocation's time is shared among a payload's queries, as values.
@Suite struct QueryBudgetTests {
    @Test("each query of a payload gets an equal share of the time left after the publish reserve")
    func queryBudget() {
        #expect(
            MetricsHandler.queryBudget(remaining: .milliseconds(10_000), reserve: .milliseconds(1000), queriesLeft: 1)
                == .milliseconds(9000))
        #expect(
            MetricsHandler.queryBudget(remaining: .milliseconds(10_000), reserve: .milliseconds(1000), queriesLeft: 3)
                == .milliseconds(3000))
        // The reserve is at most a quarter of what is left.
        #expect(
            MetricsHandler.queryBudget(remaining: .milliseconds(2000), reserve: .milliseconds(1000), queriesLeft: 1)
                == .milliseconds(1500))
        #expect(
            MetricsHandler.queryBudget(remaining: .milliseconds(2000), reserve: .milliseconds(1000), queriesLeft: 0)
                == .milliseconds(1500))
    }
}
