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

public import Core
public import MetricModel

/// Publishing failed after the retries the deadline allowed, named `CloudWatch.Reason`.
///
/// It carries the datums that were not published, so that a Step Functions `Catch` can keep them.
public struct CloudWatchError: CodedError, Sendable {
    public typealias Code = ErrorCode<CloudWatchError>

    public let code: Code
    public let message: String
    /// The datums of the requests that did not succeed.
    public let unpublished: [MetricDatum]

    public init(_ code: Code, _ message: String, unpublished: [MetricDatum] = []) {
        self.code = code
        self.message = message
        self.unpublished = unpublished
    }

    public var errorMessage: String {
        let count = unpublished.reduce(0) { $0 + $1.datapointCount }
        return unpublished.isEmpty ? message : "\(message); \(count) datapoints not published"
    }

    /// The unpublished datums, in the error body, so a `Catch` can keep or resend them.
    public var errorDetails: [(key: String, json: String)] {
        [(key: "unpublished", json: "[" + unpublished.map(\.json).joined(separator: ",") + "]")]
    }
}

extension ErrorCode where Domain == CloudWatchError {
    /// CloudWatch kept answering `Throttling` until the deadline.
    public static var throttled: Self { Self("CloudWatch.Throttled") }
    /// 5xx answers or network errors until the deadline.
    public static var publishFailed: Self { Self("CloudWatch.PublishFailed") }
    /// 403: the signature or the permissions were refused (`cloudwatch:PutMetricData`).
    public static var accessDenied: Self { Self("CloudWatch.AccessDenied") }
    /// Another 4xx: CloudWatch refused the request itself; retrying cannot help.
    public static var invalidRequest: Self { Self("CloudWatch.InvalidRequest") }
    /// No `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` in the environment.
    public static var noCredentials: Self { Self("CloudWatch.NoCredentials") }
}
