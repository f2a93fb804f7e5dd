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

/// Header names of the Lambda Runtime API (2018-06-01); lookups ignore case.
public enum AmazonHeaders: Sendable {
    public static let requestID = "lambda-runtime-aws-request-id"
    public static let deadlineMs = "lambda-runtime-deadline-ms"
    public static let invokedFunctionARN = "lambda-runtime-invoked-function-arn"
    public static let traceID = "lambda-runtime-trace-id"
    public static let clientContext = "lambda-runtime-client-context"
    public static let cognitoIdentity = "lambda-runtime-cognito-identity"
    public static let tenantID = "lambda-runtime-aws-tenant-id"
    /// Sent with `/error` and `/init/error`; Step Functions matches `Retry`/`Catch` on its value.
    public static let functionErrorType = "Lambda-Runtime-Function-Error-Type"
}

/// Limits and paths of the Runtime API.
public enum RuntimeAPI: Sendable {
    public static let version = "2018-06-01"
    /// The largest response body Lambda accepts for a synchronous invocation (413 above it).
    public static let maxResponseBytes = 6_291_556
    /// The environment variable through which Lambda copies each invocation's trace id.
    public static let traceEnvironmentVariable = "_X_AMZN_TRACE_ID"
}
