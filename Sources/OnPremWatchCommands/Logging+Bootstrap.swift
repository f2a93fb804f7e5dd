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

import LambdaRuntime
import Logging

/// Installs the Lambda log backend once per process, configured from the environment.
enum LogSetup {
    static func bootstrap(environment: [String: String]) -> Logger {
        LoggingSystem.bootstrap { label in LambdaLogHandler(label: label, environment: environment) }
        return Logger(label: "onprem-watch")
    }
}
