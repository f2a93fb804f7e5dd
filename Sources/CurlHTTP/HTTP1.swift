#if canImport(Glibc)
    import Glibc
#endif

/// HTTP/1.1 framing as values: the bytes of a request, and a response read back from the bytes received.
///
/// ``CurlConnection`` moves bytes and ``HTTP1Client`` drives the exchange; this type has no I/O, so every framing
/// rule is tested as bytes in, values out.
public enum HTTP1 {
    /// The bytes of one request: request line, `Host`, the caller's fields, `Content-Length` when there is a body
    /// (or the method is not GET), the blank line, the body.
    public static func request(
        method: String, target: String, host: String, headers: [(name: String, value: String)], body: [UInt8]
    ) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\n"
        for field in headers { head += "\(field.name): \(field.value)\r\n" }
        if method != "GET" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// A response that is complete in the bytes received so far.
    public struct Parsed {
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
        var start = 0
        while true {
            guard let headEnd = find(crlfcrlf, in: bytes, from: start) else { return nil }
            let (status, headers) = try parseHead(bytes[start..<headEnd])
            let bodyStart = headEnd + 4
            if (100..<200).contains(status) {
                start = bodyStart
                continue
            }
            let close = headers.contains { $0.name == "connection" && $0.value.lowercased() == "close" }
            if status == 204 || status == 304 {
                return Parsed(response: HTTPResponse(status: status, lowercasedHeaders: headers, body: []), keepAlive: !close)
            }
            if let encoding = headers.first(where: { $0.name == "transfer-encoding" })?.value,
                encoding.lowercased().hasSuffix("chunked")
            {
                guard let body = try dechunk(bytes, from: bodyStart) else { return nil }
                return Parsed(response: HTTPResponse(status: status, lowercasedHeaders: headers, body: body), keepAlive: !close)
            }
            if let field = headers.first(where: { $0.name == "content-length" }) {
                guard let length = Int(field.value), length >= 0 else {
                    throw ParseError(description: "bad Content-Length: \(field.value)")
                }
                guard bytes.count - bodyStart >= length else { return nil }
                let body = Array(bytes[bodyStart..<bodyStart + length])
                return Parsed(response: HTTPResponse(status: status, lowercasedHeaders: headers, body: body), keepAlive: !close)
            }
            // No length: the body runs to the end of the connection.
            guard closed else { return nil }
            return Parsed(
                response: HTTPResponse(status: status, lowercasedHeaders: headers, body: Array(bytes[bodyStart...])),
                keepAlive: false)
        }
    }

    private static let crlfcrlf: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard start >= 0, bytes.count - start >= needle.count else { return nil }
        // memchr to each candidate first byte, then memcmp: the byte-by-byte loop over array slices was 5% of an
        // echo invocation.
        return bytes.withUnsafeBytes { haystack -> Int? in
            needle.withUnsafeBytes { pattern -> Int? in
                guard let base = haystack.baseAddress, let pointer = pattern.baseAddress, let first = pattern.first else {
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

    /// The status and the header fields (names lowercased) of a head without its final blank line.
    private static func parseHead(_ head: ArraySlice<UInt8>) throws(ParseError) -> (Int, [(name: String, value: String)]) {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = head.startIndex
        var index = head.startIndex
        while index < head.endIndex {
            if head[index] == 0x0A {
                var end = index
                if end > lineStart, head[end - 1] == 0x0D { end -= 1 }
                lines.append(head[lineStart..<end])
                lineStart = index + 1
            }
            index += 1
        }
        lines.append(head[lineStart..<head.endIndex])
        // "HTTP/1.1 200 OK": the three digits after the first space.
        let statusLine = lines[0]
        guard statusLine.starts(with: "HTTP/1.".utf8), let space = statusLine.firstIndex(of: 0x20),
            statusLine.endIndex - space >= 4
        else { throw ParseError(description: "not an HTTP/1.x status line") }
        var status = 0
        for byte in statusLine[(space + 1)..<(space + 4)] {
            guard byte >= 0x30 && byte <= 0x39 else { throw ParseError(description: "bad status code") }
            status = status * 10 + Int(byte - 0x30)
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            let field = line.withUnsafeBytes { HTTPResponse.parseHeaderLine($0) }
            guard let field else { throw ParseError(description: "bad header line") }
            headers.append(field)
        }
        return (status, headers)
    }

    /// The body of a chunked message starting at `start`, or `nil` while the last chunk has not arrived.
    private static func dechunk(_ bytes: [UInt8], from start: Int) throws(ParseError) -> [UInt8]? {
        var body: [UInt8] = []
        var index = start
        while true {
            guard let lineEnd = find(crlf, in: bytes, from: index) else { return nil }
            var size = 0
            var digits = 0
            for byte in bytes[index..<lineEnd] {
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
            let dataStart = lineEnd + 2
            if size == 0 {
                // Trailer fields, if any, end with a blank line.
                guard find(crlf, in: bytes, from: dataStart) != nil else { return nil }
                if bytes[dataStart...].starts(with: crlf) { return body }
                guard find(crlfcrlf, in: bytes, from: dataStart) != nil else { return nil }
                return body
            }
            guard bytes.count >= dataStart + size + 2 else { return nil }
            body.append(contentsOf: bytes[dataStart..<dataStart + size])
            index = dataStart + size + 2
        }
    }
}
