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
public import Logging

/// What a handler knows about the invocation it serves.
public struct LambdaContext: Sendable {
    public let requestID: String
    public let invokedFunctionARN: String
    public let traceID: String?
    public let deadline: Deadline
    /// A logger whose records carry this invocation's `requestId`.
    public let logger: Logger

    public init(requestID: String, invokedFunctionARN: String, traceID: String?, deadline: Deadline, logger: Logger) {
        self.requestID = requestID
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.deadline = deadline
        self.logger = logger
    }

    /// The time left before Lambda stops the invocation.
    public func remainingTime() -> Duration { deadline.remaining() }
}
