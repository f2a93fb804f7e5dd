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

/// Implementations chosen by name from one environment variable: the one way the binary picks its handler
/// (`_HANDLER`), its metrics sink (`ONPREM_METRICS_SINK`) and its case sink (`ONPREM_CASE_SINK`), so each says
/// an unknown name the same way, listing the names it knows.
public struct NamedChoice<Made> {
    /// The variable that names the implementation.
    public let variable: String
    /// The name taken when the variable is unset or empty.
    public let defaultName: String
    /// Every implementation, by name, in the order the error lists them.
    public let entries: [(name: String, make: Made)]

    public init(variable: String, defaultName: String, _ entries: [(name: String, make: Made)]) {
        precondition(entries.contains { $0.name == defaultName }, "the default is one of the names")
        self.variable = variable
        self.defaultName = defaultName
        self.entries = entries
    }

    /// The names, as an error lists them.
    public var names: [String] { entries.map(\.name) }

    /// The name `environment` gives, or the default.
    public func name(in environment: [String: String]) -> String {
        guard let name = environment[variable], !name.isEmpty else { return defaultName }
        return name
    }

    /// The implementation `environment` names, or the message that says the name is unknown:
    /// `VARIABLE=name is not one of: a, b`.
    public func choose(in environment: [String: String]) -> Result<Made, UnknownName> {
        let name = name(in: environment)
        guard let entry = entries.first(where: { $0.name == name }) else {
            return .failure(
                UnknownName(message: "\(variable)=\(name) is not one of: \(names.joined(separator: ", "))"))
        }
        return .success(entry.make)
    }

    /// A name no implementation has; `message` names the variable, the name and the known names.
    public struct UnknownName: Error, Sendable {
        public let message: String
    }
}

extension NamedChoice: Sendable where Made: Sendable {}
