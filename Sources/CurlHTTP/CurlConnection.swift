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
import Core
import Glibc

/// Owns one libcurl easy handle in connect-only mode: libcurl resolves, connects (and speaks TLS for `https`), and
/// then only moves bytes, through `curl_easy_send` and `curl_easy_recv`.
///
/// This is the Runtime API's transport. A full libcurl transfer costs about ten system calls and much formatting
/// per request; an exchange here costs three system calls (send, poll, receive), which halves the runtime's CPU per
/// invocation. The framing is ``HTTP1``'s.
///
/// - Note: Not `Sendable` on purpose: a libcurl handle must not be used from two threads at once.
public final class CurlConnection {
    private let handle: UnsafeMutableRawPointer
    private let socket: Int32
    /// Where `curl_easy_recv` writes, made once: an exchange reads into it and copies out what arrived.
    private var chunk = [UInt8](repeating: 0, count: 16 * 1024)

    /// Connects to `origin` (`http://host:port` or `https://host:port`).
    ///
    /// - Throws: ``HTTPClientError/Code/connectFailed`` when no connection could be made within `timeout`.
    public init(origin: String, timeout: Duration?) throws(HTTPClientError) {
        guard let handle = CurlGlobal.makeHandle() else {
            throw HTTPClientError(CURLE_FAILED_INIT)
        }
        _ = onprem_curl_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1)
        _ = onprem_curl_setopt_string(handle, CURLOPT_URL, origin)
        _ = onprem_curl_setopt_long(
            handle, CURLOPT_CONNECTTIMEOUT_MS, timeout.map { max(1, Int($0.milliseconds)) } ?? 0)
        let code = curl_easy_perform(handle)
        var socket: curl_socket_t = -1
        if code == CURLE_OK { _ = onprem_curl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) }
        guard code == CURLE_OK, socket >= 0 else {
            curl_easy_cleanup(handle)
            throw code == CURLE_OK ? HTTPClientError(CURLE_COULDNT_CONNECT, detail: "no socket") : HTTPClientError(code)
        }
        self.handle = handle
        self.socket = socket
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sends all of `bytes`, waiting for the socket when its buffer is full.
    public func send(_ bytes: [UInt8], until deadline: ContinuousClock.Instant?) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes.withUnsafeBytes { buffer in
                curl_easy_send(handle, buffer.baseAddress! + offset, buffer.count - offset, &sent)
            }
            switch code {
            case CURLE_OK: offset += sent
            case CURLE_AGAIN: try wait(for: Int16(POLLOUT), until: deadline)
            default: throw Self.lost(code, "send")
            }
        }
    }

    /// Waits for bytes and appends what has arrived to `buffer`.
    ///
    /// - Returns: `false` when the peer has closed the connection.
    public func receive(into buffer: inout [UInt8], until deadline: ContinuousClock.Instant?) throws(HTTPClientError)
        -> Bool
    {
        // Poll first: the caller asks only after sending, when nothing can have arrived yet, so trying to read
        // first would cost a system call that always fails.
        try wait(for: Int16(POLLIN), until: deadline)
        var got = false
        while true {
            var received = 0
            let code = chunk.withUnsafeMutableBytes { curl_easy_recv(handle, $0.baseAddress, $0.count, &received) }
            switch code {
            case CURLE_OK:
                // End of stream: report the bytes first; the next call sees the close.
                if received == 0 { return got }
                buffer.append(contentsOf: chunk[0..<received])
                got = true
                // A full chunk may mean more is waiting (and TLS may hold decrypted bytes poll cannot see).
                if received < chunk.count { return true }
            case CURLE_AGAIN:
                // Whether this read or an earlier one of this call brought bytes: a full chunk followed by
                // nothing more is a complete read, not a reason to wait (a response of exactly 16 KiB hung here).
                if got { return true }
                try wait(for: Int16(POLLIN), until: deadline)
            default:
                throw Self.lost(code, "receive")
            }
        }
    }

    private func wait(for events: Int16, until deadline: ContinuousClock.Instant?) throws(HTTPClientError) {
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - .now
                guard left > .zero else {
                    throw HTTPClientError(
                        code: .timedOut, curlCode: Int(CURLE_OPERATION_TIMEDOUT.rawValue), message: "timed out")
                }
                timeout = Int32(clamping: left.milliseconds + 1)
            }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, timeout)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR {
                throw HTTPClientError(code: .connectionLost, curlCode: 0, message: "poll failed: errno \(errno)")
            }
        }
    }

    private static func lost(_ code: CURLcode, _ what: String) -> HTTPClientError {
        HTTPClientError(
            code: .connectionLost, curlCode: Int(code.rawValue),
            message: "\(what): \(String(cString: curl_easy_strerror(code)))")
    }
}

/// Not `Sendable`, on purpose: it owns state (a C handle, a cache) that one thread at a time may use.
@available(*, unavailable)
extension CurlConnection: Sendable {}
