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

import CatalogModel
import Core
import JSON

/// A small CloudFormation vocabulary the templates are written in: intrinsic functions and checkov's metadata.
extension StackTemplates {
    // MARK: - Intrinsics

    static func ref(_ name: String) -> JSONValue { ["Ref": .string(name)] }

    /// A log group of the stack's retention, `name` a `Fn::Sub` text; the logs hold no secrets (checkov's note).
    static func logGroup(_ name: String) -> JSONValue {
        [
            "Type": "AWS::Logs::LogGroup", "Metadata": checkovSkips([logsEncryptionSkip]),
            "Properties": ["LogGroupName": sub(name), "RetentionInDays": ref("LogRetentionDays")],
        ]
    }

    /// A resource's `Metadata` that tells checkov (`make test` runs it on every template) which of its findings
    /// are known and why: each is a check whose remedy does not fit here, said where the resource is.
    static func checkovSkips(_ skips: [(id: String, comment: String)]) -> JSONValue {
        ["checkov": ["skip": .array(skips.map { ["id": .string($0.id), "comment": .string($0.comment)] })]]
    }

    static let logsEncryptionSkip = (
        id: "CKV_AWS_158",
        comment: "CloudWatch Logs encrypts every log group; the logs hold no secrets (docs/security.md)"
    )
    static let environmentEncryptionSkip = (
        id: "CKV_AWS_173", comment: "the variables hold no secrets; Lambda encrypts them with its own key"
    )
    static func sub(_ text: String) -> JSONValue { ["Fn::Sub": .string(text)] }
    static func getAtt(_ resource: String, _ attribute: String) -> JSONValue {
        ["Fn::GetAtt": [.string(resource), .string(attribute)]]
    }

    /// `text` for `Fn::Sub` with every `${` made literal (`${!`) except the variables in `keeping`.
    static func subEscaped(_ text: String, keeping: [String] = []) -> String {
        var escaped = text.replacing("${", with: "${!")
        for variable in keeping {
            escaped = escaped.replacing("${!" + variable.dropFirst(2), with: variable)
        }
        return escaped
    }
}
