#!/usr/bin/env bash
# bench/batch-scale.sh — the batch loop's own cost per entry, at 1k, 10k and 100k entries.
#
#   bench/batch-scale.sh          (NS="1000 10000 100000" CONC=64)
#
# One ltx_batch_run() of N text-to-video entries (bench/ltx_batch.c, fixed 1 ms polls,
# CONC in flight) against ltx-mock (default job timing: submit, 3 polls, download), under
# callgrind, collecting only inside ltx_batch_run(). Reported per entry:
#   loop_Ir   instructions spent in the batch's own code (self cost of the functions of
#             lib/batch*.c): the scheduling, the entries' state machines, the bookkeeping;
#             what would grow with N if a pass looked at every entry
#   total_Ir  everything inside ltx_batch_run() (libltx, libcurl, jansson, libc)
# The goal: loop_Ir at the largest N within 1.2x of the smallest. callgrind counts are
# deterministic up to the number of polls and wake-ups, which depend on timing.
source "$(dirname "$0")/lib.sh"

NS=${NS:-"1000 10000 100000"}
CONC=${CONC:-64}
OUTD=$BENCH_WORK/batch-scale
check_build
command -v valgrind >/dev/null || die "valgrind is needed (apt-get install valgrind)"
build_batch || die "the library exports no ltx_batch_run"
rm -rf "$OUTD" && mkdir -p "$OUTD"
machine_line
start_mock
EXPECTED=$LTX_SRC/tests/data/sample.mp4

printf '%-8s %6s %10s %12s %12s %10s %10s\n' entries conc ok loop_Ir total_Ir wall_s maxrss_kb \
    > "$OUTD/table.txt"
for n in $NS; do
    BENCH_FIXED_POLL=1 valgrind --tool=callgrind --toggle-collect='ltx_batch_run' \
        --callgrind-out-file="$OUTD/callgrind.$n" \
        "$BENCH_BIN/ltx_batch" "$MOCK_URL" "$n" "$CONC" "$OUTD" "$EXPECTED" 1 \
        > "$OUTD/$n.out" 2> "$OUTD/$n.err" || die "N=$n failed: $(tail -3 "$OUTD/$n.err")"
    total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$OUTD/$n.err")
    loop=$(callgrind_annotate --inclusive=no --auto=no --threshold=100 "$OUTD/callgrind.$n" \
               2>/dev/null | awk '/lib\/batch[a-z_]*\.c:/ { gsub(",", "", $1); s += $1 } END { print s + 0 }')
    printf '%-8s %6s %10s %12d %12d %10s %10s\n' "$n" "$CONC" "$(field ok < "$OUTD/$n.out")" \
        $((loop / n)) $((total / n)) "$(field wall_s < "$OUTD/$n.out")" \
        "$(field maxrss_kb < "$OUTD/$n.out")" >> "$OUTD/table.txt"
done
stop_mock
cat "$OUTD/table.txt"
first=$(awk 'NR == 2 { print $4 }' "$OUTD/table.txt")
last=$(awk 'END { print $4 }' "$OUTD/table.txt")
r=$(ratio "$last" "$first")
echo "ratio loop Ir per entry, largest/smallest N: $r  (goal <= 1.2: $(holds '<=' "$r" 1.2))"
echo "batch functions, self instructions per entry at the largest N (top 12):"
n=$(echo "$NS" | awk '{ print $NF }')
callgrind_annotate --inclusive=no --auto=no --threshold=100 "$OUTD/callgrind.$n" 2>/dev/null |
    awk -v n="$n" '/lib\/batch[a-z_]*\.c:/ { gsub(",", "", $1); for (i = 2; i <= NF; i++) if ($i ~ /lib\/batch/) f = $i; sub(/^.*lib\//, "lib/", f); printf "  %9.1f  %s\n", $1 / n, f }' |
    head -12
echo "profiles: $OUTD/callgrind.N (callgrind_annotate FILE)"
