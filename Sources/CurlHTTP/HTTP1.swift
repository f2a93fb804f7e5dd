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
            let lineEnd = find(crlf, in: bytes, from: start) ?? headEnd
            let status = try parseStatus(bytes[start..<lineEnd])
            let fields = HeaderFields(bytes: bytes, lines: min(lineEnd + 2, headEnd)..<headEnd)
            guard !fields.hasMalformedLine else { throw ParseError(description: "bad header line") }
            let bodyStart = headEnd + 4
            if (100..<200).contains(status) {
                start = bodyStart
                continue
            }
            let keepAlive = fields.value("connection")?.lowercased() != "close"
            func parsed(_ body: [UInt8], keepAlive: Bool = keepAlive) -> Parsed {
                Parsed(response: HTTPResponse(status: status, fields: fields, body: body), keepAlive: keepAlive)
            }
            if status == 204 || status == 304 {
                return parsed([])
            }
            if let encoding = fields.value("transfer-encoding"), encoding.lowercased().hasSuffix("chunked") {
                return try dechunk(bytes, from: bodyStart).map { parsed($0) }
            }
            if let field = fields.value("content-length") {
                guard let length = Int(field), length >= 0 else {
                    throw ParseError(description: "bad Content-Length: \(field)")
                }
                guard bytes.count - bodyStart >= length else { return nil }
                return parsed(Array(bytes[bodyStart..<bodyStart + length]))
            }
            // No length: the body runs to the end of the connection.
            guard closed else { return nil }
            return parsed(Array(bytes[bodyStart...]), keepAlive: false)
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
