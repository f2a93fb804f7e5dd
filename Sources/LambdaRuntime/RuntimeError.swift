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

/// A failure of the runtime itself, as opposed to the handler's.
public struct RuntimeError: CodedError, Equatable, Sendable {
    /// Stable codes; each has a wire name in `Runtime.Reason` form.
    public typealias Code = ErrorCode<RuntimeError>

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}

extension ErrorCode where Domain == RuntimeError {
    /// `/next` answered without a request id.
    public static var missingRequestID: Self { Self("Runtime.MissingRequestId") }
    /// `/next` answered with a request id that is not a plain token, which cannot go into a request path.
    public static var invalidRequestID: Self { Self("Runtime.InvalidRequestId") }
    /// The Runtime API answered 500: the runtime must exit.
    public static var nonRecoverable: Self { Self("Runtime.NonRecoverable") }
    /// The Runtime API refused a call (400, 403, or another unexpected status).
    public static var rejected: Self { Self("Runtime.Rejected") }
    /// The handler's response is over the 6 MB limit (or the API answered 413).
    public static var responseTooLarge: Self { Self("Runtime.ResponseTooLarge") }
    /// No HTTP answer from the Runtime API.
    public static var transport: Self { Self("Runtime.Transport") }
    /// `_HANDLER` names no handler this binary has.
    public static var unknownHandler: Self { Self("Runtime.UnknownHandler") }
    /// Initialisation failed (for example, the catalog is broken).
    public static var initFailed: Self { Self("Runtime.InitFailed") }
}
