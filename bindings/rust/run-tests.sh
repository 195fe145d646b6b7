#!/bin/sh
# bindings/rust/run-tests.sh — build and test the ltx-sys and ltx crates against an installed
# libltx and ltx-mock, with Debian's cargo and rustc (1.63), offline.
#
# Environment (all optional):
#   LTX_PREFIX       an installation prefix of libltx; when set, $LTX_PREFIX/lib/pkgconfig is
#                    added to PKG_CONFIG_PATH, $LTX_PREFIX/lib to LD_LIBRARY_PATH, and LTX_MOCK
#                    defaults to $LTX_PREFIX/bin/ltx-mock
#   PKG_CONFIG_PATH  where ltx.pc is, when not in pkg-config's default path (/usr, /usr/local)
#   LD_LIBRARY_PATH  where libltx.so is, when the dynamic linker does not find it by itself
#   LTX_MOCK         the ltx-mock program (default: $LTX_PREFIX/bin/ltx-mock, else from PATH)
#   LTX_SOURCE_DIR   the libltx source tree holding tests/data/sample.mp4 (default: ../..)
#   CARGO, RUSTC, RUSTDOC  the toolchain (default: Debian's /usr/bin/cargo, rustc, rustdoc;
#                    a rustup toolchain earlier in PATH is deliberately not used)
#   CARGO_TARGET_DIR where to build (default: ./target)
#   CARGO_TEST_FLAGS extra flags for `cargo test`, e.g. "-- --nocapture"
# Exits non-zero when anything fails.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

if [ -n "${LTX_PREFIX:-}" ]; then
    PKG_CONFIG_PATH="$LTX_PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
    LD_LIBRARY_PATH="$LTX_PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    : "${LTX_MOCK:=$LTX_PREFIX/bin/ltx-mock}"
fi
if [ -z "${LTX_MOCK:-}" ]; then
    LTX_MOCK=$(command -v ltx-mock || true)
fi
: "${LTX_SOURCE_DIR:=$(cd ../.. && pwd)}"
: "${CARGO:=/usr/bin/cargo}"
: "${RUSTC:=/usr/bin/rustc}"
: "${RUSTDOC:=/usr/bin/rustdoc}"
export PKG_CONFIG_PATH="${PKG_CONFIG_PATH:-}" LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}"
export LTX_MOCK LTX_SOURCE_DIR RUSTC RUSTDOC
export CARGO_NET_OFFLINE=true

fail() { echo "run-tests.sh: $*" >&2; exit 1; }
[ -x "$CARGO" ] || fail "no $CARGO (apt-get install cargo rustc)"
pkg-config --exists ltx || fail "pkg-config finds no ltx.pc (set LTX_PREFIX or PKG_CONFIG_PATH)"
[ -n "$LTX_MOCK" ] && [ -x "$LTX_MOCK" ] || fail "no ltx-mock program (set LTX_MOCK or LTX_PREFIX)"
[ -f "$LTX_SOURCE_DIR/tests/data/sample.mp4" ] || fail "no tests/data/sample.mp4 in $LTX_SOURCE_DIR"

# Cargo.lock is not committed; one written by a newer cargo (version 4) breaks cargo 1.65.
if [ -f Cargo.lock ] && grep -q '^version = 4' Cargo.lock; then
    echo "run-tests.sh: removing a version 4 Cargo.lock that this cargo cannot read"
    rm -f Cargo.lock
fi

echo "$("$CARGO" --version); $("$RUSTC" --version); libltx $(pkg-config --modversion ltx) ($(pkg-config --variable=libdir ltx))"
# shellcheck disable=SC2086
"$CARGO" test --offline --workspace --no-fail-fast ${CARGO_TEST_FLAGS:-}

# Both crates package for crates.io as they stand: metadata, license, readme, links key.
# --allow-dirty: CI and developers run this on trees with uncommitted work.
for crate in ltx-sys ltx; do
    "$CARGO" package --offline --no-verify --allow-dirty --quiet -p "$crate"
done
echo "rust: cargo package made $(cd "${CARGO_TARGET_DIR:-target}/package" && ls ./*.crate | tr '\n' ' ')"

# clippy, where the toolchain has it (Debian 12's cargo does not): no warning, in particular
# no result_large_err (ltx::Error boxes its details).
if "$CARGO" clippy --version >/dev/null 2>&1; then
    "$CARGO" clippy --offline --workspace --all-targets --quiet -- -D warnings
fi
