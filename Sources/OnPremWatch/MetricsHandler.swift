public import LambdaRuntime

/// The real job: run catalog queries against a customer's PostgreSQL and turn the rows into metrics.
public struct MetricsHandler: LambdaHandler {
    public init() {}

    public func handle(_ event: [UInt8], context: LambdaContext) throws -> [UInt8] {
        throw HandlerError(.notImplemented, "the metrics handler is not implemented yet")
    }
}
