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

import JSON

/// The JSON body of `POST /invocation/{id}/error` and `/init/error`.
public struct ErrorPayload: Codable, Equatable, Sendable {
    public var errorMessage: String
    public var errorType: String
    public var stackTrace: [String]
    /// Raw JSON fields added to the body (``NamedError/errorDetails``); not part of the `Codable` form.
    public var details: [String] = []

    private enum CodingKeys: String, CodingKey { case errorMessage, errorType, stackTrace }

    public init(errorType: String, errorMessage: String, stackTrace: [String] = []) {
        self.errorMessage = errorMessage
        self.errorType = errorType
        self.stackTrace = stackTrace
    }

    /// The payload for any error: its own name when it is a ``Core/NamedError``, `Handler.Unhandled` otherwise.
    public init(_ error: any Error) {
        if let named = error as? any NamedError {
            self.init(errorType: named.errorType, errorMessage: named.errorMessage)
            details = named.errorDetails.map { "\(JSONText.quoted($0.key)):\($0.json)" }
        } else {
            self.init(errorType: "Handler.Unhandled", errorMessage: String(describing: type(of: error)))
        }
    }

    /// The payload as JSON bytes, written by hand so that it never fails and needs no encoder.
    public var json: [UInt8] {
        let trace = stackTrace.map { JSONText.quoted($0) }.joined(separator: ",")
        let extra = details.map { "," + $0 }.joined()
        let text =
            "{\"errorMessage\":\(JSONText.quoted(errorMessage)),\"errorType\":\(JSONText.quoted(errorType)),"
            + "\"stackTrace\":[\(trace)]\(extra)}"
        return Array(text.utf8)
    }
}
