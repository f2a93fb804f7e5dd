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

public import CaseWorker
import Core
public import LambdaRuntime
public import MetricsCollector

/// The handler chosen by `_HANDLER`: `metrics` (the default), `cases` (the support-case worker) or `echo`.
///
/// An enum rather than an existential keeps the loop's calls direct.
public enum FunctionHandler: LambdaHandler {
    case echo(EchoHandler)
    case metrics(MetricsHandler)
    case cases(CasesHandler)

    /// Chooses the handler named by `_HANDLER` and initialises it.
    ///
    /// - Throws: `Runtime.UnknownHandler` for a name this binary does not have;
    ///   `Catalog.Invalid` when the catalog is broken; `Cases.NotConfigured` when the worker's settings are missing.
    public init(environment: [String: String]) throws {
        switch Self.choice.choose(in: environment) {
        case .success(let make): self = try make(environment)
        case .failure(let unknown): throw RuntimeError(.unknownHandler, unknown.message)
        }
    }

    /// Every handler, by the name `_HANDLER` gives; `metrics` is the default.
    static let choice = NamedChoice<@Sendable ([String: String]) throws -> FunctionHandler>(
        variable: "_HANDLER", defaultName: "metrics",
        [
            ("metrics", { .metrics(try MetricsHandler(environment: $0)) }),
            ("cases", { .cases(try CasesHandler(environment: $0)) }),
            ("echo", { _ in .echo(EchoHandler()) }),
        ])

    public mutating func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        switch self {
        case .echo(let handler): return handler.handle(event, context: context)
        case .metrics(let handler): return try handler.handle(event, context: context)
        case .cases(let handler): return try handler.handle(event, context: context)
        }
    }
}

/// Not `Sendable`, on purpose: it holds handles that one thread at a time may use.
@available(*, unavailable)
extension FunctionHandler: Sendable {}
