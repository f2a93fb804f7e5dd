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

/// The one check every request passes before any byte of it is written, whichever client sends it: a header
/// field or value, a method or a URL that could end a line would let text from outside (an alarm's fields, a
/// secret) add headers or smuggle a second request. No caller escapes this; each refusal is an
/// ``HTTPClientError`` with the code ``HTTPClientError/Code/invalidRequest``, which no retry cures.
public enum HTTPRequestCheck: Sendable {
    /// Why `request` may not be sent, or `nil`.
    public static func problem(_ request: HTTPRequest) -> String? {
        problem(method: request.method, target: request.url, headers: request.headers)
    }

    /// Why a request of these parts may not be sent, or `nil`. Values are not echoed: they may hold a secret.
    public static func problem(method: String, target: String, headers: [(name: String, value: String)]) -> String? {
        if method.isEmpty || !method.utf8.allSatisfy(isTokenByte) { return "the method is not an HTTP token" }
        if target.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            return "the URL has a space or a control character"
        }
        for (index, field) in headers.enumerated() {
            if field.name.isEmpty || !field.name.utf8.allSatisfy(isTokenByte) {
                return "header \(index + 1)'s name is not an HTTP token"
            }
            // RFC 9110 5.5: a field value is visible characters, spaces and tabs; CR, LF and NUL never.
            if field.value.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                return "header \(field.name)'s value has a control character (CR, LF or NUL among them)"
            }
        }
        return nil
    }

    /// `tchar` of RFC 9110 5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
