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

/// Blocks the calling thread for a while: the runtime is synchronous by design, so a retry's backoff pauses
/// the thread itself.
public enum Pause: Sendable {
    public static func sleep(for duration: Duration) {
        var spec = timespec(
            tv_sec: Int(duration.components.seconds), tv_nsec: Int(duration.milliseconds % 1000) * 1_000_000)
        nanosleep(&spec, nil)
    }
}
