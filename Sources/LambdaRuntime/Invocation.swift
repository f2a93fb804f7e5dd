public import CurlHTTP

/// One event handed out by `GET /runtime/invocation/next`, with every header the Runtime API sends.
public struct Invocation: Sendable {
    public let requestID: String
    public let deadline: Deadline
    public let invokedFunctionARN: String
    public let traceID: String?
    public let clientContext: String?
    public let cognitoIdentity: String?
    public let tenantID: String?
    public let event: [UInt8]

    public init(
        requestID: String, deadline: Deadline, invokedFunctionARN: String = "", traceID: String? = nil,
        clientContext: String? = nil, cognitoIdentity: String? = nil, tenantID: String? = nil, event: [UInt8]
    ) {
        self.requestID = requestID
        self.deadline = deadline
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.tenantID = tenantID
        self.event = event
    }

    /// Reads an invocation from a `/next` response.
    ///
    /// - Parameter now: Epoch milliseconds at receipt, to resolve a duration-style deadline.
    /// - Throws: ``RuntimeError/Code/missingRequestID`` when the request id header is absent: without it the
    ///   answer cannot be posted anywhere.
    public init(response: HTTPResponse, now: Int64) throws(RuntimeError) {
        guard let requestID = response.header(AmazonHeaders.requestID), !requestID.isEmpty else {
            throw RuntimeError(.missingRequestID, "GET /next answered without \(AmazonHeaders.requestID)")
        }
        self.init(
            requestID: requestID,
            deadline: Deadline.parse(header: response.header(AmazonHeaders.deadlineMs), now: now),
            invokedFunctionARN: response.header(AmazonHeaders.invokedFunctionARN) ?? "",
            traceID: response.header(AmazonHeaders.traceID),
            clientContext: response.header(AmazonHeaders.clientContext),
            cognitoIdentity: response.header(AmazonHeaders.cognitoIdentity),
            tenantID: response.header(AmazonHeaders.tenantID),
            event: response.body
        )
    }
}
