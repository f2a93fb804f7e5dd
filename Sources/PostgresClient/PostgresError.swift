public import Core

/// A PostgreSQL failure, named `Postgres.Reason`, with the server's SQLSTATE where there is one.
///
/// The message is libpq's own diagnostic (`PQerrorMessage`, `PQresultErrorMessage`), which names the server and
/// the cause but never the query text or a password.
public struct PostgresError: CodedError, Sendable {
    public struct Code: ErrorCode {
        private enum Base: String {
            case connectFailed = "Postgres.ConnectFailed"
            case authFailed = "Postgres.AuthFailed"
            case timeout = "Postgres.Timeout"
            case queryFailed = "Postgres.QueryFailed"
            case connectionLost = "Postgres.ConnectionLost"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The server could not be reached, or TLS could not be set up or verified.
        public static let connectFailed = Code(.connectFailed)
        /// The server refused the login.
        public static let authFailed = Code(.authFailed)
        /// The query or the connect ran past its time budget and was cancelled.
        public static let timeout = Code(.timeout)
        /// The server refused the query; the SQLSTATE says why.
        public static let queryFailed = Code(.queryFailed)
        /// The connection broke mid-query (the server restarted or the network dropped).
        public static let connectionLost = Code(.connectionLost)

        public var name: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    public let sqlState: String?

    public init(_ code: Code, _ message: String, sqlState: String? = nil) {
        self.code = code
        self.message = message.trimmed(of: " \n\r\t")
        self.sqlState = sqlState
    }

    public var errorMessage: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }
}
