import CCurl

/// HTTP/1.1 exchanges with one server over one kept-alive ``CurlConnection``, made again when it is lost.
///
/// - Note: Not `Sendable`: it owns a ``CurlConnection``.
public final class HTTP1Client {
    /// `http://host:port`, what the connection is made to.
    public let origin: String
    /// The `Host` field: the origin's authority.
    private let host: String
    private var connection: CurlConnection?
    /// Whether the current exchange has received any byte: a request that got part of an answer is not sent again.
    private var answered = false

    /// - Parameter origin: `scheme://authority`, with no path.
    public init(origin: String) {
        self.origin = origin
        let authority = origin.firstRange(of: "://").map { origin[$0.upperBound...] } ?? origin[...]
        self.host = String(authority)
    }

    /// Sends one request and reads its whole response.
    ///
    /// A request that fails on a kept-alive connection before any answer arrived is sent once more on a new one:
    /// the server may have closed an idle connection, which cannot be told from outside until it is used.
    ///
    /// - Parameter timeout: For the whole exchange; `nil` waits for ever (the Runtime API's `/next`).
    /// - Throws: ``HTTPClientError`` when no complete HTTP response arrived.
    public func perform(
        method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration?
    ) throws(HTTPClientError) -> HTTPResponse {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        let request = HTTP1.request(method: method, target: target, host: host, headers: headers, body: body)
        let reused = connection != nil
        do {
            return try exchange(request, until: deadline)
        } catch {
            guard reused && !answered && error.code == .connectionLost else { throw error }
            return try exchange(request, until: deadline)
        }
    }

    private func exchange(_ request: [UInt8], until deadline: ContinuousClock.Instant?) throws(HTTPClientError)
        -> HTTPResponse
    {
        let connection: CurlConnection
        if let kept = self.connection {
            connection = kept
            self.connection = nil
        } else {
            connection = try CurlConnection(origin: origin, timeout: deadline.map { $0 - .now })
        }
        answered = false
        try connection.send(request, until: deadline)
        var received: [UInt8] = []
        var open = true
        while true {
            open = try connection.receive(into: &received, until: deadline)
            answered = !received.isEmpty
            let parsed: HTTP1.Parsed?
            do {
                parsed = try HTTP1.parseResponse(received, closed: !open)
            } catch {
                throw HTTPClientError(code: .failed, curlCode: 0, message: "unreadable HTTP response: \(error)")
            }
            if let parsed {
                if parsed.keepAlive && open { self.connection = connection }
                return parsed.response
            }
            guard open else {
                throw HTTPClientError(
                    code: .connectionLost, curlCode: Int(CURLE_GOT_NOTHING.rawValue),
                    message: received.isEmpty ? "the server closed the connection without answering"
                        : "the server closed the connection mid-response")
            }
        }
    }
}
