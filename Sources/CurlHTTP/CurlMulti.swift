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

/// Several requests in flight at once on libcurl's multi interface, each on an easy handle of its own, so that
/// many requests to one endpoint cost about one round trip per `width` of them rather than one each.
///
/// The handles, and the multi handle's connection cache, live as long as this object: warm invocations reuse the
/// connections, as ``CurlEasy`` does for one.
///
/// - Note: Not `Sendable` on purpose: libcurl handles must not be used from two threads at once.
public final class CurlMulti {
    private let multi: UnsafeMutableRawPointer
    private let easies: [CurlEasy]

    /// How many requests are in flight at most.
    public var width: Int { easies.count }

    /// Makes a multi handle with `width` easy handles, or `nil` when libcurl cannot.
    public init?(width: Int) {
        guard CurlGlobal.isReady, let multi = curl_multi_init() else { return nil }
        var easies: [CurlEasy] = []
        for _ in 0..<max(1, width) {
            guard let easy = CurlEasy() else {
                curl_multi_cleanup(multi)
                return nil
            }
            easies.append(easy)
        }
        self.multi = multi
        self.easies = easies
    }

    deinit {
        curl_multi_cleanup(multi)
    }

    /// Sends every request, at most ``width`` at a time, and waits for all of them.
    ///
    /// - Returns: Each request's response, or why none arrived, in the order of `requests`.
    public func perform(_ requests: [HTTPRequest]) -> [Result<HTTPResponse, HTTPClientError>] {
        var results = [Result<HTTPResponse, HTTPClientError>?](repeating: nil, count: requests.count)
        /// Which request each easy handle is running.
        var running = [Int?](repeating: nil, count: easies.count)
        var next = 0

        /// Starts the next request on `slot`; one that libcurl refuses is a failure, and the next one is tried.
        func start(_ slot: Int) {
            while next < requests.count {
                let index = next
                next += 1
                do {
                    try easies[slot].prepareReadingBody(requests[index])
                } catch {
                    results[index] = .failure(error)
                    continue
                }
                if curl_multi_add_handle(multi, easies[slot].rawHandle) == CURLM_OK {
                    running[slot] = index
                    return
                }
                results[index] = .failure(
                    HTTPClientError(code: .failed, curlCode: -1, message: "libcurl refused another transfer"))
            }
        }

        for slot in easies.indices { start(slot) }
        while running.contains(where: { $0 != nil }) {
            var active: Int32 = 0
            guard curl_multi_perform(multi, &active) == CURLM_OK else { break }
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE,
                    let slot = easies.firstIndex(where: { $0.rawHandle == message.pointee.easy_handle }),
                    let index = running[slot]
                else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, easies[slot].rawHandle)
                running[slot] = nil
                results[index] = Result { () throws(HTTPClientError) in try easies[slot].response(after: code) }
                start(slot)
            }
            if running.contains(where: { $0 != nil }) {
                _ = curl_multi_poll(multi, nil, 0, 100, nil)
            }
        }
        // A multi handle that failed as a whole leaves its transfers unfinished: each is a failure of its own.
        for slot in easies.indices {
            if let index = running[slot] {
                curl_multi_remove_handle(multi, easies[slot].rawHandle)
                results[index] = .failure(
                    HTTPClientError(code: .failed, curlCode: -1, message: "libcurl's multi interface failed"))
            }
        }
        return results.map {
            $0 ?? .failure(HTTPClientError(code: .failed, curlCode: -1, message: "the transfer never started"))
        }
    }
}

@available(*, unavailable)
extension CurlMulti: Sendable {}
