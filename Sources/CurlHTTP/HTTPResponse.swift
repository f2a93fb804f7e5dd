/// One HTTP response: status, header fields (names lowercased) and body bytes.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields in the order received, names lowercased so lookups are case-insensitive.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        self.body = body
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        header(lowercased: name.lowercased())
    }

    /// The first value of a header whose name the caller gives already lowercased (wire constants), without
    /// lowercasing it again on every lookup.
    public func header(lowercased name: String) -> String? {
        // Lengths first: a native string knows its UTF-8 count, and most names differ in it, so few lookups
        // reach a full comparison (this was 6% of an echo invocation).
        let count = name.utf8.count
        return headers.first { $0.name.utf8.count == count && $0.name == name }?.value
    }
}

extension HTTPResponse {
    /// Builds a response whose header names are already lowercase (the libcurl path), skipping normalisation.
    init(status: Int, lowercasedHeaders: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = lowercasedHeaders
        self.body = body
    }

    /// Parses one raw header line as libcurl hands it over (`Name: value\r\n`).
    ///
    /// Works on bytes, not `Character`s: grapheme-aware string processing here cost more than the rest of an
    /// invocation. Returns `nil` for the status line, the blank line that ends the block, and anything without a
    /// colon.
    static func parseHeaderLine(_ line: UnsafeRawBufferPointer) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return nil }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        // The name is lowercased into stack memory: no array on the heap for every header of every response.
        let name = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: colon) { buffer -> String? in
            for index in 0..<colon {
                let byte = line[index]
                if isSpace(byte) { return nil }
                buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<colon]), as: UTF8.self)
        }
        guard let name else { return nil }
        var start = colon + 1
        var end = line.count
        while start < end, isSpace(line[start]) { start += 1 }
        while end > start, isSpace(line[end - 1]) { end -= 1 }
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
        return (name: name, value: value)
    }

    /// Parses a header line given as a string (tests).
    static func parseHeaderLine(_ line: String) -> (name: String, value: String)? {
        var line = line
        return line.withUTF8 { parseHeaderLine(UnsafeRawBufferPointer($0)) }
    }
}
