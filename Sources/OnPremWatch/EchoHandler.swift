public import LambdaRuntime

/// Returns the event unchanged, without decoding it.
///
/// It exists to measure the runtime alone: whatever it costs is the price of the loop, libcurl and the process.
public struct EchoHandler: LambdaHandler {
    public init() {}

    public func handle(_ event: [UInt8], context: LambdaContext) -> [UInt8] { event }
}
