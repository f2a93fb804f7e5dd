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

import CLibPQ

/// One row of a streamed result, read in place from libpq's result: valid only during the
/// ``RowReceiver/row(_:)`` call that receives it, since the result is cleared when that call returns.
///
/// Cells become Swift strings only when asked for, so a row the receiver only counts costs no copy.
public struct ResultRow {
    private let result: OpaquePointer
    private let index: Int32

    init(_ result: OpaquePointer, index: Int32) {
        self.result = result
        self.index = index
    }

    /// The number of cells.
    public var count: Int { Int(PQnfields(result)) }

    /// A cell's text, `nil` for SQL NULL.
    public subscript(column: Int) -> String? {
        let column = Int32(column)
        guard column >= 0, column < PQnfields(result), PQgetisnull(result, index, column) == 0 else { return nil }
        return String(cString: PQgetvalue(result, index, column))
    }

    /// The cells as values, for a receiver that keeps the row.
    public var cells: [String?] { (0..<count).map { self[$0] } }
}

@available(*, unavailable)
extension ResultRow: Sendable {}

/// Takes a streamed statement's rows as libpq reads them, one at a time, so that no whole result is held.
public protocol RowReceiver {
    /// The statement's columns: before its first row, and also when it returns none.
    mutating func columns(_ columns: [ResultTable.Column])
    /// The next row.
    mutating func row(_ row: ResultRow)
}
