# bench/lib.sh — sourced by the benchmark scripts: build the helpers, start/stop ltx-mock, stats.
#
# Environment:
#   LTX_BUILD   a configured and built libltx tree (default: the tree this bench/ is in)
#   BENCH_WORK  scratch directory for binaries, data and outputs (default /tmp/ltx-bench)
#   CC          C compiler (default cc)

set -eu

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LTX_SRC=$(cd "$BENCH_SRC/.." && pwd)
LTX_BUILD=${LTX_BUILD:-$LTX_SRC}
BENCH_WORK=${BENCH_WORK:-/tmp/ltx-bench}
BENCH_BIN=$BENCH_WORK/bin
CC=${CC:-cc}
MOCK_PID=
MOCK_URL=

die() { echo "bench: $*" >&2; exit 1; }

check_build() {
    [ -e "$LTX_BUILD/lib/.libs/libltx.so" ] ||
        die "no built library in $LTX_BUILD (set LTX_BUILD to a built tree; see bench/README.md)"
    [ -x "$LTX_BUILD/tools/ltx-mock/ltx-mock" ] ||
        die "no ltx-mock in $LTX_BUILD (configure found no libmicrohttpd?)"
}

# compile NAME SOURCES... [-- EXTRA FLAGS]: one helper against the build tree's library.
compile() {
    local name=$1; shift
    local srcs=() extra=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do srcs+=("$BENCH_SRC/$1"); shift; done
    [ $# -gt 0 ] && { shift; extra=("$@"); }
    mkdir -p "$BENCH_BIN"
    $CC -std=c11 -O2 -g -Wall -Wextra -pthread \
        -I"$LTX_BUILD/include" -I"$LTX_SRC/include" \
        -o "$BENCH_BIN/$name" "${srcs[@]}" \
        -L"$LTX_BUILD/lib/.libs" -Wl,-rpath,"$LTX_BUILD/lib/.libs" \
        "${extra[@]}"
}

build_helpers() {
    check_build
    compile runstat runstat.c -- 
    compile ltx_download ltx_download.c -- -lltx
    compile ltx_loop ltx_loop.c connect_count.c -- -lltx -rdynamic -ldl
    compile raw_libcurl raw_libcurl.c connect_count.c -- $(pkg-config --libs libcurl) -rdynamic -ldl
    compile ltx_threads ltx_threads.c connect_count.c -- -lltx -rdynamic -ldl
    # what-if builds: a proposed library change, simulated by interposition (see each file)
    compile ltx_threads_whatif_curlopts ltx_threads.c connect_count.c whatif_curlopts.c -- \
        -lltx $(pkg-config --libs libcurl) -rdynamic -ldl
    compile ltx_download_whatif_curlopts ltx_download.c whatif_curlopts.c -- \
        -lltx $(pkg-config --libs libcurl) -rdynamic -ldl
    compile ltx_threads_whatif_noshareconn ltx_threads.c connect_count.c whatif_noshareconn.c -- \
        -lltx $(pkg-config --libs libcurl) -rdynamic -ldl
    compile ltx_threads_whatif_serialize ltx_threads.c connect_count.c whatif_serialize.c -- \
        -lltx $(pkg-config --libs libcurl) -rdynamic -ldl
}

# Build bench/ltx_batch.c if the library exports the batch API; returns 1 otherwise.
build_batch() {
    if ! nm -D --defined-only "$LTX_BUILD/lib/.libs/libltx.so" 2>/dev/null | grep -Eq ' ltx_batch_run(@.*)?$'; then
        return 1
    fi
    compile ltx_batch ltx_batch.c connect_count.c -- -lltx -rdynamic -ldl
}

# start_mock ARGS...: ltx-mock on an ephemeral 127.0.0.1 port; sets MOCK_PID and MOCK_URL.
start_mock() {
    local pf="$BENCH_WORK/mock.port.$$"
    rm -f "$pf"
    mkdir -p "$BENCH_WORK"
    "$LTX_BUILD/tools/ltx-mock/ltx-mock" --port 0 --port-file "$pf" --quiet "$@" >/dev/null &
    MOCK_PID=$!
    for _ in $(seq 1 600); do
        [ -s "$pf" ] && break
        kill -0 "$MOCK_PID" 2>/dev/null || die "ltx-mock exited at start"
        sleep 0.1
    done
    [ -s "$pf" ] || die "ltx-mock did not start"
    MOCK_URL="http://127.0.0.1:$(cat "$pf")"
    rm -f "$pf"
}

stop_mock() {
    if [ -n "$MOCK_PID" ]; then
        kill "$MOCK_PID" 2>/dev/null || true
        wait "$MOCK_PID" 2>/dev/null || true
        MOCK_PID=
    fi
}

# Peak RSS of the mock process, KiB (VmHWM).
mock_hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$MOCK_PID/status"; }

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# field NAME < "a=1 b=2": the value of NAME=
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.3f\n", a / b }'; }

# holds OP A B: "yes" when A OP B (numerically)
holds() { awk -v a="$2" -v b="$3" -v op="$1" 'BEGIN { r = (op == ">=") ? a >= b : (op == "<") ? a < b : (op == "<=") ? a <= b : 0; print r ? "yes" : "NO" }'; }

machine_line() {
    echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -r); $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "libcurl $(pkg-config --modversion libcurl), libltx built in $LTX_BUILD (commit $(git -C "$LTX_BUILD" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$LTX_BUILD" diff --quiet HEAD -- lib include 2>/dev/null || echo ', lib/ or include/ modified'))"
}

trap stop_mock EXIT
