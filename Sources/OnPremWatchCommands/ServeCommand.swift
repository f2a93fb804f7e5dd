import ArgumentParser
import LambdaRuntime
import Logging
import OnPremWatch

/// Runs the Runtime API loop: what `bootstrap` starts inside Lambda.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve invocations from the Lambda Runtime API named by AWS_LAMBDA_RUNTIME_API (the default)."
    )

    @Option(help: "Stop after this many invocations (for tests and benchmarks).")
    var limit: Int?

    func run() throws {
        let environment = Environment.current()
        let logger = LogSetup.bootstrap(environment: environment)
        guard let value = environment["AWS_LAMBDA_RUNTIME_API"], let endpoint = RuntimeEndpoint(value) else {
            throw ValidationError(
                "AWS_LAMBDA_RUNTIME_API is not set (or not host:port or a URL); to run one event locally use: "
                    + "onprem-watch replay EVENT.json")
        }
        var client = try CurlRuntimeClient(endpoint: endpoint)
        let handler: FunctionHandler
        do {
            handler = try FunctionHandler(environment: environment)
        } catch {
            let payload = ErrorPayload(error)
            logger.critical(
                "init failed", metadata: ["errorType": "\(payload.errorType)", "error": "\(payload.errorMessage)"])
            try? client.initFailed(payload)
            throw ExitCode(1)
        }
        var loop = RuntimeLoop(client: client, handler: handler, logger: logger)
        if let error = loop.run(limit: limit) {
            logger.critical("runtime loop stopped", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}
