public import LambdaRuntime

/// Errors of the handlers themselves, named `Category.Reason` for Step Functions.
public struct HandlerError: NamedError, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        private enum Base: String {
            case notImplemented = "Handler.NotImplemented"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The handler has no implementation yet.
        public static let notImplemented = Code(.notImplemented)

        public var name: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var errorType: String { code.name }
    public var errorMessage: String { message }
    public var description: String { "\(errorType): \(message)" }
}
