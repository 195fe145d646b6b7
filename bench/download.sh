#!/usr/bin/env bash
# bench/download.sh — goal 1: a 1 GiB result through ltx_generate() vs `curl -o`, and peak RSS.
#
#   bench/download.sh            (RUNS=7 SIZES_MIB="1 1024" by default)
#
# ltx-mock serves a random file of each size as the generated video (--video; jobs
# complete at once: --pending-ms 1). Each round runs, in alternating order:
#   curl        curl -s -o OUT URL: the same result URL, fetched by curl
#   curl+sync   the same, then `sync OUT DIR` (fsync of the file and of its directory:
#               what a path sink guarantees)
#   ltx-path    ltx_generate(): submit, 2 polls, download into a path sink
#               (temporary file, fsync, rename, fsync of the directory)
#   ltx-fast    the same into a path sink with ltx_sink_set_durable(0): temporary file
#               and rename, no write-back, no fsync (what curl -o does)
#   ltx-fd      the same into an fd sink (no fsync, no rename)
# every one under bench/runstat (wall time and peak RSS from wait4()); OUT is deleted
# after each run. Speed ratio = median curl wall / median libltx wall (>= 0.95 wanted).
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-7}
SIZES_MIB=${SIZES_MIB:-"1 1024"}
DATA=$BENCH_WORK/data
OUT=$BENCH_WORK/dl-out.mp4
LOG=$BENCH_WORK/download.log

# only what this benchmark runs (build_helpers also builds every what-if)
check_build
compile runstat runstat.c --
compile ltx_download ltx_download.c -- -lltx
mkdir -p "$DATA"
: > "$LOG"
machine_line
echo "download: $RUNS rounds per size, alternating order; output file on $(df --output=fstype "$BENCH_WORK" | tail -1) ($BENCH_WORK)"

run_one() { # KIND SIZE URL BASE -> appends "KIND SIZE wall rss commit_s" to $LOG
    local kind=$1 size=$2 url=$3 base=$4 out line commit=-
    local dl=("$BENCH_BIN/ltx_download" generate "$base" "$OUT")
    rm -f "$OUT"
    case $kind in
    curl) out=$("$BENCH_BIN/runstat" -- curl -s -S -f -o "$OUT" "$url") ;;
    curl+sync) out=$("$BENCH_BIN/runstat" -- sh -c 'curl -s -S -f -o "$1" "$2" && sync "$1" "$(dirname "$1")"' sh "$OUT" "$url") ;;
    ltx-path) out=$("$BENCH_BIN/runstat" -- "${dl[@]}") ;;
    ltx-fd) out=$("$BENCH_BIN/runstat" -- "${dl[@]}" fd) ;;
    ltx-fast) out=$("$BENCH_BIN/runstat" -- "${dl[@]}" path-fast) ;;
    esac
    line=$(echo "$out" | tail -1)
    case $kind in ltx-path|ltx-fast) commit=$(echo "$out" | head -1 | field commit_s) ;; esac
    [ "$(echo "$line" | field rc)" = 0 ] || die "$kind failed: $out"
    [ "$(stat -c %s "$OUT")" = $((size * 1048576)) ] || die "$kind wrote $(stat -c %s "$OUT") bytes, not $((size * 1048576))"
    rm -f "$OUT"
    echo "$kind $size $(echo "$line" | field wall_s) $(echo "$line" | field maxrss_kb) $commit" >> "$LOG"
}

for size in $SIZES_MIB; do
    file=$DATA/random-${size}m.mp4
    if [ ! -s "$file" ] || [ "$(stat -c %s "$file")" != $((size * 1048576)) ]; then
        head -c $((size * 1048576)) /dev/urandom > "$file"
    fi
    start_mock --video "$file" --pending-ms 1
    read -r _ url < <("$BENCH_BIN/ltx_download" url "$MOCK_URL")
    kinds=(curl ltx-path curl+sync ltx-fd ltx-fast)
    for round in $(seq 1 "$RUNS"); do
        if [ $((round % 2)) = 1 ]; then order=(0 1 2 3 4); else order=(4 3 2 1 0); fi
        for k in "${order[@]}"; do run_one "${kinds[$k]}" "$size" "$url" "$MOCK_URL"; done
    done
    echo "ltx-mock peak RSS serving ${size} MiB: $(mock_hwm_kb) KiB (it holds the whole video in memory)"
    stop_mock
done

med() { awk -v k="$1" -v s="$2" '$1 == k && $2 == s {print $3}' "$LOG" | median; }
commit() { awk -v k="$1" -v s="$2" '$1 == k && $2 == s {print $5}' "$LOG" | median; }
maxrss() { awk -v k="$1" -v s="$2" '$1 == k && $2 == s && $4 > m {m = $4} END {print m + 0}' "$LOG"; }

echo
printf '%-12s %8s %13s %9s %14s %10s\n' tool size_MiB median_wall_s MiB_per_s peak_rss_KiB fsync_s
for size in $SIZES_MIB; do
    for k in curl curl+sync ltx-path ltx-fast ltx-fd; do
        w=$(med "$k" "$size")
        c=-; case $k in ltx-path|ltx-fast) c=$(commit "$k" "$size") ;; esac
        printf '%-12s %8s %13s %9s %14s %10s\n' "$k" "$size" "$w" \
            "$(awk -v s="$size" -v w="$w" 'BEGIN {printf "%.0f", s / w}')" "$(maxrss "$k" "$size")" "$c"
    done
done
echo "(fsync_s: median time from the last in-stream progress report to the end of the call: fsync, close, rename, directory fsync)"
echo
big=$(echo "$SIZES_MIB" | tr ' ' '\n' | sort -n | tail -1)
small=$(echo "$SIZES_MIB" | tr ' ' '\n' | sort -n | head -1)
speed_path=$(ratio "$(med curl "$big")" "$(med ltx-path "$big")")
speed_fd=$(ratio "$(med curl "$big")" "$(med ltx-fd "$big")")
speed_sync=$(ratio "$(med curl+sync "$big")" "$(med ltx-path "$big")")
speed_fast=$(ratio "$(med curl "$big")" "$(med ltx-fast "$big")")
rss_big=$(maxrss ltx-path "$big")
rss_small=$(maxrss ltx-path "$small")
echo "ratio speed ltx_generate(path sink)/curl at ${big} MiB: $speed_path  (goal >= 0.95: $(holds '>=' "$speed_path" 0.95))"
echo "ratio speed ltx_generate(path sink, not durable)/curl at ${big} MiB: $speed_fast  (goal >= 0.95: $(holds '>=' "$speed_fast" 0.95))"
echo "ratio speed ltx_generate(fd sink)/curl   at ${big} MiB: $speed_fd  (same goal: $(holds '>=' "$speed_fd" 0.95))"
echo "ratio speed ltx_generate(path sink, durable)/(curl -o + sync FILE DIR) at ${big} MiB: $speed_sync  (goal >= 1.0: $(holds '>=' "$speed_sync" 1.0); a speed ratio: above 1 is faster)"
echo "peak RSS ltx_generate: ${rss_small} KiB at ${small} MiB, ${rss_big} KiB at ${big} MiB; growth $((rss_big - rss_small)) KiB" \
     "(goal < 16384 KiB: $(holds '<' "$rss_big" 16384); flat within 1 MiB: $(holds '<' $((rss_big - rss_small)) 1024))"
echo "raw runs: $LOG"
