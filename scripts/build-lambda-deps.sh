#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the two C libraries the Lambda binary links statically, from Debian's own source packages (security
# patches applied by dpkg-source), and prints the pkg-config directory that points SwiftPM at them:
#
#   libpq   PostgreSQL 15's client library with OpenSSL only: no GSSAPI, no LDAP, so none of the 18 Kerberos,
#           LDAP and GnuTLS libraries Debian's libpq5 pulls in (provided.al2023 has none of them)
#   libcurl HTTP and HTTPS over OpenSSL only, no other protocol and no optional library, unversioned symbols.
#           Debian's libcurl4 versions its symbols CURL_OPENSSL_4, which Amazon Linux's libcurl-minimal does not
#           define, and loads 25 more libraries at every start.
#
# What stays dynamic is what provided.al2023 ships: glibc, libstdc++, OpenSSL 3 (libssl, libcrypto) and zlib.
# The result is cached in .cache/lambda-deps/ (ONPREM_DEPS_DIR), keyed by the source versions: a second run is
# instant. Needs root (or sudo) once, to add a deb-src entry and install the build tools.
#
#   scripts/build-lambda-deps.sh            # prints the pkg-config directory
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deps_dir=${ONPREM_DEPS_DIR:-$root/.cache/lambda-deps}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}
log() { echo "build-lambda-deps: $*" >&2; }

# The deb-src entry mirrors the machine's own deb entries, so it reaches exactly the archive apt already uses.
src_list=/etc/apt/sources.list.d/onprem-watch-src.sources
if [ -z "$(apt-cache showsrc postgresql-15 2>/dev/null | grep '^Version:')" ]; then
    log "adding a deb-src entry beside the machine's deb entries ($src_list)"
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | as_root tee "$src_list" >/dev/null
    else
        grep -h '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
            | as_root tee /etc/apt/sources.list.d/onprem-watch-src.list >/dev/null
    fi
    as_root apt-get update -qq
fi
for tool in dpkg-source:dpkg-dev make:make gcc:gcc bzip2:bzip2 xz:xz-utils pkg-config:pkg-config; do
    command -v "${tool%%:*}" >/dev/null || need_tools+=("${tool#*:}")
done
if [ -n "${need_tools[*]:-}" ]; then
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need_tools[@]}" >/dev/null
fi
[ "$(dpkg-query -W -f='${Status}' libssl-dev 2>/dev/null)" = "install ok installed" ] || DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends libssl-dev >/dev/null

# Fetches and unpacks the newest version of a source package that the archive actually serves (a snapshot mirror
# may list a security version whose files it does not hold). Prints the unpacked directory.
fetch_source() { # package, work dir
    local package=$1 work=$2 version
    for version in $(apt-cache showsrc "$package" | awk '/^Version:/ {print $2}' | sort -Vr); do
        if (cd "$work" && apt-get source -qq "$package=$version" >/dev/null 2>&1); then
            find "$work" -mindepth 1 -maxdepth 1 -type d | head -1
            return 0
        fi
        rm -rf "${work:?}"/*
    done
    log "no version of the source package $package could be fetched"
    return 1
}

newest_version() { apt-cache showsrc "$1" | awk '/^Version:/ {print $2}' | sort -Vr | head -1; }
# The recipe number changes whenever the build below does, so a cached build of an older recipe is not reused.
recipe=2
key="pq-$(newest_version postgresql-15)_curl-$(newest_version curl)_r$recipe"
out="$deps_dir/$key"
if [ -f "$out/.done" ]; then
    echo "$out/lib/pkgconfig"
    exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/onprem-lambda-deps.XXXXXX")
trap 'rm -rf "$work"' EXIT
rm -rf "$out" && mkdir -p "$out/include" "$out/lib/pkgconfig"
cflags="-O2 -fPIC -ffunction-sections -fdata-sections"

# --- libpq -----------------------------------------------------------------------------------------------------
mkdir "$work/pq"
pq_src=$(fetch_source postgresql-15 "$work/pq")
log "libpq from $(basename "$pq_src") (OpenSSL; no GSSAPI, LDAP, readline, zlib, ICU)"
(
    cd "$pq_src"
    # PostgreSQL generates errcodes.h and its kin only when its make runs at MAKELEVEL 0, which is not the case
    # under `make test`: build them explicitly, and start every make here with no inherited make state.
    unset MAKELEVEL MAKEFLAGS MFLAGS
    ./configure -q --without-readline --without-zlib --without-icu --without-gssapi --without-ldap \
        --without-llvm --with-openssl CFLAGS="$cflags" >"$work/pq-configure.log" 2>&1
    make -s -C src/include >/dev/null
    make -s -C src/backend generated-headers >/dev/null
    make -s -j2 -C src/common libpgcommon_shlib.a >/dev/null
    make -s -j2 -C src/port libpgport_shlib.a >/dev/null
    make -s -j2 -C src/interfaces/libpq all-static-lib >/dev/null
) || { cat "$work/pq-configure.log" >&2; exit 1; }
# One archive holds libpq and the two helper libraries it needs, so link order cannot matter.
(
    cd "$work" && mkdir merge && cd merge
    printf 'create %s\naddlib %s\naddlib %s\naddlib %s\nsave\nend\n' "$out/lib/libpq.a" \
        "$pq_src/src/interfaces/libpq/libpq.a" "$pq_src/src/common/libpgcommon_shlib.a" \
        "$pq_src/src/port/libpgport_shlib.a" | ar -M
)
cp "$pq_src/src/interfaces/libpq/libpq-fe.h" "$pq_src/src/include/postgres_ext.h" \
    "$pq_src/src/include/pg_config_ext.h" "$out/include/"
pq_version=$(sed -n 's/^#define PG_VERSION "\(.*\)"/\1/p' "$pq_src/src/include/pg_config.h")

# --- libcurl ---------------------------------------------------------------------------------------------------
mkdir "$work/curl"
curl_src=$(fetch_source curl "$work/curl")
log "libcurl from $(basename "$curl_src") (HTTP and HTTPS over OpenSSL only)"
(
    cd "$curl_src"
    unset MAKELEVEL MAKEFLAGS MFLAGS
    # OpenSSL's initialisation: libcurl asks for every builtin engine and for openssl.cnf, and between them they
    # touch about 1 MB of libcrypto in every process, TLS or not (the Runtime API is plain HTTP). Engines are
    # OpenSSL 1's plug-ins, which nothing here uses. Without openssl.cnf (on Amazon Linux, the system crypto
    # policy) the TLS floor is set by the callers: TLS 1.2 on every libcurl handle (CurlGlobal), and libpq's own
    # ssl_min_protocol_version, TLS 1.2 by default.
    grep -q "OPENSSL_INIT_ENGINE_ALL_BUILTIN |" lib/vtls/openssl.c
    sed -i 's/OPENSSL_INIT_ENGINE_ALL_BUILTIN |//' lib/vtls/openssl.c
    # CA certificates: OpenSSL's own default locations (--with-ca-fallback), which are the system's bundle both on
    # Debian and on Amazon Linux; SSL_CERT_FILE still overrides.
    ./configure -q --disable-openssl-auto-load-config --disable-shared --enable-static --with-pic --with-openssl --without-ca-bundle \
        --without-ca-path --with-ca-fallback --without-zlib --without-brotli --without-zstd --without-libidn2 \
        --without-libpsl --without-nghttp2 --without-libssh2 --without-librtmp --without-gssapi --disable-ldap \
        --disable-ldaps --disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 \
        --disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-ftp --disable-file \
        --disable-manual --disable-ntlm --disable-alt-svc --disable-hsts --disable-cookies --disable-netrc \
        --disable-doh --disable-mime --disable-progress-meter --disable-unix-sockets --enable-symbol-hiding \
        --enable-threaded-resolver CFLAGS="$cflags" >"$work/curl-configure.log" 2>&1
    make -s -j2 -C lib >/dev/null 2>&1
) || { cat "$work/curl-configure.log" >&2; exit 1; }
cp "$curl_src/lib/.libs/libcurl.a" "$out/lib/"
cp -r "$curl_src/include/curl" "$out/include/"
curl_version=$(sed -n 's/^#define LIBCURL_VERSION "\(.*\)"/\1/p' "$curl_src/include/curl/curlver.h")

# --- pkg-config files: SwiftPM's system-library targets read these through PKG_CONFIG_PATH -----------------------
cat >"$out/lib/pkgconfig/libpq.pc" <<EOF
prefix=$out
Name: libpq
Description: PostgreSQL client library, static, OpenSSL only (OnPremWatch's Lambda build)
Version: $pq_version
Cflags: -I\${prefix}/include
Libs: -L\${prefix}/lib -lpq -lssl -lcrypto -lpthread
EOF
cat >"$out/lib/pkgconfig/libcurl.pc" <<EOF
prefix=$out
Name: libcurl
Description: libcurl, static, HTTP and HTTPS over OpenSSL only (OnPremWatch's Lambda build)
Version: $curl_version
Cflags: -I\${prefix}/include -DCURL_STATICLIB
Libs: -L\${prefix}/lib -lcurl -lssl -lcrypto -lpthread
EOF
printf 'libpq %s (%s)\nlibcurl %s (%s)\n' "$pq_version" "$(basename "$pq_src")" "$curl_version" \
    "$(basename "$curl_src")" >"$out/VERSIONS"
touch "$out/.done"
log "built in $out"
echo "$out/lib/pkgconfig"
