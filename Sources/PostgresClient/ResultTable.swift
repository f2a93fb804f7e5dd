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

/// A query result as plain values: column names and kinds, and rows of text cells (`nil` for SQL NULL).
///
/// libpq hands values over as text; keeping the result as values lets `RowMapper` (MetricsCollector) be tested without a server.
public struct ResultTable: Equatable, Sendable {
    public struct Column: Equatable, Sendable {
        public var name: String
        public var kind: ColumnKind
        public init(_ name: String, _ kind: ColumnKind) {
            self.name = name
            self.kind = kind
        }
    }

    public var columns: [Column]
    public var rows: [[String?]]

    public init(columns: [Column], rows: [[String?]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// What a column's PostgreSQL type means for metrics.
public enum ColumnKind: Equatable, Sendable {
    case number
    /// `money`: a number written with a currency symbol and separators (`RowMapper` (MetricsCollector) reads the `C` locale's).
    case money
    case boolean
    case text
    case json
    case timestamp
    /// `interval`: a duration, published in seconds.
    case interval
    case unsupported(typeOID: UInt32)

    /// Classifies a PostgreSQL type OID (see `pg_type`).
    public init(typeOID: UInt32) {
        switch typeOID {
        // int8, int2, int4, oid, float4, float8, numeric
        case 20, 21, 23, 26, 700, 701, 1700: self = .number
        case 790: self = .money
        case 16: self = .boolean
        // text, varchar, bpchar, name, char, uuid
        case 25, 1043, 1042, 19, 18, 2950: self = .text
        case 114, 3802: self = .json
        // timestamptz, timestamp
        case 1184, 1114: self = .timestamp
        case 1186: self = .interval
        default: self = .unsupported(typeOID: typeOID)
        }
    }
}
