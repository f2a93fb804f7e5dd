#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Downloads the OnPremWatch release that release.txt pins into DIR and checks every file before anything uses it.
#
#     scripts/fetch-release.sh DIR >> "$GITHUB_OUTPUT"
#
# 1. SHA256SUMS from `url`; its sha256 must be release.txt's `sums_sha256`, and it must list the zip with
#    release.txt's `sha256`.
# 2. onprem-watch-VERSION.zip, catalog-zip.py, deploy.py and rollback.py from `url`; each must match SHA256SUMS.
# Anything else is refused (exit 1) and DIR is left without the files. On success it prints `version=...`,
# `sha256=...` and `zip=DIR/onprem-watch-VERSION.zip` on stdout (for $GITHUB_OUTPUT); messages go to stderr.
#
# This script is the catalog repository's own, not the release's: it is what checks the release, so it cannot come
# from it. It needs sh, curl and sha256sum (GitHub's ubuntu-24.04 runners have them).
set -eu

fail() {
    echo "fetch-release: $*" >&2
    exit 1
}

[ $# -eq 1 ] || fail "usage: scripts/fetch-release.sh DIR"
dir=$1
root=$(cd "$(dirname "$0")/.." && pwd)
pins="$root/release.txt"
[ -f "$pins" ] || fail "no release.txt at $pins"

# key=value lines; comments and blank lines are skipped; a key given twice is refused.
value() {
    found=$(grep -E "^$1=" "$pins" || true)
    [ -n "$found" ] || fail "release.txt has no $1="
    [ "$(printf '%s\n' "$found" | wc -l)" -eq 1 ] || fail "release.txt gives $1= more than once"
    printf '%s' "${found#*=}"
}
version=$(value version)
url=$(value url)
sha256=$(value sha256)
sums_sha256=$(value sums_sha256)

case "$version$url$sha256$sums_sha256" in
    *PLACEHOLDER*) fail "release.txt still holds placeholder values: paste the block from the release's notes" ;;
esac
printf '%s\n' "$version" | grep -Eqx '[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?' \
    || fail "release.txt: version $version is not a version (1.2.3, 1.2.3-rc.1)"
printf '%s\n' "$url" | grep -Eqx 'https://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9._~/%+-]*/' \
    || fail "release.txt: url must be https:// and end in /"
for digest in "$sha256" "$sums_sha256"; do
    printf '%s\n' "$digest" | grep -Eqx '[0-9a-f]{64}' || fail "release.txt: $digest is not a sha256 (64 lower-case hex digits)"
done

zip="onprem-watch-$version.zip"
mkdir -p "$dir"
download() {
    echo "fetch-release: $url$1" >&2
    curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 --retry 3 --max-time 300 \
        --output "$dir/$1.part" "$url$1" || fail "could not download $url$1"
    mv "$dir/$1.part" "$dir/$1"
}

download SHA256SUMS
( cd "$dir" && echo "$sums_sha256  SHA256SUMS" | sha256sum --check --strict --status ) || {
    rm -f "$dir/SHA256SUMS"
    fail "SHA256SUMS at $url is not the one release.txt pins (sums_sha256): refused"
}
grep -qx "$sha256  $zip" "$dir/SHA256SUMS" || fail "SHA256SUMS does not list $zip with release.txt's sha256"

for name in "$zip" catalog-zip.py deploy.py rollback.py; do
    grep -q "  $name\$" "$dir/SHA256SUMS" || fail "SHA256SUMS does not list $name"
    download "$name"
done
# Every file listed and downloaded must match; bootstrap.json (used once, by hand) is not downloaded.
( cd "$dir" && sha256sum --check --strict --ignore-missing SHA256SUMS >&2 ) || {
    rm -f "$dir/$zip" "$dir/catalog-zip.py" "$dir/deploy.py" "$dir/rollback.py"
    fail "a file of the release does not match SHA256SUMS: refused"
}

echo "fetch-release: OnPremWatch $version, $zip sha256 $sha256, checked" >&2
echo "version=$version"
echo "sha256=$sha256"
echo "zip=$dir/$zip"
