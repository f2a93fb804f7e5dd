public import Core
public import MetricModel

/// Publishing failed after the retries the deadline allowed, named `CloudWatch.Reason`.
///
/// It carries the datums that were not published, so that a Step Functions `Catch` can keep them.
public struct CloudWatchError: CodedError, Sendable {
    public struct Code: ErrorCode {
        private enum Base: String {
            case throttled = "CloudWatch.Throttled"
            case publishFailed = "CloudWatch.PublishFailed"
            case accessDenied = "CloudWatch.AccessDenied"
            case invalidRequest = "CloudWatch.InvalidRequest"
            case noCredentials = "CloudWatch.NoCredentials"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// CloudWatch kept answering `Throttling` until the deadline.
        public static let throttled = Code(.throttled)
        /// 5xx answers or network errors until the deadline.
        public static let publishFailed = Code(.publishFailed)
        /// 403: the signature or the permissions were refused (`cloudwatch:PutMetricData`).
        public static let accessDenied = Code(.accessDenied)
        /// Another 4xx: CloudWatch refused the request itself; retrying cannot help.
        public static let invalidRequest = Code(.invalidRequest)
        /// No `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` in the environment.
        public static let noCredentials = Code(.noCredentials)

        public var name: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// The datums of the requests that did not succeed.
    public let unpublished: [MetricDatum]

    public init(_ code: Code, _ message: String, unpublished: [MetricDatum] = []) {
        self.code = code
        self.message = message
        self.unpublished = unpublished
    }

    public var errorMessage: String {
        let count = unpublished.reduce(0) { $0 + $1.datapointCount }
        return unpublished.isEmpty ? message : "\(message); \(count) datapoints not published"
    }

    /// The unpublished datums, in the error body, so a `Catch` can keep or resend them.
    public var errorDetails: [(key: String, json: String)] {
        [(key: "unpublished", json: "[" + unpublished.map(\.json).joined(separator: ",") + "]")]
    }
}
