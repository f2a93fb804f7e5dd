import CurlHTTP

/// The Runtime API over one libcurl handle, so one connection serves every call.
///
/// - Note: Not `Sendable`: it owns a ``CurlHTTP/CurlEasy``.
public struct CurlRuntimeClient: RuntimeClient {
    public let endpoint: RuntimeEndpoint
    private let curl: CurlEasy
    /// Time limit for posting a response or an error; `/next` has none.
    private let postTimeout: Duration = .seconds(30)

    /// - Throws: ``RuntimeError/Code/initFailed`` when libcurl cannot make a handle.
    public init(endpoint: RuntimeEndpoint) throws(RuntimeError) {
        guard let curl = CurlEasy() else { throw RuntimeError(.initFailed, "libcurl could not create a handle") }
        self.endpoint = endpoint
        self.curl = curl
    }

    public mutating func next() throws(RuntimeError) -> Invocation {
        let response = try send(HTTPRequest(url: endpoint.nextURL))
        try Self.check(response, expected: 200, call: "GET /next")
        return try Invocation(response: response, now: Deadline.nowEpochMilliseconds())
    }

    public mutating func respond(requestID: String, body: [UInt8]) throws(RuntimeError) {
        let request = HTTPRequest(
            method: "POST", url: endpoint.responseURL(requestID), body: body, timeout: postTimeout,
            collectsHeaders: false)
        try Self.check(try send(request), expected: 202, call: "POST /response")
    }

    public mutating func fail(requestID: String, error: ErrorPayload) throws(RuntimeError) {
        try post(error, to: endpoint.errorURL(requestID), call: "POST /error")
    }

    /// Reports a failed initialisation. The caller exits afterwards, as the Runtime API requires.
    public mutating func initFailed(_ error: ErrorPayload) throws(RuntimeError) {
        // The process exits next whatever happens, and init has only 10 s: do not wait long for an answer.
        try post(error, to: endpoint.initErrorURL, call: "POST /init/error", timeout: .seconds(2))
    }

    private func post(
        _ error: ErrorPayload, to url: String, call: String, timeout: Duration? = nil
    ) throws(RuntimeError) {
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: [
                (name: "Content-Type", value: "application/json"),
                (name: AmazonHeaders.functionErrorType, value: error.errorType),
            ],
            body: error.json, timeout: timeout ?? postTimeout, collectsHeaders: false)
        try Self.check(try send(request), expected: 202, call: call)
    }

    private func send(_ request: HTTPRequest) throws(RuntimeError) -> HTTPResponse {
        do {
            return try curl.perform(request)
        } catch {
            throw RuntimeError(.transport, error.description)
        }
    }

    /// Maps a Runtime API status to success or a ``RuntimeError``.
    ///
    /// Lambda answers posts with 202; local emulators answer 200, so any 2xx is success for a post.
    static func check(_ response: HTTPResponse, expected: Int, call: String) throws(RuntimeError) {
        switch response.status {
        case expected: return
        case 200..<300 where expected != 200: return
        case 413: throw RuntimeError(.responseTooLarge, "\(call) answered 413: response over the payload limit")
        case 500...: throw RuntimeError(.nonRecoverable, "\(call) answered \(response.status)")
        default: throw RuntimeError(.rejected, "\(call) answered \(response.status)")
        }
    }
}
