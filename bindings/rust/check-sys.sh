#!/bin/sh
# bindings/rust/check-sys.sh — check the hand-written ltx-sys declarations against the headers.
#
# Runs Debian's bindgen (apt-get install bindgen) on include/ltx/ltx.h and compares every
# function it finds with ltx-sys/src/lib.rs (compare-sys.py): a function on one side only,
# or one declared with another signature, fails with its name and both signatures; so does a
# constant of ltx-sys that the header lacks or gives another value. A
# function that bindings/unbound.txt lists for rust (or all) may be missing, not differ.
#
# Usage: check-sys.sh [BUILD_DIR]   BUILD_DIR holds the configured include/ltx/version.h
#                                   when the build is not in the source tree.
# Environment: BINDGEN (default: bindgen), PYTHON (default: /usr/bin/python3).
# Exits 77 (skip) when bindgen is absent, unless CI is set: then it fails.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top}
: "${BINDGEN:=bindgen}"
: "${PYTHON:=/usr/bin/python3}"

if ! command -v "$BINDGEN" >/dev/null 2>&1; then
    if [ -n "${CI:-}" ]; then
        echo "check-sys.sh: no bindgen, which CI must have (apt-get install bindgen)" >&2
        exit 1
    fi
    echo "check-sys.sh: SKIP: no bindgen (apt-get install bindgen)"
    exit 77
fi
[ -f "$build/include/ltx/version.h" ] || [ -f "$top/include/ltx/version.h" ] || {
    echo "check-sys.sh: no include/ltx/version.h: run configure first (or pass the build dir)" >&2
    exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Every public function (ltx_*) and constant (LTX_*, enumerators without their enum's
# name); size_t as usize, as the hand-written crate has it.
if ! "$BINDGEN" "$top/include/ltx/ltx.h" --allowlist-function 'ltx_.*' --allowlist-var 'LTX_.*' \
        --allowlist-type 'ltx_.*' --no-prepend-enum-name --no-layout-tests \
        --size_t-is-usize -o "$tmp/generated.rs" -- -I"$build/include" -I"$top/include" \
        2>"$tmp/bindgen.err"; then
    cat "$tmp/bindgen.err" >&2
    echo "check-sys.sh: bindgen failed on include/ltx/ltx.h" >&2
    exit 1
fi
# A function bindings/unbound.txt lets Rust lack (LANGUAGES rust or all) may be missing.
set -- "$tmp/generated.rs" "$here/ltx-sys/src/lib.rs"
[ ! -f "$top/bindings/unbound.txt" ] || set -- "$@" "$top/bindings/unbound.txt"
"$PYTHON" "$here/compare-sys.py" "$@"
