//===----------------------------------------------------------------------===//
//
// This source file is part of the OnPremWatch open source project
//
// Copyright (c) 2026 the OnPremWatch project authors
// Licensed under Apache License v2.0
//
// See LICENSE for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

public import ArgumentParser
import Glibc

/// `onprem-watch`: the Lambda function, and the tools around it.
public struct OnPremWatchCommand: ParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "onprem-watch",
        abstract: "PostgreSQL KPIs of on-premises deployments to Amazon CloudWatch, as an AWS Lambda function.",
        subcommands: [
            ServeCommand.self, ReplayCommand.self, SynthCommand.self, PlanCommand.self, CheckCommand.self,
            ImportCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    public init() {}
}

extension OnPremWatchCommand {
    /// The process's entry point.
    ///
    /// Lambda runs `bootstrap`, which starts the binary with no arguments: that serves at once. The argument parser
    /// is for people (`replay`, `--help`, `--limit`); its reflection at start-up scans the binary's protocol
    /// conformances, which costs cold-start time and touches pages that then count in the function's memory.
    public static func start() -> Never {
        Environment.scrub()
        guard CommandLine.arguments.count <= 1 else {
            main()
            Glibc.exit(0)
        }
        switch Serve.run() {
        case .finished: Glibc.exit(0)
        case .notConfigured(let message):
            let line = Array("Error: \(message)\n".utf8)
            _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            Glibc.exit(64)
        case .failed: Glibc.exit(1)
        }
    }
}
