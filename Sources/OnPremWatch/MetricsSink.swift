public import AWSClients
import AWSSigning
public import Core
import LambdaRuntime
public import MetricModel

#if canImport(Glibc)
    import Glibc
#endif

/// Where the datapoints go: `ONPREM_METRICS_SINK=cloudwatch` (the default), `emf` or `none`.
public enum MetricsSink {
    /// PutMetricData, signed, batched and aggregated.
    case cloudWatch(CloudWatchClient)
    /// Embedded Metric Format lines on stdout, which CloudWatch Logs turns into metrics; no API call.
    case emf(namespace: String)
    /// Nothing is published; the datapoints are only in the task output.
    case none

    /// What was published, for the task output.
    public struct Summary: Encodable, Sendable {
        public var sink: String
        public var requests = 0
        public var datums = 0
        public var datapoints = 0
        public var bytes = 0
        public var retries = 0
        public var rejected: [Rejection] = []

        public struct Rejection: Encodable, Sendable {
            public var name: String
            public var reason: String
        }
    }

    /// Reads the sink from the environment.
    ///
    /// - Throws: `CloudWatch.NoCredentials` for the CloudWatch sink without credentials, `Runtime.InitFailed` for
    ///   an unknown sink or namespace.
    public static func from(environment: [String: String]) throws -> MetricsSink {
        let namespace = environment["ONPREM_NAMESPACE"] ?? "OnPremWatch"
        if let problem = PutMetricDataPlanner.namespaceProblem(namespace) {
            throw RuntimeError(.initFailed, "ONPREM_NAMESPACE: \(problem)")
        }
        switch environment["ONPREM_METRICS_SINK"] ?? "cloudwatch" {
        case "cloudwatch":
            guard let credentials = AWSCredentials(environment: environment) else {
                throw CloudWatchError(.noCredentials, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
            }
            let endpoint = CloudWatchClient.endpoint(environment: environment)
            // gzip is on against AWS's own endpoints, off against overrides (the local emulator cannot read it).
            let compresses =
                environment["ONPREM_CLOUDWATCH_GZIP"].map { $0 == "true" } ?? endpoint.hasSuffix(".amazonaws.com")
            return .cloudWatch(
                try CloudWatchClient(
                    endpoint: endpoint, region: environment["AWS_REGION"] ?? "us-east-1", credentials: credentials,
                    namespace: namespace, compresses: compresses))
        case "emf": return .emf(namespace: namespace)
        case "none": return .none
        case let other: throw RuntimeError(.initFailed, "ONPREM_METRICS_SINK=\(other) is not cloudwatch, emf or none")
        }
    }

    /// Publishes `datums` before `deadline`.
    public func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> Summary {
        switch self {
        case .none:
            return Summary(sink: "none")
        case .cloudWatch(let client):
            let report = try client.publish(datums, deadline: deadline)
            return Summary(
                sink: "cloudwatch", requests: report.requests, datums: report.datums, datapoints: report.datapoints,
                bytes: report.bytes, retries: report.retries,
                rejected: report.rejected.map { .init(name: $0.datum.name, reason: $0.reason) })
        case .emf(let namespace):
            var summary = Summary(sink: "emf")
            for line in EMF.lines(datums, namespace: namespace) {
                var bytes = Array(line.utf8)
                bytes.append(0x0A)
                _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                summary.bytes += bytes.count
            }
            summary.datums = datums.count
            summary.datapoints = datums.reduce(0) { $0 + $1.datapointCount }
            return summary
        }
    }
}
