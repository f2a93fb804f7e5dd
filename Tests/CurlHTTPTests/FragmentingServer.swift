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

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback server that answers every request with the bytes a script gives, written in pieces of chosen sizes,
/// each its own `send`, the first ones with a pause between, so that they arrive as separate reads.
///
/// The real Runtime API cannot be made to split its answers on demand; this stand-in exists only for that.
final class FragmentingServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    /// The answer to the request of each index, and the sizes of the pieces it is written in (cycled; empty
    /// means one write).
    private let script: @Sendable (Int) -> (bytes: [UInt8], pieces: [Int])
    private let lock = NSLock()
    private var served = 0

    init(script: @escaping @Sendable (Int) -> (bytes: [UInt8], pieces: [Int])) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    var origin: String { "http://127.0.0.1:\(port)" }

    /// How many requests arrived.
    var requestCount: Int { lock.withLock { served } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            var one: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer: [UInt8] = []
        while readRequest(connection, &buffer) {
            let index = lock.withLock {
                served += 1
                return served - 1
            }
            let (bytes, pieces) = script(index)
            var offset = 0
            var piece = 0
            while offset < bytes.count {
                let size = pieces.isEmpty ? bytes.count : max(1, pieces[piece % pieces.count])
                let end = min(bytes.count, offset + size)
                var sentAll = 0
                while offset + sentAll < end {
                    let sent = bytes[(offset + sentAll)..<end].withUnsafeBytes {
                        send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                    }
                    if sent <= 0 { return }
                    sentAll += sent
                }
                offset = end
                piece += 1
                // A pause after the first pieces, so the reader surely sees them apart; after that each piece is
                // still a send of its own (TCP_NODELAY), without making a long answer slow.
                if offset < bytes.count && piece < 64 { usleep(200) }
            }
        }
    }

    /// Reads one request (head and a Content-Length body); `false` when the client has gone.
    private func readRequest(_ connection: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = find(buffer) {
                let head = String(decoding: buffer[..<end], as: UTF8.self).lowercased()
                var length = 0
                if let range = head.range(of: "content-length: ") {
                    length = Int(head[range.upperBound...].prefix { $0.isNumber }) ?? 0
                }
                if buffer.count >= end + 4 + length {
                    buffer.removeFirst(end + 4 + length)
                    return true
                }
            }
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    private func find(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        return (0...(buffer.count - 4)).first {
            buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10
        }
    }
}

/// A `/next`-style answer of exactly `total` bytes on the wire, head and body together.
func response(totalBytes total: Int, requestID: String = "8476a536-e9f4-11e8-9739-2dfe598c3fcd") -> [UInt8] {
    framed(totalBytes: total, requestID: requestID).bytes
}

/// The answer of ``response(totalBytes:requestID:)`` and the body it carries.
func framed(totalBytes total: Int, requestID: String = "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
    -> (bytes: [UInt8], body: [UInt8])
{
    func head(_ length: Int) -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: \(requestID)\r\n"
            + "Lambda-Runtime-Deadline-Ms: 1542409706888\r\nContent-Length: \(length)\r\n\r\n"
    }
    var length = total - head(0).utf8.count
    while head(length).utf8.count + length > total { length -= 1 }
    let text = head(length)
    // A body that says where each byte was, so a shifted or dropped byte shows.
    let body = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
    return (Array(text.utf8) + body, body)
}
