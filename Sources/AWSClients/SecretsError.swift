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

/// Reading a customer's database credentials from Secrets Manager failed, named `Secrets.Reason`.
///
/// Messages name the secret, never its value.
public struct SecretsError: CodedError, Sendable {
    public typealias Code = ErrorCode<SecretsError>

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}

extension ErrorCode where Domain == SecretsError {
    /// No secret of that name or ARN.
    public static var notFound: Self { Self("Secrets.NotFound") }
    /// 403: no `secretsmanager:GetSecretValue` on it, or a bad signature.
    public static var accessDenied: Self { Self("Secrets.AccessDenied") }
    /// The secret is not JSON with `username` and `password`.
    public static var invalid: Self { Self("Secrets.Invalid") }
    /// Throttling, 5xx or network errors until the deadline.
    public static var unavailable: Self { Self("Secrets.Unavailable") }
}
