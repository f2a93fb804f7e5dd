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

import AWSClients
import MetricModel

#if canImport(Glibc)
    import Glibc
#endif

/// Lines for CloudWatch Logs, written to stdout, which Lambda splits into log events at the newlines.
enum StandardOutput {
    /// Writes `bytes` in as few calls as stdout takes: one for a batch, so that another thread's line never lands
    /// inside it.
    ///
    /// - Throws: `CloudWatch.PublishFailed` with `unpublished` when stdout refuses them.
    static func write(_ bytes: [UInt8], unpublished: @autoclosure () -> [MetricDatum]) throws(CloudWatchError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw CloudWatchError(.publishFailed, "stdout refused the log lines", unpublished: unpublished())
            }
            offset += written
        }
    }
}
