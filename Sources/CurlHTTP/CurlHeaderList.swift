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

/// Owns one `curl_slist` of header lines; frees it in `deinit`.
///
/// libcurl keeps a pointer to the list for the whole transfer, so the list must outlive `curl_easy_perform`:
/// ``CurlEasy`` holds it until the next request.
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init(_ lines: [String]) {
        for line in lines {
            pointer = curl_slist_append(pointer, line)
        }
    }

    deinit { curl_slist_free_all(pointer) }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension CurlHeaderList: Sendable {}
