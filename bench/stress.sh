#!/usr/bin/env bash
# bench/stress.sh — the long thread-safety test: THREADS threads share one client, PER
# generations each, every output checked byte for byte; then the same under TSan and helgrind.
# The batch stress beside it: BATCH_THREADS threads each run their own batch of BATCH_PER
# entries on one shared client, half of them uploading a shared local file
# (bench/ltx_batches.c), natively, under TSan and under helgrind.
#
#   bench/stress.sh        (THREADS=32 PER=200; TSAN_PER=PER; HELGRIND_THREADS=8 HELGRIND_PER=5)
#   SKIP_TSAN=1 SKIP_HELGRIND=1 bench/stress.sh     only the native run
#
# ltx-mock with its default job timing (pending, processing, completed over 3 polls);
# the client polls every 1 ms. Threads rotate through path, fd, memory and callback
# sinks. TSan: libltx is rebuilt with clang -fsanitize=thread in $BENCH_WORK/tsan (a
# copy of LTX_BUILD) and bench/ltx_threads.c with it; libcurl and jansson are not
# instrumented, so the run checks libltx's own shared state (client, pool, share locks).
# helgrind: the normal build under valgrind --tool=helgrind with tests/valgrind.supp and
# bench/helgrind.supp, then the same with the client's shared connection cache left out
# (bench/whatif_noshareconn.c, a proposed fix simulated without editing lib/).
source "$(dirname "$0")/lib.sh"

THREADS=${THREADS:-32}
PER=${PER:-200}
TSAN_THREADS=${TSAN_THREADS:-$THREADS}
TSAN_PER=${TSAN_PER:-$PER}
HELGRIND_THREADS=${HELGRIND_THREADS:-8}
HELGRIND_PER=${HELGRIND_PER:-5}
BATCH_THREADS=${BATCH_THREADS:-8}
BATCH_PER=${BATCH_PER:-200}
OUTD=$BENCH_WORK/stress
EXPECTED=$LTX_SRC/tests/data/sample.mp4
verdict=0

check_build # only what this script runs (build_helpers also builds the other benchmarks)
compile ltx_threads ltx_threads.c connect_count.c -- -lltx -rdynamic -ldl
compile ltx_threads_whatif_noshareconn ltx_threads.c connect_count.c whatif_noshareconn.c -- \
    -lltx $(pkg-config --libs libcurl) -rdynamic -ldl
compile ltx_batches ltx_batches.c -- -lltx
rm -rf "$OUTD" && mkdir -p "$OUTD"
machine_line
start_mock

echo "stress: $THREADS threads x $PER generations, one client"
if "$BENCH_BIN/ltx_threads" "$MOCK_URL" "$THREADS" "$PER" "$OUTD" "$EXPECTED" 1 > "$OUTD/native.out" 2> "$OUTD/native.err"; then
    echo "native: PASS  $(cat "$OUTD/native.out")"
else
    echo "native: FAIL  $(cat "$OUTD/native.out"); first errors:"; head -5 "$OUTD/native.err"; verdict=1
fi

echo "batch stress: $BATCH_THREADS threads x a batch of $BATCH_PER entries, one client"
if "$BENCH_BIN/ltx_batches" "$MOCK_URL" "$BATCH_THREADS" "$BATCH_PER" "$OUTD" "$EXPECTED" 1 > "$OUTD/batches.out" 2> "$OUTD/batches.err"; then
    echo "batches native: PASS  $(cat "$OUTD/batches.out")"
else
    echo "batches native: FAIL  $(cat "$OUTD/batches.out"); first errors:"; head -5 "$OUTD/batches.err"; verdict=1
fi

# tsan_run NAME BINARY THREADS PER: run an instrumented program, count TSan's reports.
tsan_run() {
    local name=$1 bin=$2 th=$3 per=$4 races
    TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 history_size=4" \
        "$bin" "$MOCK_URL" "$th" "$per" "$OUTD" "$EXPECTED" 1 > "$OUTD/$name.out" 2> "$OUTD/$name.err" || true
    races=$(grep -c '^WARNING: ThreadSanitizer' "$OUTD/$name.err" || true)
    if [ "$races" = 0 ] && grep -q "ok=$((th * per)) " "$OUTD/$name.out"; then
        echo "$name ($th x $per): CLEAN  $(cat "$OUTD/$name.out")"
        return 0
    fi
    echo "$name ($th x $per): $races reports  $(cat "$OUTD/$name.out"); see $OUTD/$name.err"
    grep -A12 '^WARNING: ThreadSanitizer' "$OUTD/$name.err" | head -40
    return 1
}

if [ -z "${SKIP_TSAN:-}" ]; then
    TS=$BENCH_WORK/tsan
    if command -v clang >/dev/null; then
        echo "tsan: building libltx with clang -fsanitize=thread in $TS ..."
        rm -rf "$TS" && cp -a "$LTX_BUILD" "$TS"
        if (cd "$TS" && ./configure --quiet CC=clang CFLAGS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer" \
                LDFLAGS=-fsanitize=thread && make clean >/dev/null && make -j2 lib/libltx.la) > "$OUTD/tsan-build.log" 2>&1; then
            clang -std=c11 -O1 -g -fsanitize=thread -pthread -I"$TS/include" -I"$LTX_SRC/include" \
                -o "$BENCH_BIN/ltx_threads_tsan" "$BENCH_SRC/ltx_threads.c" \
                -L"$TS/lib/.libs" -Wl,-rpath,"$TS/lib/.libs" -lltx
            clang -std=c11 -O1 -g -fsanitize=thread -pthread -I"$TS/include" -I"$LTX_SRC/include" \
                -o "$BENCH_BIN/ltx_batches_tsan" "$BENCH_SRC/ltx_batches.c" \
                -L"$TS/lib/.libs" -Wl,-rpath,"$TS/lib/.libs" -lltx
            tsan_run tsan "$BENCH_BIN/ltx_threads_tsan" "$TSAN_THREADS" "$TSAN_PER" || verdict=1
            tsan_run tsan-batches "$BENCH_BIN/ltx_batches_tsan" "$BATCH_THREADS" "$BATCH_PER" || verdict=1
        else
            echo "tsan: the instrumented build failed; see $OUTD/tsan-build.log"; verdict=1
        fi
    else
        echo "tsan: SKIPPED (no clang; apt-get install clang)"
    fi
fi

# helgrind_run NAME BINARY: run it, count the races left after the suppressions, and sort
# them by where they happen (the first frame that names a function).
helgrind_run() {
    local name=$1 bin=$2 errs
    valgrind --tool=helgrind --suppressions="$LTX_SRC/tests/valgrind.supp" \
        --suppressions="$BENCH_SRC/helgrind.supp" \
        "$bin" "$MOCK_URL" "$HELGRIND_THREADS" "$HELGRIND_PER" "$OUTD" "$EXPECTED" 1 \
        > "$OUTD/$name.out" 2> "$OUTD/$name.err" || true
    errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$OUTD/$name.err" | tail -1)
    if [ "${errs:-x}" = 0 ] && grep -q "ok=$((HELGRIND_THREADS * HELGRIND_PER)) " "$OUTD/$name.out"; then
        echo "$name ($HELGRIND_THREADS x $HELGRIND_PER): CLEAN  $(cat "$OUTD/$name.out")"
        return 0
    fi
    echo "$name ($HELGRIND_THREADS x $HELGRIND_PER): ${errs:-?} errors  $(cat "$OUTD/$name.out"); see $OUTD/$name.err"
    awk '/Possible data race|lock order|unlocked a not-locked|Thread #[0-9]+: /{want = 1; next}
         want && /(at|by) 0x/ {
             where = "";
             if ($0 ~ /curl_multi_perform|curl_easy_perform/) where = "inside libcurl transfers (curl_multi_perform)";
             else if ($0 ~ /libjansson/) where = "jansson";
             else if (match($0, /: [A-Za-z_][A-Za-z0-9_]* \(/)) where = substr($0, RSTART + 2, RLENGTH - 4);
             if (where != "") { n[where]++; want = 0 }
         }
         END { for (w in n) printf "    %5d  %s\n", n[w], w }' "$OUTD/$name.err" | sort -rn
    return 1
}

if [ -z "${SKIP_HELGRIND:-}" ]; then
    if command -v valgrind >/dev/null; then
        helgrind_run helgrind "$BENCH_BIN/ltx_threads" || verdict=1
        helgrind_run helgrind-batches "$BENCH_BIN/ltx_batches" || verdict=1
        # the proposed fix for the libcurl reports, simulated (bench/whatif_noshareconn.c)
        helgrind_run helgrind-whatif-noshareconn "$BENCH_BIN/ltx_threads_whatif_noshareconn" || true
    else
        echo "helgrind: SKIPPED (apt-get install valgrind)"
    fi
fi
stop_mock
echo "stress verdict: $([ $verdict = 0 ] && echo PASS || echo FAIL)"
exit $verdict
