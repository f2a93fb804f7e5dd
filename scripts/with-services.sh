#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Starts the local services (cargo-lambda's Runtime API emulator, a PostgreSQL 15 server with the demo
# databases and TLS), exports where they are, runs the command given, and stops them however it ends.
#
#   scripts/with-services.sh swift test
#
# Exports:
#   ONPREM_TEST_EMULATOR      cargo-lambda's base URL; the Runtime API is under /.rt
#   ONPREM_TEST_PG_PORT       the PostgreSQL port on 127.0.0.1 (ONPREM_PG_PORT chooses it, else a free one)
#   ONPREM_TEST_PG_USER, ONPREM_TEST_PG_PASSWORD   the demo login (databases ops_v1, ops_v2, and ops_reuse)
#   ONPREM_TEST_PG_CA, ONPREM_TEST_PG_WRONG_CA     the CA that signed the server's certificate, and another
#   ONPREM_TEST_PG_RESTART    a command that restarts the server
#   ONPREM_TEST_MOTO          moto_server's URL (CloudWatch, Secrets Manager), checking SigV4 signatures
#   ONPREM_TEST_AWS_ACCESS_KEY_ID, ONPREM_TEST_AWS_SECRET_ACCESS_KEY   the key moto accepts
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/onprem-watch-services.XXXXXX")
pids=()

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$run_dir"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for() { # name, command...
    local name=$1; shift
    for _ in $(seq 1 200); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.05
    done
    echo "with-services: $name did not start" >&2
    cat "$run_dir"/*.log >&2 || true
    exit 1
}

# cargo-lambda serves the Runtime API only next to a Cargo project: give it a dummy one.
mkdir -p "$run_dir/emulator"
printf '[package]\nname = "fn"\nversion = "0.1.0"\nedition = "2021"\n\n[[bin]]\nname = "fn"\npath = "main.rs"\n' \
    > "$run_dir/emulator/Cargo.toml"
echo 'fn main() {}' > "$run_dir/emulator/main.rs"
emulator_port=$(free_port)
(cd "$run_dir/emulator" && exec cargo-lambda lambda watch --only-lambda-apis -P "$emulator_port" \
    > "$run_dir/emulator.log" 2>&1) &
pids+=($!)
wait_for "cargo-lambda" bash -c "exec 3<>/dev/tcp/127.0.0.1/$emulator_port"
export ONPREM_TEST_EMULATOR="http://127.0.0.1:$emulator_port"

# moto_server with signature checking: the first 4 calls (moto-setup.py) create a user, its key and an allow-all
# policy; every later call must be signed with that key.
moto_port=${ONPREM_MOTO_PORT:-$(free_port)}
INITIAL_NO_AUTH_ACTION_COUNT=4 moto_server -H 127.0.0.1 -p "$moto_port" > "$run_dir/moto.log" 2>&1 &
pids+=($!)
wait_for "moto_server" bash -c "exec 3<>/dev/tcp/127.0.0.1/$moto_port"
eval "$(python3 "$root/scripts/moto-setup.py" "http://127.0.0.1:$moto_port")"
export ONPREM_TEST_MOTO="http://127.0.0.1:$moto_port"

# PostgreSQL as a non-root user on a temp dir: initdb refuses root, so root runs it as `postgres`.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_dir="$run_dir/pg"
mkdir -p "$pg_dir"
as_pg=()
if [ "$(id -u)" = 0 ]; then
    as_pg=(runuser -u postgres --)
    chown postgres "$pg_dir"
    chmod 755 "$run_dir"
fi
pg_port=${ONPREM_PG_PORT:-$(free_port)}
pg_password=onprem-demo
# A test CA signs the server's certificate (localhost, 127.0.0.1); a second CA signed nothing.
(
    cd "$pg_dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=OnPremWatch test CA" -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Wrong CA" -keyout wrong-ca.key -out wrong-ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > san.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt 2>/dev/null
    chmod 600 server.key
    [ ${#as_pg[@]} -eq 0 ] || chown postgres server.key server.crt
)
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    >"$run_dir/initdb.log" 2>&1
pg_options="-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=$pg_dir/server.crt -c ssl_key_file=$pg_dir/server.key -c max_connections=50"
pg_ctl=("${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -o "$pg_options")
"${pg_ctl[@]}" start >/dev/null
stop_pg() { "${pg_ctl[@]}" -m immediate stop >/dev/null 2>&1 || true; }
trap 'stop_pg; cleanup' EXIT INT TERM
psql_admin=("${as_pg[@]}" psql -q -h "$pg_dir" -p "$pg_port" -U postgres -v ON_ERROR_STOP=1)
"${psql_admin[@]}" -d postgres -c "CREATE ROLE onprem LOGIN PASSWORD '$pg_password' IN ROLE pg_monitor" \
    -c "CREATE DATABASE ops_v1 OWNER onprem" -c "CREATE DATABASE ops_v2 OWNER onprem"
# The demo login may only read, as a monitoring login should.
for version in 1 2; do
    "${psql_admin[@]}" -d "ops_v$version" -f "$root/demo/schema-v$version.sql" \
        -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO onprem" >/dev/null
done
# A database only the connection-reuse test connects to: it counts the function's connections in pg_stat_activity,
# while other suites, running at once, connect to ops_v1 and ops_v2.
"${psql_admin[@]}" -d postgres -c "CREATE DATABASE ops_reuse OWNER onprem"
export ONPREM_TEST_PG_PORT=$pg_port ONPREM_TEST_PG_USER=onprem ONPREM_TEST_PG_PASSWORD=$pg_password
export ONPREM_TEST_PG_CA="$pg_dir/ca.crt" ONPREM_TEST_PG_WRONG_CA="$pg_dir/wrong-ca.crt"
export ONPREM_TEST_PG_RESTART="${pg_ctl[*]@Q} restart"

export ONPREM_SERVICES_DIR="$run_dir"
cd "$root"
"$@"
