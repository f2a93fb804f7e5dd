public import Core

/// Reading a customer's database credentials from Secrets Manager failed, named `Secrets.Reason`.
///
/// Messages name the secret, never its value.
public struct SecretsError: CodedError, Sendable {
    public struct Code: ErrorCode {
        private enum Base: String {
            case notFound = "Secrets.NotFound"
            case accessDenied = "Secrets.AccessDenied"
            case invalid = "Secrets.Invalid"
            case unavailable = "Secrets.Unavailable"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No secret of that name or ARN.
        public static let notFound = Code(.notFound)
        /// 403: no `secretsmanager:GetSecretValue` on it, or a bad signature.
        public static let accessDenied = Code(.accessDenied)
        /// The secret is not JSON with `username` and `password`.
        public static let invalid = Code(.invalid)
        /// Throttling, 5xx or network errors until the deadline.
        public static let unavailable = Code(.unavailable)

        public var name: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}
