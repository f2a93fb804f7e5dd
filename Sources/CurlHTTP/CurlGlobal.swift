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

/// Runs `curl_global_init` exactly once, before the first easy handle is made.
///
/// libcurl requires the global init to happen before any other call and not concurrently with one; a lazy
/// global is initialised once, thread-safely, by the Swift runtime.
enum CurlGlobal {
    /// `true` when libcurl initialised; read it to trigger the one-time init.
    static let isReady: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

extension CurlGlobal {
    /// A new easy handle with the options every handle here shares, or `nil` when libcurl cannot make one.
    static func makeHandle() -> UnsafeMutableRawPointer? {
        guard isReady, let handle = curl_easy_init() else { return nil }
        _ = onprem_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = onprem_curl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
        // No proxy from the environment: the Runtime API and VPC endpoints are reached directly.
        _ = onprem_curl_setopt_string(handle, CURLOPT_PROXY, "")
        // TLS 1.2 at least, whatever OpenSSL's configuration says: the Lambda build's libcurl never reads
        // openssl.cnf (scripts/build-lambda-deps.sh), and AWS endpoints need 1.2 anyway.
        _ = onprem_curl_setopt_long(handle, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        return handle
    }
}
