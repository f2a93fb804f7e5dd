import LambdaRuntime

/// Runs one catalog query for one customer: a read-only transaction with a `statement_timeout`, on a pooled
/// connection that is checked by use and reopened once when the server went away since the last invocation.
final class QueryRunner {
    private let pool: ConnectionPool

    init(pool: ConnectionPool) { self.pool = pool }

    /// Runs `query` on `customer`'s database.
    ///
    /// - Parameters:
    ///   - credentials: A login to use instead of libpq's defaults (`PGUSER`, `PGPASSWORD`).
    ///   - deadline: When the query must be done; both the connect and the statement timeout derive from it.
    func run(
        _ query: QueryDefinition, on customer: Customer, credentials: (user: String, password: String)? = nil,
        deadline: Deadline
    ) throws(PostgresError) -> ResultTable {
        let key = customer.endpointKey
        var connection: PostgresConnection
        var reused = false
        if let pooled = pool.take(key), pooled.isUsable {
            connection = pooled
            reused = true
        } else {
            connection = try PostgresConnection.connect(
                parameters: Self.parameters(customer, credentials: credentials, deadline: deadline), deadline: deadline)
        }
        do {
            _ = try connection.execute("BEGIN TRANSACTION READ ONLY", deadline: deadline)
        } catch  where reused && error.code == .connectionLost {
            // The server restarted (or dropped us) while the function was frozen: reconnect once.
            connection = try PostgresConnection.connect(
                parameters: Self.parameters(customer, credentials: credentials, deadline: deadline), deadline: deadline)
            _ = try connection.execute("BEGIN TRANSACTION READ ONLY", deadline: deadline)
        }
        defer { finish(connection, key: key) }
        let timeoutMs = max(1, deadline.remaining().milliseconds)
        _ = try connection.execute(
            "SELECT set_config('statement_timeout', $1, true)", parameters: [String(timeoutMs)], deadline: deadline)
        let table = try connection.execute(query.query, deadline: deadline)
        _ = try connection.execute("COMMIT", deadline: deadline)
        return table
    }

    /// Ends any open transaction and returns the connection to the pool when it is healthy.
    private func finish(_ connection: PostgresConnection, key: String) {
        if connection.isUsable && !connection.isIdle {
            let grace = Deadline(epochMilliseconds: Deadline.nowEpochMilliseconds() + 1000)
            _ = try? connection.execute("ROLLBACK", deadline: grace)
        }
        pool.put(key, connection)
    }

    /// The libpq keywords for a customer: settings go as parameters, never spliced into a string.
    static func parameters(
        _ customer: Customer, credentials: (user: String, password: String)?, deadline: Deadline
    ) -> [(String, String)] {
        // libpq's connect_timeout is whole seconds, at least 2; the poll loop enforces the exact deadline.
        let seconds = max(2, (deadline.remaining().milliseconds + 999) / 1000)
        var parameters: [(String, String)] = [
            ("host", customer.ip),
            ("port", String(customer.port)),
            ("dbname", customer.database),
            ("application_name", "onprem-watch"),
            ("connect_timeout", String(seconds)),
            // UTC and ISO dates make `timestamp` columns parse the same on every server.
            ("options", "-c TimeZone=UTC -c DateStyle=ISO -c default_transaction_read_only=on"),
        ]
        if let credentials {
            parameters.append(("user", credentials.user))
            parameters.append(("password", credentials.password))
        } else if let user = customer.user {
            parameters.append(("user", user))
        }
        if let sslmode = customer.sslmode { parameters.append(("sslmode", sslmode)) }
        if let root = customer.sslrootcert { parameters.append(("sslrootcert", root)) }
        return parameters
    }
}
