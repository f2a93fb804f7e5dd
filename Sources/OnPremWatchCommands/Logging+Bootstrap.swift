import LambdaRuntime
import Logging

/// Installs the Lambda log backend once per process, configured from the environment.
enum LogSetup {
    static func bootstrap(environment: [String: String]) -> Logger {
        LoggingSystem.bootstrap { label in LambdaLogHandler(label: label, environment: environment) }
        return Logger(label: "onprem-watch")
    }
}
