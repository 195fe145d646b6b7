#!/usr/bin/env bash
# bench/concurrency.sh — goal 3: 32 generations at once, by 32 threads on one client and by
# the single-threaded batch API, against a mock with a fixed per-job latency.
#
#   bench/concurrency.sh      (JOBS=32 RUNS=5 PENDING_MS=100 PROCESSING_MS=100 POLL_MS=10
#                              SERVER_MS=10)
#
# ltx-mock keeps each job pending PENDING_MS then processing PROCESSING_MS after its
# submit, whatever the load, and answers every request SERVER_MS late (a "delay" fault on
# every path: the server's own time per request, spent sleeping in the server's thread for
# that connection, so that requests can overlap); the client polls every POLL_MS. Short
# jobs and many requests make the time spent in requests a large share of a generation, so
# that a library which does not overlap requests cannot pass: the what-if below, which
# lets one request at a time through, must FAIL the goal. Measured (medians of RUNS):
#   T1  one ltx_generate() alone                     (ltx_threads URL 1 1)
#   Wt  JOBS threads, one ltx_generate() each, one client   (ltx_threads URL JOBS 1)
#   Wb  one ltx_batch_run() of JOBS entries, concurrency JOBS  (ltx_batch URL JOBS JOBS)
#   Ws  the JOBS threads with one request at a time in the whole process
#       (bench/whatif_serialize.c: every exchange behind one mutex), the control
# speedup = JOBS x T1 / W; ratio to ideal = speedup / JOBS = T1 / W (goal >= 0.9);
# added latency = W - T1: what running JOBS at once adds to one generation's time.
# Also reported: TCP connects, and the same 32-thread run under two proposed library
# changes simulated without editing lib/: CURLOPT_MAXCONNECTS raised to 64
# (bench/whatif_curlopts.c), and no CURL_LOCK_DATA_CONNECT in the client's share
# handle (bench/whatif_noshareconn.c).
source "$(dirname "$0")/lib.sh"

JOBS=${JOBS:-32}
RUNS=${RUNS:-5}
PENDING_MS=${PENDING_MS:-100}
PROCESSING_MS=${PROCESSING_MS:-100}
POLL_MS=${POLL_MS:-10}
SERVER_MS=${SERVER_MS:-10}
OUTD=$BENCH_WORK/concurrency
EXPECTED=$LTX_SRC/tests/data/sample.mp4

build_helpers
have_batch=yes
build_batch || have_batch=no
rm -rf "$OUTD" && mkdir -p "$OUTD"
machine_line
echo "concurrency: $JOBS jobs; mock job latency ${PENDING_MS}+${PROCESSING_MS} ms, ${SERVER_MS} ms per request; poll every ${POLL_MS} ms; medians of $RUNS"
start_mock --pending-ms "$PENDING_MS" --processing-ms "$PROCESSING_MS"
if [ "$SERVER_MS" -gt 0 ]; then
    curl -fsS -X POST -H 'Content-Type: application/json' \
        --data "{\"kind\": \"delay\", \"delay_ms\": $SERVER_MS, \"times\": 1000000000}" \
        "$MOCK_URL/_mock/faults" >/dev/null || die "cannot set the mock's per-request delay"
fi

LOG=$OUTD/runs.log
for r in $(seq 1 "$RUNS"); do
    echo "single $("$BENCH_BIN/ltx_threads" "$MOCK_URL" 1 1 "$OUTD" "$EXPECTED" "$POLL_MS")" >> "$LOG"
    echo "threads $("$BENCH_BIN/ltx_threads" "$MOCK_URL" "$JOBS" 1 "$OUTD" "$EXPECTED" "$POLL_MS")" >> "$LOG"
    echo "threads_maxconn $(BENCH_MAXCONNECTS=64 "$BENCH_BIN/ltx_threads_whatif_curlopts" "$MOCK_URL" "$JOBS" 1 "$OUTD" "$EXPECTED" "$POLL_MS")" >> "$LOG"
    echo "threads_noshare $("$BENCH_BIN/ltx_threads_whatif_noshareconn" "$MOCK_URL" "$JOBS" 1 "$OUTD" "$EXPECTED" "$POLL_MS")" >> "$LOG"
    echo "threads_serial $("$BENCH_BIN/ltx_threads_whatif_serialize" "$MOCK_URL" "$JOBS" 1 "$OUTD" "$EXPECTED" "$POLL_MS")" >> "$LOG"
    if [ $have_batch = yes ]; then
        echo "batch1 $("$BENCH_BIN/ltx_batch" "$MOCK_URL" 1 1 "$OUTD" "$EXPECTED" "$POLL_MS")" >> "$LOG"
        echo "batch $("$BENCH_BIN/ltx_batch" "$MOCK_URL" "$JOBS" "$JOBS" "$OUTD" "$EXPECTED" "$POLL_MS")" >> "$LOG"
    fi
done
stop_mock
grep -q 'failed=[1-9]\|mismatched=[1-9]' "$LOG" && die "a generation failed: see $LOG"

med() { awk -v k="$1" '$1 == k' "$LOG" | field wall_s | median; }
conn() { awk -v k="$1" '$1 == k' "$LOG" | field connects | median; }
reqs() { awk -v k="$1" '$1 == k' "$LOG" | field requests | median; }
t1=$(med single)
echo
printf '%-34s %12s %10s %10s %10s %10s\n' run median_wall_s speedup vs_ideal added_ms connects
printf '%-34s %12s %10s %10s %10s %10s\n' "1 x ltx_generate" "$t1" 1 - - "$(conn single)"
added() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", (b - a) * 1000}'; }
for k in threads threads_maxconn threads_noshare threads_serial batch; do
    [ $k = batch ] && [ $have_batch = no ] && continue
    w=$(med $k)
    case $k in
    threads) label="$JOBS threads x ltx_generate" ;;
    threads_maxconn) label="  what-if: MAXCONNECTS 64" ;;
    threads_noshare) label="  what-if: no shared conn cache" ;;
    threads_serial) label="  control: one request at a time" ;;
    batch) label="ltx_batch_run, $JOBS entries" ;;
    esac
    printf '%-34s %12s %10s %10s %10s %10s\n' "$label" "$w" "$(awk -v j="$JOBS" -v a="$t1" -v b="$w" 'BEGIN {printf "%.2f", j * a / b}')" \
        "$(ratio "$t1" "$w")" "$(added "$t1" "$w")" "$(conn $k)"
done
echo
rt=$(ratio "$t1" "$(med threads)")
echo "ratio to ideal speedup, $JOBS threads on one client: $rt  (goal >= 0.9: $(holds '>=' "$rt" 0.9)); adds $(added "$t1" "$(med threads)") ms to one generation"
rs=$(ratio "$t1" "$(med threads_serial)")
echo "control, one request at a time in the process: $rs  (goal >= 0.9: $(holds '>=' "$rs" 0.9); it must be NO, or this benchmark cannot tell)"
if [ $have_batch = yes ]; then
    rb=$(ratio "$t1" "$(med batch)")
    echo "ratio to ideal speedup, batch API ($JOBS in flight): $rb  (goal >= 0.9: $(holds '>=' "$rb" 0.9)); one-entry batch: $(med batch1) s"
else
    echo "batch API: NOT MEASURED — $LTX_BUILD/lib/.libs/libltx.so exports no ltx_batch_run (lib/batch.c not built yet); bench/ltx_batch.c is written against include/ltx/batch.h"
fi
echo "connections: $JOBS threads made $(conn threads) TCP connects for $(reqs threads) requests (ideal: <= $JOBS); what-if MAXCONNECTS 64: $(conn threads_maxconn); what-if no shared connection cache: $(conn threads_noshare)"
echo "raw runs: $LOG"
