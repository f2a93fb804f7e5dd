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

import ArgumentParser
import CatalogModel
import Core
import JSON
import MetricsCollector
import StackSynth

#if canImport(Glibc)
    import Glibc
#endif

/// Writes the CloudFormation stack for a catalog and prints what it holds and what it costs a month.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate the CloudFormation templates (function, state machines, schedules, alarms, dashboards)."
    )

    @Option(help: "The catalog to read.")
    var catalog = "catalog.json"

    @Option(help: "The directory for template.json and its nested templates.")
    var out = "dist/stack"

    @Option(help: "The metrics sink the estimate assumes: emf (the template's default) or cloudwatch.")
    var sink = "emf"

    @Option(help: "The function's memory size in MB, for the estimate.")
    var memory = 128

    @Option(help: "The billed milliseconds of one query invocation, for the estimate.")
    var invocationMs = 50.0

    @Option(help: "Series counts measured by onprem-watch check --run --series-out FILE, for the estimate.")
    var series: String?

    @Option(help: "Availability zones of the function's subnets, for the VPC endpoints (0: through a NAT gateway).")
    var availabilityZones = 2

    func run() throws {
        let parsed = try Catalog.forCommand(catalog)
        guard ["emf", "cloudwatch"].contains(sink) else { throw ValidationError("--sink is emf or cloudwatch") }
        let plan = CollectionPlan(catalog: parsed)
        let templates = StackTemplates(plan: plan)
        guard Self.makeDirectories(out) else { throw ValidationError("cannot create \(out)") }
        for file in templates.files {
            let path = "\(out)/\(file.name)"
            guard FileBytes.write(file.bytes + [0x0A], to: path) else {
                throw ValidationError("cannot write \(path)")
            }
        }
        let machines = plan.customers.reduce(0) { $0 + $1.groups.count }
        let alarms = plan.customers.reduce(0) { $0 + $1.alarms.count + 1 }
        let largest = templates.files.filter { $0.name.hasPrefix("customers-") }.map(\.resources).max() ?? 0
        let customers = plan.customers.count == 1 ? "1 customer" : "\(plan.customers.count) customers"
        print(
            """
            Wrote \(out)/template.json and \(templates.files.count - 1) nested templates for \(customers): \
            \(machines) Express state machines and schedules, \(alarms) alarms (\(plan.customers.count) for \
            collection health), \(templates.dashboards) dashboard(s); \(templates.customerStacks) customer \
            stack(s), the largest with \(largest) resources.
            """)
        for customer in plan.customers where !customer.alarmsWithoutThreshold.isEmpty {
            print(
                "warning: \(customer.customer.opname) has no threshold for "
                    + customer.alarmsWithoutThreshold.joined(separator: ", ") + "; no alarm for it")
        }
        for warning in parsed.warnings { print("warning: \(warning)") }
        // TLS weaker than verified with channel binding is the catalog's choice: said, never silent.
        for customer in plan.customers {
            for warning in customer.customer.tlsWarnings {
                print("warning: \(customer.customer.opname): \(warning) (docs/security.md)")
            }
        }
        var assumptions = CostEstimate.Assumptions()
        assumptions.sink = sink
        assumptions.memoryMB = memory
        assumptions.invocationMs = invocationMs
        assumptions.availabilityZones = availabilityZones
        if let series {
            guard let bytes = FileBytes.read(series), case .object(let customers)? = try? JSONValue.parse(bytes) else {
                throw ValidationError("\(series) is not the JSON check --series-out writes")
            }
            for (customer, queries) in customers {
                guard case .object(let counts) = queries else { continue }
                for (query, count) in counts {
                    if case .number(let value) = count {
                        assumptions.measuredSeries[customer, default: [:]][query] = Int(value)
                    }
                }
            }
        }
        print("")
        print(CostEstimate(plan: plan, dashboards: templates.dashboards, assumptions: assumptions).report)
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) -> Bool {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            guard mkdir(prefix, 0o755) == 0 || errno == EEXIST else { return false }
        }
        return true
    }
}
