#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Makes a clean root filesystem that stands in for provided.al2023 in the package test, and prints its path:
# Debian's minbase (glibc, no compiler, no PostgreSQL, nothing of this project) plus only what provided.al2023 has
# and minbase lacks: libcurl4 and libssl3. No libpq.
#
#   scripts/make-rootfs.sh [DIR]       # default .cache/rootfs
#
# The root is kept between runs on one machine; under CI (CI=true) it is always made afresh, so a package that
# leans on something left over cannot pass there. Needs root (or sudo): debootstrap and chroot do.
set -euo pipefail

root_dir=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-$root_dir/.cache/rootfs}
log() { echo "make-rootfs: $*" >&2; }
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if [ "${CI:-}" != "true" ] && [ -f "$target/.done" ]; then
    echo "$target"
    exit 0
fi
command -v debootstrap >/dev/null || {
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
}

# The archive this machine's apt already uses, read from its own sources.
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { log "no Debian archive found in this machine's apt sources"; exit 1; }
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")

log "debootstrap --variant=minbase $suite into $target (libcurl4 and libssl3 added)"
as_root rm -rf "$target"
started=$(date +%s)
if ! as_root debootstrap --variant=minbase --include=libcurl4,libssl3 "$suite" "$target" "$mirror" \
    >"${TMPDIR:-/tmp}/onprem-rootfs.log" 2>&1; then
    tail -20 "${TMPDIR:-/tmp}/onprem-rootfs.log" >&2
    exit 1
fi
# Nothing of PostgreSQL may be there, or the test would prove nothing about the bundled libpq.
if as_root chroot "$target" /bin/sh -c 'ls /usr/lib/*/libpq.so* /lib/*/libpq.so*' >/dev/null 2>&1; then
    log "the root has a libpq; it must not"
    exit 1
fi
as_root touch "$target/.done"
log "made in $(($(date +%s) - started)) s"
echo "$target"
