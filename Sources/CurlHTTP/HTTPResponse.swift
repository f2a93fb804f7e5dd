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
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }
}

extension HTTPResponse {
    /// Parses one raw header line as libcurl hands it over (`Name: value\r\n`).
    ///
    /// Returns `nil` for the status line, the blank line that ends the block, and anything without a colon.
    static func parseHeaderLine(_ line: String) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon].trimmingASCIIWhitespace()
        guard !name.isEmpty, !name.contains(" ") else { return nil }
        let value = line[line.index(after: colon)...].trimmingASCIIWhitespace()
        return (name: name.lowercased(), value: value)
    }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
