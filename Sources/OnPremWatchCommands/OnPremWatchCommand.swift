public import ArgumentParser

/// `onprem-watch`: the Lambda function, and the tools around it.
public struct OnPremWatchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "onprem-watch",
        abstract: "PostgreSQL KPIs of on-premises deployments to Amazon CloudWatch, as an AWS Lambda function.",
        subcommands: [ServeCommand.self, ReplayCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    public init() {}
}
