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

/// Why the support-case worker (`_HANDLER=cases`) could not handle a message, named `Cases.Reason`.
///
/// ``retryable`` decides only what the log says: every failed record is reported in the batch response, so that
/// SQS brings it back, and a record that can never succeed ends in the dead-letter queue after the queue's
/// `maxReceiveCount` rather than being dropped.
public struct CasesError: CodedError, Sendable, Equatable {
    public typealias Code = ErrorCode<CasesError>

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether a later delivery may succeed where this one failed.
    public var retryable: Bool {
        [Code.sinkUnavailable, .storeUnavailable, .episodeBusy].contains(code)
    }
}

extension ErrorCode where Domain == CasesError {
    /// The invocation's event is not an SQS event (the whole batch fails).
    public static var invalidEvent: Self { Self("Cases.InvalidEvent") }
    /// A record's body is not an alarm notification: neither SNS's envelope around one, nor one itself, nor a
    /// monitor's message with `AlarmName`, `AlarmDescription` and `StateChangeTime`.
    public static var invalidMessage: Self { Self("Cases.InvalidMessage") }
    /// The worker's configuration is missing or wrong (reported through `/init/error`).
    public static var notConfigured: Self { Self("Cases.NotConfigured") }
    /// AWS Support or the webhook throttled, failed with 5xx, or could not be reached until the deadline.
    public static var sinkUnavailable: Self { Self("Cases.SinkUnavailable") }
    /// AWS Support or the webhook refused the request (no support plan, access denied, a bad document).
    public static var sinkRefused: Self { Self("Cases.SinkRefused") }
    /// DynamoDB throttled, failed with 5xx, or could not be reached until the deadline.
    public static var storeUnavailable: Self { Self("Cases.StoreUnavailable") }
    /// DynamoDB refused the request (no such table, access denied).
    public static var storeRefused: Self { Self("Cases.StoreRefused") }
    /// Another worker is raising this episode's case right now; the message comes back after the visibility
    /// timeout, when that worker has finished or its claim has lapsed.
    public static var episodeBusy: Self { Self("Cases.EpisodeBusy") }
}
