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

/// A catalog customer made from a tool's connection settings (a DSN, an address, a Datadog instance), without its
/// password: the login goes to a Secrets Manager secret that the customer's `secret` names, which the report says.
public struct ImportedCustomer: Equatable, Sendable {
    public var opname: String
    /// One host (the catalog's `ip`), or several (`hosts`, libpq's multi-host form).
    public var hosts: [String]
    public var port: Int?
    public var database: String
    public var version: String
    public var user: String?
    /// libpq's `sslmode` where the tool's settings name one; the catalog's default (`verify-full`) otherwise.
    public var sslmode: String?
    public var sslrootcert: String?
    public var sslcert: String?
    public var sslkey: String?
    /// Seconds between collections (Telegraf's plugin `interval`, Datadog's `min_collection_interval`).
    public var interval: Int?
    /// Constant dimensions (sql_exporter's target labels, Telegraf's and Datadog's instance tags).
    public var dimensions: [String: String] = [:]

    public init(opname: String, hosts: [String], port: Int?, database: String, version: String) {
        self.opname = opname
        self.hosts = hosts
        self.port = port
        self.database = database
        self.version = version
    }
}
