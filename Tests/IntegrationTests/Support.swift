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
import CurlHTTP
import Foundation
import MetricModel
import MetricsCollector

@testable import PostgresClient

/// Where the live services of `make test` are, from the environment the Makefile sets.
enum LiveServices {
    static let environment = ProcessInfo.processInfo.environment

    /// cargo-lambda's base URL, for example `http://127.0.0.1:9311`.
    static var runtimeEmulator: String? { environment["ONPREM_TEST_EMULATOR"] }

    /// Runs a test that starts a runtime against cargo-lambda, one at a time across suites.
    ///
    /// cargo-lambda serves every runtime that polls it as the one function `_`: two runtimes on it at once could each
    /// be handed the other test's event.
    static func withEmulator<Result>(_ body: () throws -> Result) rethrows -> Result {
        emulatorLock.lock()
        defer { emulatorLock.unlock() }
        return try body()
    }

    private static let emulatorLock = NSLock()

    /// The test PostgreSQL server of `make test`, on 127.0.0.1.
    static var postgresPort: Int? { environment["ONPREM_TEST_PG_PORT"].flatMap(Int.init) }
    static var postgresUser: String { environment["ONPREM_TEST_PG_USER"] ?? "onprem" }
    static var postgresPassword: String { environment["ONPREM_TEST_PG_PASSWORD"] ?? "" }
    /// The test server's certificate verifies under the test CA: customers that name no `sslrootcert` use it as
    /// the function's default bundle, and connect with the default `verify-full`.
    static var tls: PostgresTLS { PostgresTLS(defaultRootCertificates: environment["ONPREM_TEST_PG_CA"]) }
    static func login(password: String = postgresPassword) -> DatabaseLogin {
        DatabaseLogin(user: postgresUser, password: password)
    }

    /// The key of an identity in moto whose policy is role `role`'s statements as `onprem-watch synth` writes them
    /// for `catalog` (`role_identity.py`: actions exact, resources `*`, which is all moto checks). Code run under it
    /// fails where the generated role would refuse a call.
    static func roleIdentity(catalog: String, role: String, binary: String = LiveServices.binary) throws
        -> (accessKeyID: String, secretAccessKey: String)
    {
        // A directory of its own per call: suites running at once ask for the same role, and one's cleanup
        // removed the other's stack before it was read (seen once in a fresh-clone run).
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("role-\(role)-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try catalog.write(toFile: "\(work)/catalog.json", atomically: true, encoding: .utf8)
        _ = try Command.output(binary, ["synth", "--catalog", "\(work)/catalog.json", "--out", "\(work)/stack"])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "role_identity.py"
        ).path
        let answer = try Command.output("/usr/bin/env", ["python3", script, "\(work)/stack/template.json", role])
        let fields = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]
        guard let key = fields?["accessKeyId"] as? String, let secret = fields?["secretAccessKey"] as? String else {
            throw POSIXError(.EIO)
        }
        return (key, secret)
    }

    /// The built `onprem-watch` binary.
    static var binary: String {
        if let path = environment["ONPREM_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/onprem-watch").path
    }
}

/// A child process of the test, with its stdout and stderr collected.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()

    init(_ executable: String, arguments: [String] = [], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
    }

    /// Waits for exit (killing the process after `timeout`) and returns the exit status and the output.
    func finish(timeout: Duration = .seconds(30)) -> (status: Int32, stdout: String, stderr: String) {
        let limit = Date().addingTimeInterval(Double(timeout.components.seconds))
        while process.isRunning, Date() < limit { Thread.sleep(forTimeInterval: 0.01) }
        // SIGKILL, not terminate(): Foundation starts children with most signals blocked, SIGTERM among them.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let out = String(decoding: stdoutPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, out, err)
    }

    /// The environment of this test process plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        LiveServices.environment.merging(extra) { $1 }
    }
}

/// Sends requests with the project's own libcurl client.
enum TestHTTP {
    static func post(_ url: String, body: String, timeout: Duration = .seconds(60)) throws -> HTTPResponse {
        guard let curl = CurlEasy() else { throw POSIXError(.ENOMEM) }
        return try curl.perform(HTTPRequest(method: "POST", url: url, body: Array(body.utf8), timeout: timeout))
    }
}

/// Runs a program to its end and returns what it printed.
enum Command {
    /// - Throws: `POSIXError(.EIO)` when the program exits non-zero.
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let (status, data) = try run(executable, arguments)
        guard status == 0 else { throw POSIXError(.EIO) }
        return String(decoding: data, as: UTF8.self)
    }

    /// What the program printed and how it exited, for a program whose failure prints the report to read.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}

/// Runs a shell command and waits for it with `waitpid`.
///
/// Foundation's `Process.waitUntilExit` never returned for `pg_ctl restart`, whose server outlives it.
enum Shell {
    static func run(_ command: String) -> Int32 {
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, arguments, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xff
    }
}
