#!/usr/bin/env bash
# Starts the local stand-ins (cargo-lambda's Runtime API emulator), exports where they are, runs the command
# given, and stops them again however the command ends.
#
#   scripts/with-services.sh swift test
#
# Exports: ONPREM_TEST_EMULATOR (cargo-lambda's base URL; the Runtime API is under /.rt).
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

export ONPREM_SERVICES_DIR="$run_dir"
cd "$root"
"$@"
