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

import CCurl

/// A transport failure: the request got no HTTP answer at all.
///
/// HTTP answers, whatever their status, are ``HTTPResponse`` values; this error is only for what happened below
/// HTTP. It carries libcurl's own diagnostic so that a log line says why, not only that.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, stable for callers to branch on. A struct over a private enum so codes can grow.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case connectFailed, timedOut, connectionLost, failed, invalidRequest, certificateRefused, responseTooLarge
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Nothing listens, the name does not resolve, or TLS could not be set up.
        public static let connectFailed = Code(.connectFailed)
        /// The request's time limit passed.
        public static let timedOut = Code(.timedOut)
        /// The peer closed or reset the connection mid-exchange.
        public static let connectionLost = Code(.connectionLost)
        /// Any other libcurl failure.
        public static let failed = Code(.failed)
        /// The request was not sent: a header, the method or the URL could end a line (``HTTPRequestCheck``).
        public static let invalidRequest = Code(.invalidRequest)
        /// The server's certificate did not verify, or the TLS handshake was refused: a retry meets the same one.
        public static let certificateRefused = Code(.certificateRefused)
        /// The answer was larger than the request allowed (``HTTPRequest/maxResponseBytes``).
        public static let responseTooLarge = Code(.responseTooLarge)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// The numeric `CURLcode`.
    public let curlCode: Int
    /// `curl_easy_strerror` plus libcurl's error buffer, captured at the point of failure.
    public let message: String

    public init(code: Code, curlCode: Int, message: String) {
        self.code = code
        self.curlCode = curlCode
        self.message = message
    }

    /// Whether retrying the same request may succeed: not for a request refused before sending, a certificate
    /// that does not verify, or an answer over the size limit.
    public var retryable: Bool { ![.invalidRequest, .certificateRefused, .responseTooLarge].contains(code) }

    public var description: String { "HTTP transport \(code) (curl \(curlCode)): \(message)" }
}

extension HTTPClientError {
    /// The error for a failed libcurl call: its kind from the code, its message from `curl_easy_strerror` and
    /// `detail` (libcurl's error buffer, where there is one).
    init(_ code: CURLcode, detail: String = "") {
        let summary = String(cString: curl_easy_strerror(code))
        let message = detail.isEmpty || detail == summary ? summary : "\(summary): \(detail)"
        let kind: Code
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR:
            kind = .connectFailed
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            kind = .certificateRefused
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timedOut
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
            kind = .connectionLost
        default:
            kind = .failed
        }
        self.init(code: kind, curlCode: Int(code.rawValue), message: message)
    }
}
