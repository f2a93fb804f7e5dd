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

/// An error with a stable wire name, reported to Lambda as `errorType`.
///
/// Step Functions `Retry` and `Catch` match `ErrorEquals` against this name, case-sensitively, so a name is part of
/// the public contract: `Category.Reason`, never starting with `States.`, never renamed.
public protocol NamedError: Error {
    /// `Category.Reason`, for example `Postgres.Timeout`.
    var errorType: String { get }
    /// A message safe to show anywhere: it never holds SQL text, payloads or credentials.
    var errorMessage: String { get }
    /// Extra fields for the error body, as raw JSON values by key: what a Step Functions `Catch` should keep
    /// (for example the datapoints that could not be published). Empty by default.
    var errorDetails: [(key: String, json: String)] { get }
}

extension NamedError {
    public var errorDetails: [(key: String, json: String)] { [] }
}

/// A stable error code of one domain's errors, its wire name in `Category.Reason` form.
///
/// One generic type serves every error struct: a domain declares its codes as static members of
/// `ErrorCode<ItsError>` in an extension, so codes can grow without breaking callers, and two domains' codes
/// cannot be mixed up.
///
/// ```swift
/// extension ErrorCode where Domain == PostgresError {
///     public static var timeout: Self { Self("Postgres.Timeout") }
/// }
/// ```
public struct ErrorCode<Domain>: Hashable, Sendable, CustomStringConvertible {
    /// The wire name, `Category.Reason`.
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }
}

/// The shape every error struct of this project shares: an ``ErrorCode`` of its own and a safe message.
/// Conforming types get `errorType`, `errorMessage` and `description` from it, and override what they need.
public protocol CodedError: NamedError, CustomStringConvertible {
    var code: ErrorCode<Self> { get }
    var message: String { get }
}

extension CodedError {
    public var errorType: String { code.name }
    public var errorMessage: String { message }
    public var description: String { "\(errorType): \(errorMessage)" }
}
