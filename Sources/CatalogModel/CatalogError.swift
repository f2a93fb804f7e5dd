public import Core

/// Errors about the catalog and what a payload asks of it, named `Catalog.Reason` or `Event.Reason`.
public struct CatalogError: CodedError, Sendable {
    public struct Code: ErrorCode {
        private enum Base: String {
            case invalid = "Catalog.Invalid"
            case unknownCustomer = "Catalog.UnknownCustomer"
            case unknownQuery = "Catalog.UnknownQuery"
            case noVariantForVersion = "Catalog.NoVariantForVersion"
            case invalidEvent = "Event.Invalid"
            case inlineSQLRefused = "Event.InlineSQLRefused"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The catalog file is missing, not JSON, or has a bad entry (reported through `/init/error`).
        public static let invalid = Code(.invalid)
        /// The payload names a customer the catalog does not have.
        public static let unknownCustomer = Code(.unknownCustomer)
        /// The payload names a query the catalog does not have.
        public static let unknownQuery = Code(.unknownQuery)
        /// The query exists, but has no variant for the customer's database version.
        public static let noVariantForVersion = Code(.noVariantForVersion)
        /// The payload is not JSON or not of a task payload's shape.
        public static let invalidEvent = Code(.invalidEvent)
        /// The payload carries SQL text and `ONPREM_ALLOW_INLINE_SQL` is not `true`.
        public static let inlineSQLRefused = Code(.inlineSQLRefused)

        public var name: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}
