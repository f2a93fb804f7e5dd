public import AWSClients
public import Core
public import MetricModel

/// Nothing is published; the datapoints are only in the task output.
public struct NoSink: MetricsSink {
    public var name: String { "none" }

    public init() {}

    public func publish(_ datums: [MetricDatum], deadline: Deadline) throws(CloudWatchError) -> PublishSummary {
        PublishSummary(sink: name)
    }
}
