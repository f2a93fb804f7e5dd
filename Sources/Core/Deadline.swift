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

#if canImport(Glibc)
    import Glibc
#endif

/// The moment an invocation must have answered by, in Unix epoch milliseconds.
public struct Deadline: Comparable, Sendable, CustomStringConvertible {
    public let epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) { self.epochMilliseconds = epochMilliseconds }

    /// The earliest epoch-ms value accepted as a real deadline (2001-09-09). Anything smaller is a duration.
    static let plausibleEpochFloor: Int64 = 1_000_000_000_000

    /// Interprets the `Lambda-Runtime-Deadline-Ms` header.
    ///
    /// Lambda sends epoch milliseconds. cargo-lambda sends `600000`, a duration: read literally it is a moment in
    /// 1970, and every invocation would time out at once. So a value below ``plausibleEpochFloor`` is taken as
    /// milliseconds from `now`. A missing or unparsable header gives `fallback` from `now`.
    ///
    /// - Parameters:
    ///   - header: The header value, if any.
    ///   - now: The current epoch milliseconds (injected for tests).
    ///   - fallback: The time budget assumed when the header says nothing usable.
    public static func parse(header: String?, now: Int64, fallback: Duration = .seconds(900)) -> Deadline {
        // Header values arrive trimmed; trimming again on every invocation cost more than the rest of this.
        guard let header, let value = Int64(header) ?? Int64(header.trimmed(of: " \t")), value > 0 else {
            return Deadline(epochMilliseconds: now + fallback.milliseconds)
        }
        if value < plausibleEpochFloor {
            return Deadline(epochMilliseconds: now + value)
        }
        return Deadline(epochMilliseconds: value)
    }

    /// The time left from `now` (negative once past).
    public func remaining(now: Int64 = Deadline.nowEpochMilliseconds()) -> Duration {
        .milliseconds(epochMilliseconds - now)
    }

    /// The wall clock in epoch milliseconds, as the Runtime API's deadline is.
    public static func nowEpochMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.epochMilliseconds < rhs.epochMilliseconds }

    /// The moment `duration` later (to the millisecond).
    public static func + (lhs: Deadline, rhs: Duration) -> Deadline {
        Deadline(epochMilliseconds: lhs.epochMilliseconds + rhs.milliseconds)
    }

    /// The moment `duration` earlier: a deadline with a margin kept back.
    public static func - (lhs: Deadline, rhs: Duration) -> Deadline {
        Deadline(epochMilliseconds: lhs.epochMilliseconds - rhs.milliseconds)
    }

    /// `duration` from now.
    public static func after(_ duration: Duration, now: Int64 = Deadline.nowEpochMilliseconds()) -> Deadline {
        Deadline(epochMilliseconds: now + duration.milliseconds)
    }

    public var description: String { "\(epochMilliseconds)ms" }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
