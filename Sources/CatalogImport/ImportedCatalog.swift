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

/// What an import produced: catalog queries and customers, and the report of what was not carried over.
///
/// Several files may be imported at once (a sql_exporter configuration and its collector files, two
/// postgres_exporter files): a query or customer that comes again under the same name is imported once when it is
/// the same, and renamed with a suffix when it is not, each with a line in the report, so that the fragment always
/// loads (names are unique per version in a catalog).
public struct ImportedCatalog: Equatable, Sendable {
    public var queries: [ImportedQuery] = []
    public var customers: [ImportedCustomer] = []
    public var notes: [ImportNote] = []

    public init() {}

    /// Adds a report line.
    mutating func note(_ file: String, _ place: String, _ message: String) {
        let note = ImportNote(file: file, place: place, message)
        // The same line for the same file once: a setting repeated in many entries is said where it is first met.
        if !notes.contains(note) { notes.append(note) }
    }

    /// Adds `query`, once: the same query again (another file of the same tool) is skipped, another query of the
    /// same name is renamed `name-2`, `name-3`, ...
    ///
    /// - Parameter notesSince: where this query's own report lines start: a query skipped as the same again takes
    ///   them back, since they were said of it already.
    /// - Returns: whether the query was added.
    @discardableResult
    mutating func add(_ query: ImportedQuery, file: String, place: String, notesSince: Int? = nil) -> Bool {
        if queries.contains(query) {
            if let notesSince, notesSince <= notes.count { notes.removeSubrange(notesSince...) }
            note(file, place, "the same query as \"\(query.name)\" imported already; imported once")
            return false
        }
        var query = query
        for (column, metric) in query.metricNames.sorted(by: { $0.key < $1.key }) {
            if let problem = ImportedQuery.metricNameProblem(metric) {
                query.metricNames[column] = nil
                note(file, place, "metric name \"\(metric)\" \(problem); published as \(column)")
            }
        }
        if queries.contains(where: { $0.name == query.name }) {
            var suffix = 2
            while queries.contains(where: { $0.name == "\(query.name)-\(suffix)" }) { suffix += 1 }
            let renamed = "\(query.name)-\(suffix)"
            note(file, place, "another query is named \"\(query.name)\" already; imported as \"\(renamed)\"")
            query.name = renamed
        }
        queries.append(query)
        return true
    }

    /// Adds `query` as ``add(_:file:place:notesSince:)`` does.
    ///
    /// - Returns: the name it has in the catalog (renamed, or the same query's imported already).
    mutating func addReturningName(_ query: ImportedQuery, file: String, place: String, notesSince: Int? = nil)
        -> String
    {
        add(query, file: file, place: place, notesSince: notesSince) ? queries[queries.count - 1].name : query.name
    }

    /// Says so when a file's instances (Telegraf's plugin instances, Datadog's instances) run different queries:
    /// the catalog runs every query for each customer of its versions, so each instance's customer runs them all.
    mutating func noteInstancesDiffer(_ runs: [(place: String, queries: [String])], file: String, what: String) {
        guard runs.count > 1, Set(runs.map { Set($0.queries) }).count > 1 else { return }
        let each = runs.map { "\($0.place) runs \($0.queries.isEmpty ? "none" : $0.queries.joined(separator: ", "))" }
        note(
            file, "",
            "each \(what) runs its own queries (\(each.joined(separator: "; "))): the catalog runs every query for "
                + "each customer of its versions, so every customer runs them all; give each \(what)'s customer and "
                + "queries versions of their own (--versions, one import per \(what)) to keep them apart")
    }

    /// Adds `customer`, once, as ``add(_:file:place:notesSince:)`` adds queries.
    mutating func add(_ customer: ImportedCustomer, file: String, place: String) {
        if customers.contains(customer) {
            note(file, place, "the same customer as \"\(customer.opname)\" imported already; imported once")
            return
        }
        var customer = customer
        if customers.contains(where: { $0.opname == customer.opname }) {
            var suffix = 2
            while customers.contains(where: { $0.opname == "\(customer.opname)-\(suffix)" }) { suffix += 1 }
            let renamed = "\(customer.opname)-\(suffix)"
            note(file, place, "another customer is named \"\(customer.opname)\" already; imported as \"\(renamed)\"")
            customer.opname = renamed
        }
        customers.append(customer)
    }
}
