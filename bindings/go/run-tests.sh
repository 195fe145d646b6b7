#!/bin/sh
# bindings/go/run-tests.sh — vet and test the Go binding against an installed libltx and ltx-mock.
#
# Environment (all optional):
#   LTX_PREFIX       an installation prefix of libltx; when set, $LTX_PREFIX/lib/pkgconfig is
#                    added to PKG_CONFIG_PATH, $LTX_PREFIX/lib to LD_LIBRARY_PATH, and LTX_MOCK
#                    defaults to $LTX_PREFIX/bin/ltx-mock
#   PKG_CONFIG_PATH  where ltx.pc is, when not in pkg-config's default path (/usr, /usr/local)
#   LD_LIBRARY_PATH  where libltx.so is, when the dynamic linker does not find it by itself
#   LTX_MOCK         the ltx-mock program (default: $LTX_PREFIX/bin/ltx-mock, else from PATH)
#   LTX_SOURCE_DIR   the libltx source tree holding tests/data/sample.mp4 (default: ../..)
#   GO               the go program (default: Debian's /usr/bin/go)
#   GO_TEST_FLAGS    extra flags for `go test`, e.g. -race or -v
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
if [ -z "${GO:-}" ]; then
    if [ -x /usr/bin/go ]; then GO=/usr/bin/go; else GO=go; fi
fi
export PKG_CONFIG_PATH="${PKG_CONFIG_PATH:-}" LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}"
export LTX_MOCK LTX_SOURCE_DIR

# No module downloads: the binding has no dependencies.
export GOPROXY=off GOFLAGS=-mod=mod CGO_ENABLED=1

fail() { echo "run-tests.sh: $*" >&2; exit 1; }
pkg-config --exists ltx || fail "pkg-config finds no ltx.pc (set LTX_PREFIX or PKG_CONFIG_PATH)"
[ -n "$LTX_MOCK" ] && [ -x "$LTX_MOCK" ] || fail "no ltx-mock program (set LTX_MOCK or LTX_PREFIX)"
[ -f "$LTX_SOURCE_DIR/tests/data/sample.mp4" ] || fail "no tests/data/sample.mp4 in $LTX_SOURCE_DIR"

echo "go: $("$GO" version); libltx $(pkg-config --modversion ltx) ($(pkg-config --variable=libdir ltx))"
unformatted=$(gofmt -l . 2>/dev/null || true)
[ -z "$unformatted" ] || fail "not gofmt-formatted: $unformatted"
"$GO" vet ./...
# shellcheck disable=SC2086
"$GO" test -count=1 ${GO_TEST_FLAGS:-} ./...

# go doc shows each constant's value, not C.LTX_...
"$GO" doc . CodeContent | grep -q 'CodeContent *Code = 422' || fail "go doc hides CodeContent's value"

# As a user's module would: a scratch module requiring the real module path, resolved
# offline through a replace line (what the README shows before the module is published).
scratch=$(mktemp -d)
mock_pid=""
cleanup() {
    if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT
{
    echo "module example.com/ltxuser"
    echo
    echo "go 1.19"
    echo
    echo "require github.com/libltx/libltx/bindings/go v0.1.0"
    echo
    echo "replace github.com/libltx/libltx/bindings/go => $here"
} >"$scratch/go.mod"
cp testdata/usermod/main.go "$scratch/main.go"
# the README's complete example (its go block that starts with "package main") builds as written
mkdir "$scratch/readme"
awk '/^```go$/ { inblock = 1; buf = ""; next }
     /^```$/ && inblock { inblock = 0; if (buf ~ /^package main/) { printf "%s", buf; exit } next }
     inblock { buf = buf $0 "\n" }' README.md >"$scratch/readme/main.go"
grep -q '^package main' "$scratch/readme/main.go" || fail "README.md has no complete example"
(cd "$scratch" && "$GO" vet ./... && "$GO" build -o ltxuser . && "$GO" build -o /dev/null ./readme)
"$LTX_MOCK" --port 0 --port-file "$scratch/port" --quiet &
mock_pid=$!
i=0
while [ ! -s "$scratch/port" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$scratch/port" ] || fail "ltx-mock wrote no port file"
LTX_BASE_URL="http://127.0.0.1:$(cat "$scratch/port")" "$scratch/ltxuser" >"$scratch/out.mp4"
cmp -s "$scratch/out.mp4" "$LTX_SOURCE_DIR/tests/data/sample.mp4" ||
    fail "the scratch module's output differs from the mock's video"
echo "go: a scratch module using github.com/libltx/libltx/bindings/go (replace line) built and ran"
