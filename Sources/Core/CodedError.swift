/// An error with a stable wire name, reported to Lambda as `errorType`.
///
/// Step Functions `Retry` and `Catch` match `ErrorEquals` against this name, case-sensitively, so a name is part of
/// the public contract: `Category.Reason`, never starting with `States.`, never renamed.
public protocol NamedError: Error {
    /// `Category.Reason`, for example `Postgres.Timeout`.
    var errorType: String { get }
    /// A message safe to show anywhere: it never holds SQL text, payloads or credentials.
    var errorMessage: String { get }
    /// Extra fields for the error body, as raw JSON values by key: what a Step Functions `Catch` should keep
    /// (for example the datapoints that could not be published). Empty by default.
    var errorDetails: [(key: String, json: String)] { get }
}

extension NamedError {
    public var errorDetails: [(key: String, json: String)] { [] }
}

/// A stable error code with a wire name in `Category.Reason` form.
public protocol ErrorCode: Hashable, Sendable {
    var name: String { get }
}

/// The shape every error struct of this project shares: a ``ErrorCode`` and a safe message. Conforming types
/// get `errorType`, `errorMessage` and `description` from it, and override what they need.
public protocol CodedError: NamedError, CustomStringConvertible {
    associatedtype Code: ErrorCode
    var code: Code { get }
    var message: String { get }
}

extension CodedError {
    public var errorType: String { code.name }
    public var errorMessage: String { message }
    public var description: String { "\(errorType): \(errorMessage)" }
}
