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

/// Exponential backoff with full jitter, as AWS recommends: the pause before retry `n` is uniform in
/// `0 ..< min(cap, base * 2^n)`.
public struct RetryPolicy: Sendable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration = .milliseconds(50), cap: Duration = .seconds(2)) {
        self.base = base
        self.cap = cap
    }

    /// Runs `attempt` until it succeeds, fails in a way `retryable` refuses, or the deadline leaves no time for
    /// another try after the pause.
    ///
    /// - Returns: The success and how many retries it took.
    public func run<Success, Failure: Error>(
        until deadline: Deadline, retryable: (Failure) -> Bool, _ attempt: () -> Result<Success, Failure>
    ) throws(Failure) -> (value: Success, retries: Int) {
        var attempts = 0
        while true {
            let failure: Failure
            switch attempt() {
            case .success(let value): return (value, attempts)
            case .failure(let error): failure = error
            }
            attempts += 1
            let pause = delay(attempt: attempts, random: Double.random(in: 0..<1))
            guard retryable(failure), deadline.remaining() > pause + .milliseconds(50) else { throw failure }
            Pause.sleep(for: pause)
        }
    }

    /// The pause before retry `attempt` (1-based), given a uniform random number in `0..<1`.
    public func delay(attempt: Int, random: Double) -> Duration {
        let ceiling = min(Double(cap.milliseconds), Double(base.milliseconds) * Double(1 << min(attempt - 1, 20)))
        return .milliseconds(Int64(ceiling * max(0, min(random, 1))))
    }
}
