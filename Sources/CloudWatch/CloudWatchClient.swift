public import AWSSigning
public import CurlHTTP
public import LambdaRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Sends PutMetricData plans to CloudWatch over one libcurl connection, signed with SigV4, retrying throttling,
/// 5xx and network errors with backoff until the deadline.
///
/// - Note: Not `Sendable`: it owns a ``CurlHTTP/CurlEasy``, kept across warm invocations so the TLS connection
///   to CloudWatch is reused.
public final class CloudWatchClient {
    /// What a publish did, for the task output.
    public struct Report: Equatable, Sendable {
        public var requests = 0
        public var datums = 0
        public var datapoints = 0
        public var bytes = 0
        public var retries = 0
        public var rejected: [PutMetricDataPlanner.Rejected] = []
    }

    public let endpoint: String
    public let namespace: String
    private let host: String
    private let signer: SigV4Signer
    private let curl: CurlEasy
    private let retry: RetryPolicy

    /// - Parameters:
    ///   - endpoint: `https://monitoring.{region}.amazonaws.com`, or an override such as a local emulator.
    public init(
        endpoint: String, region: String, credentials: AWSCredentials, namespace: String,
        retry: RetryPolicy = RetryPolicy()
    ) throws(CloudWatchError) {
        guard let curl = CurlEasy() else { throw CloudWatchError(.publishFailed, "libcurl could not create a handle") }
        var trimmed = endpoint
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.endpoint = trimmed
        self.host = Self.authority(of: trimmed)
        self.namespace = namespace
        self.signer = SigV4Signer(credentials: credentials, region: region, service: "monitoring")
        self.curl = curl
        self.retry = retry
    }

    /// The endpoint AWS tools would use: `AWS_ENDPOINT_URL_CLOUDWATCH`, then `AWS_ENDPOINT_URL`, then the region's.
    public static func endpoint(environment: [String: String]) -> String {
        if let url = environment["AWS_ENDPOINT_URL_CLOUDWATCH"], !url.isEmpty { return url }
        if let url = environment["AWS_ENDPOINT_URL"], !url.isEmpty { return url }
        return "https://monitoring.\(environment["AWS_REGION"] ?? "us-east-1").amazonaws.com"
    }

    /// Validates, aggregates, batches and sends `datums`.
    ///
    /// - Returns: What was sent, and what was rejected as invalid (never sent).
    /// - Throws: ``CloudWatchError`` with the unpublished datums when a request still fails at the deadline.
    public func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> Report {
        let plan = PutMetricDataPlanner(namespace: namespace, nowMs: Deadline.nowEpochMilliseconds()).plan(datums)
        var report = Report(rejected: plan.rejected)
        for (index, body) in plan.bodies.enumerated() {
            do {
                report.retries += try send(body, deadline: deadline)
            } catch {
                let unpublished = plan.requests[index...].flatMap { $0 }
                throw CloudWatchError(error.code, error.message, unpublished: unpublished)
            }
            report.requests += 1
            report.datums += plan.requests[index].count
            report.datapoints += plan.requests[index].reduce(0) { $0 + $1.datapointCount }
            report.bytes += body.count
        }
        return report
    }

    /// Sends one body until it succeeds, fails for good, or the deadline leaves no time for another try.
    ///
    /// - Returns: How many retries it took.
    private func send(_ body: [UInt8], deadline: Deadline) throws(CloudWatchError) -> Int {
        var attempt = 0
        while true {
            let outcome = attemptOnce(body, deadline: deadline)
            guard let failure = outcome else { return attempt }
            attempt += 1
            let pause = retry.delay(attempt: attempt, random: Double.random(in: 0..<1))
            guard failure.retryable, deadline.remaining() > pause + .milliseconds(50) else {
                throw CloudWatchError(failure.code, failure.message)
            }
            var spec = timespec(
                tv_sec: Int(pause.components.seconds), tv_nsec: Int(pause.milliseconds % 1000) * 1_000_000)
            nanosleep(&spec, nil)
        }
    }

    struct Failure {
        var code: CloudWatchError.Code
        var message: String
        var retryable: Bool
    }

    private func attemptOnce(_ body: [UInt8], deadline: Deadline) -> Failure? {
        let remaining = deadline.remaining()
        guard remaining > .zero else { return Failure(code: .publishFailed, message: "no time left", retryable: false) }
        let amzDate = SigV4Signer.amzDate(epochSeconds: Deadline.nowEpochMilliseconds() / 1000)
        let headers = signer.sign(
            SigV4Signer.Request(
                method: "POST",
                headers: [
                    (name: "Host", value: host),
                    (name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
                ], body: body),
            amzDate: amzDate)
        let response: HTTPResponse
        do {
            response = try curl.perform(
                HTTPRequest(method: "POST", url: endpoint + "/", headers: headers, body: body, timeout: remaining))
        } catch {
            return Failure(code: .publishFailed, message: error.description, retryable: true)
        }
        return Self.classify(response)
    }

    /// What an answer means: `nil` for success, else whether a retry may help.
    static func classify(_ response: HTTPResponse) -> Failure? {
        if (200..<300).contains(response.status) { return nil }
        let code = errorCode(response)
        let message = "PutMetricData answered \(response.status) \(code)"
        if code == "Throttling" || code == "ThrottlingException" || response.status == 429 {
            return Failure(code: .throttled, message: message, retryable: true)
        }
        if response.status >= 500 { return Failure(code: .publishFailed, message: message, retryable: true) }
        if response.status == 403 { return Failure(code: .accessDenied, message: message, retryable: false) }
        return Failure(code: .invalidRequest, message: message, retryable: false)
    }

    /// The AWS error code, from `x-amzn-query-error` or the XML body's `<Code>`.
    static func errorCode(_ response: HTTPResponse) -> String {
        if let header = response.header("x-amzn-query-error"), let code = header.split(separator: ";").first {
            return String(code)
        }
        let text = String(decoding: response.body, as: UTF8.self)
        guard let start = text.firstRange(of: "<Code>"), let end = text.firstRange(of: "</Code>"),
            start.upperBound <= end.lowerBound
        else { return "" }
        return String(text[start.upperBound..<end.lowerBound])
    }

    /// `host[:port]` of a URL, as curl sends it in `Host` and as SigV4 must sign it.
    static func authority(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        return String(rest.prefix { $0 != "/" })
    }
}
