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

/// Turns one event into one response; errors become error responses.
///
/// Handlers are synchronous: a Lambda execution environment serves one invocation at a time, and a blocking
/// handler keeps the hot path free of task switches.
public protocol LambdaHandler {
    /// Handles one event.
    ///
    /// - Parameters:
    ///   - event: The event's raw bytes, exactly as the Runtime API sent them.
    ///   - context: The invocation's id, deadline and logger.
    /// - Returns: The response body.
    /// - Throws: Preferably a ``Core/NamedError``, whose `errorType` Step Functions can match; anything else is
    ///   reported as `Handler.Unhandled`.
    mutating func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8]
}
