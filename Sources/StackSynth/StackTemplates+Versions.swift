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

/// The function's published version and its `live` alias, which carry a commit to a deployed stack.
extension StackTemplates {
    // MARK: - Versions

    /// The function's version for the zip `CodeSha256` names and the settings the parameters give it. A version
    /// freezes the function's code and configuration, so a new zip, or a new namespace, sink, memory, timeout or
    /// network, changes the description and so replaces the resource, which publishes a new version; the old one
    /// is retained (`Retain`), so that `make rollback` can point the alias back at it. Lambda publishes the version
    /// only if the code's hash is the one given.
    static func version(of function: String) -> JSONValue {
        [
            "Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": [
                "FunctionName": ref(function),
                "CodeSha256": ref("CodeSha256"),
                "Description": [
                    "Fn::Join": [
                        " ",
                        [
                            ref("CodeSha256"), ref("Namespace"), ref("MetricsSink"), ref("MemorySize"), ref("Timeout"),
                            ["Fn::Join": [",", ref("SubnetIds")]], ["Fn::Join": [",", ref("SecurityGroupIds")]],
                        ],
                    ]
                ],
            ],
        ]
    }

    /// The `live` alias, which the state machines invoke.
    static func alias(of function: String, version: String) -> JSONValue {
        [
            "Type": "AWS::Lambda::Alias",
            "Properties": [
                "FunctionName": ref(function), "FunctionVersion": getAtt(version, "Version"), "Name": "live",
            ],
        ]
    }
}
