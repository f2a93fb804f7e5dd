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

/// libpq's `sslmode`, as a customer's entry sets it (docs/catalog.md#tls).
public enum SSLMode: String, CaseIterable, Sendable {
    case disable, allow, prefer, require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"

    /// Whether the connection is always TLS (`require` and up): a password over it gets channel binding.
    public var requiresTLS: Bool { [.require, .verifyCA, .verifyFull].contains(self) }

    /// Whether the server's certificate is checked against a CA (`verify-ca`, `verify-full`).
    public var verifiesServer: Bool { [.verifyCA, .verifyFull].contains(self) }
}

/// libpq's `channel_binding`.
public enum ChannelBinding: String, CaseIterable, Sendable {
    case disable, prefer, require
}

/// libpq's `target_session_attrs` (PostgreSQL 14 and later): which kind of server to settle on among a customer's
/// hosts.
public enum TargetSessionAttributes: String, CaseIterable, Sendable {
    case any
    case readWrite = "read-write"
    case readOnly = "read-only"
    case primary, standby
    case preferStandby = "prefer-standby"
}

extension FieldReader {
    /// The value of `key` among `T`'s, or `nil` when absent; any other text is `Catalog.Invalid` listing the values.
    func optionalChoice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(CatalogError) -> T?
    where T.RawValue == String {
        guard let text = try optionalText(key) else { return nil }
        guard let value = T(rawValue: text) else {
            throw CatalogError(
                .invalid, "\(place): \(key) \"\(text)\" is not one of \(T.allCases.map(\.rawValue).sorted())")
        }
        return value
    }
}
