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

import CatalogModel
import Core
import Foundation
import MetricModel

@testable import PostgresClient

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP/1.1 server on loopback for the faults real servers will not produce on demand: a 500, a 413, a
/// dropped connection, missing headers, throttling. Each request is answered by a script.
///
/// Connections are kept alive, so tests can also count how many connections a client opened.
final class StandInServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: [UInt8]
        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    indirect enum Reply: Sendable {
        case respond(status: Int, headers: [(String, String)] = [], body: String = "")
        case respondBytes(status: Int, headers: [(String, String)], body: [UInt8])
        /// Close the connection without answering.
        case drop
        /// Wait, then answer.
        case delay(Duration, Reply)
        /// Answer, then close the connection without saying so, as a server does with an idle one.
        case thenClose(Reply)
    }

    let port: Int
    private let listener: Int32
    private let script: @Sendable (Request, Int) -> Reply
    private let lock = NSLock()
    private var _requests: [Request] = []
    private var _connections = 0
    private var stopped = false

    var requests: [Request] { lock.withLock { _requests } }
    var connections: Int { lock.withLock { _connections } }

    /// Starts listening on an ephemeral loopback port.
    /// - Parameter script: Gets each request and its 0-based index, returns what to do.
    init(script: @escaping @Sendable (Request, Int) -> Reply) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
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
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            if lock.withLock({ stopped }) {
                close(connection)
                return
            }
            lock.withLock { _connections += 1 }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var buffer: [UInt8] = []
        while let request = readRequest(connection, buffer: &buffer) {
            let index = lock.withLock {
                _requests.append(request)
                return _requests.count - 1
            }
            if !answer(script(request, index), on: connection) { return }
        }
    }

    /// Sends a reply; `false` when the connection is to be closed.
    private func answer(_ reply: Reply, on connection: Int32) -> Bool {
        switch reply {
        case .drop:
            return false
        case .delay(let duration, let next):
            Thread.sleep(
                forTimeInterval: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
            return answer(next, on: connection)
        case .thenClose(let reply):
            _ = answer(reply, on: connection)
            return false
        case .respond(let status, let headers, let body):
            return answer(.respondBytes(status: status, headers: headers, body: Array(body.utf8)), on: connection)
        case .respondBytes(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) Status\r\nContent-Length: \(body.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "\r\n"
            let bytes = Array(head.utf8) + body
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes {
                    send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    private func readRequest(_ connection: Int32, buffer: inout [UInt8]) -> Request? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        var headEnd: Int?
        while headEnd == nil {
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first { Array(buffer[$0..<($0 + 4)]) == separator }
            }
            if headEnd == nil, !fill() { return nil }
        }
        guard let end = headEnd else { return nil }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < end + 4 + length {
            if !fill() { return nil }
        }
        let body = Array(buffer[(end + 4)..<(end + 4 + length)])
        buffer.removeFirst(end + 4 + length)
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }
}
