public import Core
/// A failure of the runtime itself, as opposed to the handler's.
public struct RuntimeError: CodedError, Equatable, Sendable {
    /// Stable codes; each has a wire name in `Runtime.Reason` form.
    public struct Code: ErrorCode {
        private enum Base: String {
            case missingRequestID = "Runtime.MissingRequestId"
            case invalidRequestID = "Runtime.InvalidRequestId"
            case nonRecoverable = "Runtime.NonRecoverable"
            case rejected = "Runtime.Rejected"
            case responseTooLarge = "Runtime.ResponseTooLarge"
            case transport = "Runtime.Transport"
            case unknownHandler = "Runtime.UnknownHandler"
            case initFailed = "Runtime.InitFailed"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `/next` answered without a request id.
        public static let missingRequestID = Code(.missingRequestID)
        /// `/next` answered with a request id that is not a plain token, which cannot go into a request path.
        public static let invalidRequestID = Code(.invalidRequestID)
        /// The Runtime API answered 500: the runtime must exit.
        public static let nonRecoverable = Code(.nonRecoverable)
        /// The Runtime API refused a call (400, 403, or another unexpected status).
        public static let rejected = Code(.rejected)
        /// The handler's response is over the 6 MB limit (or the API answered 413).
        public static let responseTooLarge = Code(.responseTooLarge)
        /// No HTTP answer from the Runtime API.
        public static let transport = Code(.transport)
        /// `_HANDLER` names no handler this binary has.
        public static let unknownHandler = Code(.unknownHandler)
        /// Initialisation failed (for example, the catalog is broken).
        public static let initFailed = Code(.initFailed)

        /// The wire name.
        public var name: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}
