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

/// Errors about the catalog and what a payload asks of it, named `Catalog.Reason` or `Event.Reason`.
public struct CatalogError: CodedError, Sendable {
    public typealias Code = ErrorCode<CatalogError>

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}

extension ErrorCode where Domain == CatalogError {
    /// The catalog file is missing, not JSON, or has a bad entry (reported through `/init/error`).
    public static var invalid: Self { Self("Catalog.Invalid") }
    /// The payload names a customer the catalog does not have.
    public static var unknownCustomer: Self { Self("Catalog.UnknownCustomer") }
    /// The payload names a query the catalog does not have.
    public static var unknownQuery: Self { Self("Catalog.UnknownQuery") }
    /// The query exists, but has no variant for the customer's database version.
    public static var noVariantForVersion: Self { Self("Catalog.NoVariantForVersion") }
    /// The payload is not JSON or not of a task payload's shape.
    public static var invalidEvent: Self { Self("Event.Invalid") }
    /// The payload carries SQL text and `ONPREM_ALLOW_INLINE_SQL` is not `true`.
    public static var inlineSQLRefused: Self { Self("Event.InlineSQLRefused") }
    /// The payload carries a customer object: without `ONPREM_ALLOW_INLINE_CUSTOMERS=true`, or with a login or TLS
    /// field, or with a catalog customer's name.
    public static var inlineCustomerRefused: Self { Self("Event.InlineCustomerRefused") }
}
