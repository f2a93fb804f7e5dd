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

import CurlHTTP

/// What went wrong with one AWS call, whatever the service: the classification every client maps to its own
/// error names.
struct AWSFailure: Error {
    enum Kind { case throttled, server, network, accessDenied, notFound, client }

    var kind: Kind
    /// The AWS error code (`Throttling`, `ResourceNotFoundException`, ...), or the transport error.
    var code: String
    var message: String
    /// The refusal's body, for the callers that read more than its code (DynamoDB's failed condition).
    var body: [UInt8]? = nil

    var retryable: Bool { kind == .throttled || kind == .server || kind == .network }

    /// What an answer means: `nil` for success.
    static func classify(_ response: HTTPResponse, operation: String) -> AWSFailure? {
        if (200..<300).contains(response.status) { return nil }
        let code = errorCode(response)
        let message = "\(operation) answered \(response.status) \(code)"
        let kind: Kind
        if [
            "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded",
            "ProvisionedThroughputExceededException",
        ].contains(code)
            || response.status == 429
        {
            kind = .throttled
        } else if response.status >= 500 {
            kind = .server
        } else if response.status == 403 || code == "AccessDeniedException" || code == "AccessDenied" {
            kind = .accessDenied
        } else if code == "ResourceNotFoundException" {
            kind = .notFound
        } else {
            kind = .client
        }
        return AWSFailure(kind: kind, code: code, message: message, body: response.body)
    }

    /// The AWS error code: `x-amzn-query-error`, `x-amzn-errortype`, the XML `<Code>` or the JSON `__type`.
    static func errorCode(_ response: HTTPResponse) -> String {
        for header in ["x-amzn-query-error", "x-amzn-errortype"] {
            if let value = response.header(header), let code = value.split(separator: ";").first,
                let name = code.split(separator: ":").first
            {
                return String(name)
            }
        }
        let text = String(decoding: response.body, as: UTF8.self)
        if let start = text.firstRange(of: "<Code>"), let end = text.firstRange(of: "</Code>"),
            start.upperBound <= end.lowerBound
        {
            return String(text[start.upperBound..<end.lowerBound])
        }
        if let type = text.firstRange(of: "\"__type\"") {
            let rest = text[type.upperBound...].drop { $0 == " " || $0 == ":" || $0 == "\"" }
            let value = rest.prefix { $0 != "\"" }
            return String(value.split(separator: "#").last ?? value)
        }
        return ""
    }
}

extension AWSFailure {

    /// A request that got no answer: a network failure that a retry may cure, or one it cannot (a request refused
    /// before sending, a certificate that does not verify, an answer over its limit), which is the client's.
    init(transport error: HTTPClientError) {
        self.init(kind: error.retryable ? .network : .client, code: "\(error.code)", message: error.description)
    }
}
