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

/// One HTTP response: status, header fields and body bytes.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var fields: HeaderFields
    public var body: [UInt8]

    public init(status: Int, fields: HeaderFields, body: [UInt8] = []) {
        self.status = status
        self.fields = fields
        self.body = body
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.init(status: status, fields: HeaderFields(headers), body: body)
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        fields.value(name)
    }
}
