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

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP/1.1 framing as values: the bytes of a request, and a response read back from the bytes received.
///
/// ``CurlConnection`` moves bytes and ``HTTP1Client`` drives the exchange; this type has no I/O, so every framing
/// rule is tested as bytes in, values out.
public enum HTTP1: Sendable {
    /// The bytes of one request: request line, `Host`, the caller's fields, `Content-Length` when there is a body
    /// (or the method is not GET), the blank line, the body.
    public static func request(
        method: String, target: String, host: String, headers: [(name: String, value: String)], body: [UInt8]
    ) -> [UInt8] {
        // Appended as bytes into one buffer sized up front: building the head as an interpolated string and
        // converting it cost ten times as much.
        let length = method != "GET" || !body.isEmpty ? String(body.count) : nil
        var size = method.utf8.count + target.utf8.count + host.utf8.count + 40 + body.count
        for field in headers { size += field.name.utf8.count + field.value.utf8.count + 4 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        bytes.append(contentsOf: method.utf8)
        bytes.append(0x20)
        bytes.append(contentsOf: target.utf8)
        bytes.append(contentsOf: " HTTP/1.1\r\nHost: ".utf8)
        bytes.append(contentsOf: host.utf8)
        bytes.append(contentsOf: crlf)
        for field in headers {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(contentsOf: ": ".utf8)
            bytes.append(contentsOf: field.value.utf8)
            bytes.append(contentsOf: crlf)
        }
        if let length {
            bytes.append(contentsOf: "Content-Length: ".utf8)
            bytes.append(contentsOf: length.utf8)
            bytes.append(contentsOf: crlf)
        }
        bytes.append(contentsOf: crlf)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// A response that is complete in the bytes received so far.
    public struct Parsed: Sendable {
        public var response: HTTPResponse
        /// Whether the connection can carry another request: not after `Connection: close`, nor after a body
        /// that ran to the end of the connection.
        public var keepAlive: Bool
    }

    /// A response the bytes cannot be read as.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Reads a response from `bytes`, everything received on the connection since the request was sent.
    ///
    /// - Parameter closed: Whether the peer has closed the connection, which ends a body without a length.
    /// - Returns: `nil` while the response is still incomplete. Interim `1xx` responses are skipped.
    public static func parseResponse(_ bytes: [UInt8], closed: Bool) throws(ParseError) -> Parsed? {
        var decoder = ResponseDecoder()
        try decoder.append(bytes)
        return try decoder.response(closed: closed)
    }

    /// Reads one response from bytes as they arrive, resuming where the last call stopped.
    ///
    /// Each byte is looked at a bounded number of times whatever the split of the stream: the end of the head is
    /// searched for only in what is new, and a chunked body is taken apart chunk by chunk as the chunks complete.
    /// Starting again from the first byte on every read made a large chunked body quadratic.
    public struct ResponseDecoder: Sendable {
        /// Everything received since the request was sent.
        private var buffer: [UInt8] = []
        /// Where the head being looked for starts: after any interim `1xx` responses.
        private var headStart = 0
        /// Where the search for the end of that head resumes.
        private var searchFrom = 0
        private var head: Head?
        /// The largest response accepted, head and body: a peer cannot make the client hold more.
        public let limit: Int

        private struct Head {
            var status: Int
            var fields: HeaderFields
            var keepAlive: Bool
            var framing: Framing
            var bodyStart: Int
        }

        private enum Framing {
            case none
            case length(Int)
            /// `next` is where the next chunk-size line starts; `body` holds the chunks so far.
            case chunked(next: Int, body: [UInt8])
            case toClose
        }

        /// - Parameter limit: The largest response to accept, in bytes.
        public init(limit: Int = Int.max) {
            self.limit = limit
        }

        /// Adds bytes that arrived.
        ///
        /// - Throws: ``ParseError`` when the response grows past ``limit``.
        public mutating func append(_ bytes: some Collection<UInt8>) throws(ParseError) {
            guard bytes.count <= limit - buffer.count else {
                throw ParseError(description: "response over the limit of \(limit) bytes")
            }
            buffer.append(contentsOf: bytes)
        }

        /// The response, once the bytes received hold all of it.
        ///
        /// - Parameter closed: Whether the peer has closed the connection, which ends a body without a length.
        /// - Returns: `nil` while the response is incomplete.
        public mutating func response(closed: Bool) throws(ParseError) -> Parsed? {
            while head == nil {
                guard let headEnd = find(crlfcrlf, in: buffer, from: searchFrom) else {
                    searchFrom = max(headStart, buffer.count - 3)
                    return nil
                }
                let parsed = try Self.head(buffer, from: headStart, to: headEnd)
                if (100..<200).contains(parsed.status) {
                    headStart = parsed.bodyStart
                    searchFrom = headStart
                    continue
                }
                head = parsed
            }
            guard var head else { return nil }
            let body: [UInt8]
            switch head.framing {
            case .none:
                body = []
            case .length(let length):
                guard buffer.count - head.bodyStart >= length else { return nil }
                body = Array(buffer[head.bodyStart..<head.bodyStart + length])
            case .chunked(var next, var chunks):
                let done = try Self.dechunk(buffer, next: &next, into: &chunks)
                guard done else {
                    head.framing = .chunked(next: next, body: chunks)
                    self.head = head
                    return nil
                }
                body = chunks
            case .toClose:
                guard closed else { return nil }
                body = Array(buffer[head.bodyStart...])
                head.keepAlive = false
            }
            return Parsed(
                response: HTTPResponse(status: head.status, fields: head.fields, body: body),
                keepAlive: head.keepAlive)
        }

        /// The status line and fields of `buffer[start..<end]`, `end` being where the blank line starts.
        private static func head(_ buffer: [UInt8], from start: Int, to end: Int) throws(ParseError) -> Head {
            let lineEnd = find(crlf, in: buffer, from: start) ?? end
            let status = try parseStatus(buffer[start..<lineEnd])
            // The fields keep a copy of their own block only, not the body after it.
            let block = Array(buffer[min(lineEnd + 2, end)..<end])
            let fields = HeaderFields(bytes: block, lines: 0..<block.count)
            guard !fields.hasMalformedLine else { throw ParseError(description: "bad header line") }
            let keepAlive = fields.value("connection")?.lowercased() != "close"
            let framing: Framing
            if status == 204 || status == 304 || (100..<200).contains(status) {
                framing = .none
            } else if let encoding = fields.value("transfer-encoding") {
                guard encoding.lowercased().hasSuffix("chunked") else {
                    throw ParseError(description: "unsupported Transfer-Encoding: \(encoding)")
                }
                framing = .chunked(next: end + 4, body: [])
            } else if let field = fields.value("content-length") {
                guard let length = contentLength(field) else {
                    throw ParseError(description: "bad Content-Length: \(field)")
                }
                framing = .length(length)
            } else {
                framing = .toClose
            }
            return Head(status: status, fields: fields, keepAlive: keepAlive, framing: framing, bodyStart: end + 4)
        }

        /// Digits only, as RFC 9110 says, and small enough to be an `Int`.
        private static func contentLength(_ field: String) -> Int? {
            guard !field.isEmpty, field.utf8.count <= 18, field.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return nil
            }
            return Int(field)
        }

        /// Takes the complete chunks from `next` on into `body`.
        ///
        /// - Returns: Whether the last chunk and the trailer section have arrived.
        private static func dechunk(_ bytes: [UInt8], next index: inout Int, into body: inout [UInt8])
            throws(ParseError) -> Bool
        {
            while true {
                guard let lineEnd = find(crlf, in: bytes, from: index) else {
                    try checkSizeLine(bytes[index...])
                    return false
                }
                let size = try chunkSize(bytes[index..<lineEnd])
                let dataStart = lineEnd + 2
                if size == 0 {
                    // Trailer fields, if any, end with a blank line.
                    if bytes.count - dataStart >= 2 && bytes[dataStart] == 0x0D && bytes[dataStart + 1] == 0x0A {
                        return true
                    }
                    return find(crlfcrlf, in: bytes, from: dataStart) != nil
                }
                guard bytes.count - dataStart >= size + 2 else { return false }
                guard bytes[dataStart + size] == 0x0D && bytes[dataStart + size + 1] == 0x0A else {
                    throw ParseError(description: "no CRLF after chunk data")
                }
                body.append(contentsOf: bytes[dataStart..<dataStart + size])
                index = dataStart + size + 2
            }
        }

        /// A chunk-size line still arriving must already look like one: a peer cannot stream a line for ever.
        private static func checkSizeLine(_ partial: ArraySlice<UInt8>) throws(ParseError) {
            guard partial.count <= 4096 else { throw ParseError(description: "chunk-size line too long") }
        }

        /// The size of a chunk-size line, `1A;name=value`.
        private static func chunkSize(_ line: ArraySlice<UInt8>) throws(ParseError) -> Int {
            var size = 0
            var digits = 0
            for byte in line {
                let value: Int
                switch byte {
                case 0x30...0x39: value = Int(byte - 0x30)
                case 0x41...0x46: value = Int(byte - 0x41 + 10)
                case 0x61...0x66: value = Int(byte - 0x61 + 10)
                case 0x3B, 0x20, 0x09: value = -1  // chunk extensions follow
                default: throw ParseError(description: "bad chunk size")
                }
                if value < 0 { break }
                guard digits < 15 else { throw ParseError(description: "chunk too large") }
                size = size * 16 + value
                digits += 1
            }
            guard digits > 0 else { throw ParseError(description: "bad chunk size") }
            return size
        }
    }

    private static let crlfcrlf: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard start >= 0, bytes.count - start >= needle.count else { return nil }
        // memchr to each candidate first byte, then memcmp: a byte-by-byte loop over array slices showed in the
        // echo benchmark's profile (bench/README.md).
        return bytes.withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { pattern -> Int? in
                guard let base = haystack.baseAddress, let pointer = pattern.baseAddress, let first = pattern.first
                else {
                    return nil
                }
                var index = start
                let last = haystack.count - pattern.count
                while index <= last {
                    guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return nil }
                    index = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + index, pointer, pattern.count) == 0 { return index }
                    index += 1
                }
                return nil
            }
        }
    }

    /// The status code of a status line: "HTTP/1.1 200 OK" gives 200.
    private static func parseStatus(_ line: ArraySlice<UInt8>) throws(ParseError) -> Int {
        guard line.starts(with: "HTTP/1.".utf8), let space = line.firstIndex(of: 0x20), line.endIndex - space >= 4
        else { throw ParseError(description: "not an HTTP/1.x status line") }
        var status = 0
        for byte in line[(space + 1)..<(space + 4)] {
            guard byte >= 0x30 && byte <= 0x39 else { throw ParseError(description: "bad status code") }
            status = status * 10 + Int(byte - 0x30)
        }
        return status
    }
}
