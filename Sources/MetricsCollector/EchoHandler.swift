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

public import LambdaRuntime

/// Returns the event unchanged, without decoding it.
///
/// It exists to measure the runtime alone: whatever it costs is the price of the loop, libcurl and the process.
public struct EchoHandler: LambdaHandler, Sendable {
    public init() {}

    public func handle(_ event: [UInt8], context: LambdaContext) -> [UInt8] { event }
}
