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

/// The JSON body of `POST /invocation/{id}/error` and `/init/error`.
public struct ErrorPayload: Codable, Equatable, Sendable {
    public var errorMessage: String
    public var errorType: String
    public var stackTrace: [String]
    /// Raw JSON fields added to the body (``NamedError/errorDetails``); not part of the `Codable` form.
    public var details: [String] = []

    private enum CodingKeys: String, CodingKey { case errorMessage, errorType, stackTrace }

    public init(errorType: String, errorMessage: String, stackTrace: [String] = []) {
        self.errorMessage = errorMessage
        self.errorType = errorType
        self.stackTrace = stackTrace
    }

    /// The payload for any error: its own name when it is a ``NamedError``, `Handler.Unhandled` otherwise.
    public init(_ error: any Error) {
        if let named = error as? any NamedError {
            self.init(errorType: named.errorType, errorMessage: named.errorMessage)
            details = named.errorDetails.map { "\(JSONText.quoted($0.key)):\($0.json)" }
        } else {
            self.init(errorType: "Handler.Unhandled", errorMessage: String(describing: type(of: error)))
        }
    }

    /// The payload as JSON bytes, written by hand so that it never fails and needs no encoder.
    public var json: [UInt8] {
        let trace = stackTrace.map { JSONText.quoted($0) }.joined(separator: ",")
        let extra = details.map { "," + $0 }.joined()
        let text =
            "{\"errorMessage\":\(JSONText.quoted(errorMessage)),\"errorType\":\(JSONText.quoted(errorType)),"
            + "\"stackTrace\":[\(trace)]\(extra)}"
        return Array(text.utf8)
    }
}

/// JSON string escaping, for the few places that write JSON by hand on a hot or failure path.
public enum JSONText {
    /// `value` as a JSON string literal, quotes included.
    public static func quoted(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}
