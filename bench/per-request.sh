#!/usr/bin/env bash
# bench/per-request.sh — goal 2: CPU instructions per generation, libltx vs a raw libcurl program.
#
#   bench/per-request.sh          (N=2000 generations, RUNS=3 timed runs each)
#
# Against ltx-mock (default job timing: 1 poll "pending", 1 "processing", then
# "completed"; the fixture MP4 of ~14 KiB), one client / one easy handle does N
# generations: POST submit, GET poll x3, GET download into a file. Compared:
#   raw_libcurl  bench/raw_libcurl.c: one CURL handle, strstr() "parsing"
#   ltx_loop     bench/ltx_loop.c: ltx_request_* + ltx_generate() into a path sink
# Instructions come from callgrind (perf has no hardware counters in this VM), for
# the client process only (the mock is another process), and only inside
# bench_run() (--toggle-collect): process start-up and libcurl/OpenSSL init are
# excluded. Connects are counted by interposing connect() (bench/connect_count.c).
source "$(dirname "$0")/lib.sh"

N=${N:-2000}
RUNS=${RUNS:-3}
OUTD=$BENCH_WORK/per-request
build_helpers
command -v valgrind >/dev/null || die "valgrind is needed (apt-get install valgrind)"
rm -rf "$OUTD" && mkdir -p "$OUTD"
machine_line
start_mock

echo "per-request: $N generations per run; wall medians of $RUNS runs, alternating"
for r in $(seq 1 "$RUNS"); do
    "$BENCH_BIN/raw_libcurl" "$MOCK_URL" "$N" "$OUTD" | sed 's/^/raw_libcurl   /' >> "$OUTD/wall.log"
    "$BENCH_BIN/ltx_loop" "$MOCK_URL" "$N" "$OUTD" | sed 's/^/ltx_loop      /' >> "$OUTD/wall.log"
    "$BENCH_BIN/ltx_loop" "$MOCK_URL" "$N" "$OUTD" fd | sed 's/^/ltx_loop_fd   /' >> "$OUTD/wall.log"
done
cat "$OUTD/wall.log"

cg() { # NAME PROGRAM ARGS... -> prints collected Ir
    local name=$1; shift
    valgrind --tool=callgrind --toggle-collect='bench_run*' \
        --callgrind-out-file="$OUTD/callgrind.$name" "$@" > "$OUTD/$name.out" 2> "$OUTD/$name.err" ||
        die "$name under callgrind failed: $(tail -3 "$OUTD/$name.err")"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$OUTD/$name.err"
}
ir_raw=$(cg raw "$BENCH_BIN/raw_libcurl" "$MOCK_URL" "$N" "$OUTD")
ir_ltx=$(cg ltx "$BENCH_BIN/ltx_loop" "$MOCK_URL" "$N" "$OUTD")
req_raw=$(field requests < "$OUTD/raw.out")
req_ltx=$(field requests < "$OUTD/ltx.out")
stop_mock

wall() { awk -v k="$1" '$1 == k' "$OUTD/wall.log" | field wall_s | median; }
echo
printf '%-12s %14s %14s %12s %10s %14s\n' program Ir_per_gen Ir_per_request requests connects median_wall_s
printf '%-12s %14d %14d %12s %10s %14s\n' raw_libcurl $((ir_raw / N)) $((ir_raw / req_raw)) "$req_raw" \
    "$(field connects < "$OUTD/raw.out")" "$(wall raw_libcurl)"
printf '%-12s %14d %14d %12s %10s %14s\n' ltx_generate $((ir_ltx / N)) $((ir_ltx / req_ltx)) "$req_ltx" \
    "$(field connects < "$OUTD/ltx.out")" "$(wall ltx_loop)"
printf '%-12s %14s %14s %12s %10s %14s\n' "(fd sink)" - - - - "$(wall ltx_loop_fd)"
r=$(ratio "$ir_ltx" "$ir_raw")
echo
echo "ratio instructions ltx_generate/raw_libcurl: $r  (goal <= 1.25: $(holds '<=' "$r" 1.25))"
echo "ratio wall ltx_generate/raw_libcurl: $(ratio "$(wall ltx_loop)" "$(wall raw_libcurl)") (path sink, fsync per file), $(ratio "$(wall ltx_loop_fd)" "$(wall raw_libcurl)") (fd sink)"
c=$(field connects < "$OUTD/ltx.out")
echo "connections: libltx $c for $req_ltx requests, raw $(field connects < "$OUTD/raw.out") (goal: reused: $(holds '<=' "$c" 1))"
echo
echo "libltx functions, inclusive instructions per generation (callgrind, top 16):"
callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$OUTD/callgrind.ltx" 2>/dev/null |
    grep -E '/lib/[a-z]+\.c:' | awk -v n="$N" '{gsub(",", "", $1); f = ""; for (i = 2; i <= NF; i++) if ($i ~ /\/lib\/[a-z_]+\.c:/) f = $i;
        sub(/^.*\/lib\//, "lib/", f);
        if (!seen[f]++) printf "  %9d  %s\n", $1 / n, f}' | head -16
echo "profiles: $OUTD/callgrind.{raw,ltx} (callgrind_annotate --inclusive=yes FILE)"
