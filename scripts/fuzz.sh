#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (Fuzz/, a package of its own) with AddressSanitizer and runs each one.
#   FUZZ_SECONDS   how long each target runs (default 180)
#   FUZZ_TARGETS   which targets (default: all of them)
#   FUZZ_RUNS      stop each target after this many executions instead (with FUZZ_SECONDS as the upper bound)
# Seeds come from Fuzz/Corpus/TARGET; what a run adds to the corpus stays in Fuzz/.build/corpus/TARGET. A
# finding (crash, trap, violated property, hang, leak) is written to Fuzz/Crashes/TARGET/, where the unit tests
# (FuzzCorpusTests) replay it in every `make test`: commit it with its fix. Exits 1 when a target found anything.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds=${FUZZ_SECONDS:-180}
targets=${FUZZ_TARGETS:-"json http1 payload catalog planner"}

# lld: gold fails on the sanitized link (an internal error in its DWARF reader).
mkdir -p .build
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
if ! swift build "${flags[@]}" >.build/fuzz-build.log 2>&1; then
    grep -v "Cannot export local symbol" .build/fuzz-build.log | grep -E "error" -A3 | head -40
    echo "fuzz: the build failed (Fuzz/.build/fuzz-build.log)"
    exit 1
fi
bin=$(swift build "${flags[@]}" --show-bin-path)

printf '\n%-8s %12s %10s %8s %8s  %s\n' target executions exec/s cov corpus findings
failed=0
for target in $targets; do
    work=.build/corpus/$target
    mkdir -p "$work" "Crashes/$target"
    log=.build/fuzz-$target.log
    before=$(ls "Crashes/$target" | wc -l)
    # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: memory that grows without bound is a finding.
    FUZZ_TARGET=$target "$bin/OnPremFuzz" "$work" "Corpus/$target" -max_total_time="$seconds" -print_final_stats=1 \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="Crashes/$target/" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} \
        >"$log" 2>&1 || true
    after=$(ls "Crashes/$target" | wc -l)
    executions=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
    rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
    corpus=$(ls "$work" | wc -l)
    found=$((after - before))
    printf '%-8s %12s %10s %8s %8s  %s\n' "$target" "$executions" "$rate" "$cov" "$corpus" "$found"
    if [ "$found" -gt 0 ]; then
        failed=1
        grep -E "violated|ERROR:|Fatal error|Test unit written" "$log" | head -5 | sed 's/^/    /'
    fi
done
exit $failed
