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

/// The Runtime API as the loop sees it: three calls, so the loop can be tested without a network.
public protocol RuntimeClient {
    /// Waits, without a time limit, for the next invocation.
    mutating func next() throws(RuntimeError) -> Invocation
    /// Posts a handler's response.
    mutating func respond(requestID: String, body: [UInt8]) throws(RuntimeError)
    /// Posts a handler's error.
    mutating func fail(requestID: String, error: ErrorPayload) throws(RuntimeError)
}
