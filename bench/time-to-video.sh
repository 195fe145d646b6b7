#!/usr/bin/env bash
# bench/time-to-video.sh — time to video added by polling, measured at the server: for each
# job, the moment its download started minus the moment it completed (ltx-mock's
# GET /_mock/jobs), and the polls it got; fixed 5 s vs adaptive, side by side in one run.
#
#   bench/time-to-video.sh      (KINDS_S="20 60 120" JITTER_MS=3000 LEARN=5 MEASURE=10 SEED=1
#                                SCENARIOS="client single", add "batch" for ltx_batch_run())
#
# Per kind (a job duration), one ltx-mock whose jobs complete after 2 s pending and the rest
# of the duration processing, plus a draw from [0, JITTER_MS] (--duration-jitter-ms, the
# draws fixed by --seed). Real time, no scaling: a 120 s kind takes ~4.5 min, and all kinds
# and schedules run at once (they sleep). Against each mock, at the same time:
#   client  one long-lived client: LEARN jobs at once, then MEASURE jobs at once (measured)
#   single  MEASURE jobs at once, each on a new client that has seen no job (no history)
#   batch   one client: a batch of LEARN entries, then a batch of MEASURE entries (measured)
# each with LTX_POLL_FIXED (5 s) and the default LTX_POLL_ADAPTIVE (interval 5 s).
# Goals: adaptive, once it has seen LEARN=5 jobs of the kind: median added wait <= 0.5 s and
# polls per job <= fixed 5 s + 1; a single job with no history no worse than fixed.
source "$(dirname "$0")/lib.sh"

KINDS_S=${KINDS_S:-"20 60 120"}
JITTER_MS=${JITTER_MS:-3000}
LEARN=${LEARN:-5}
MEASURE=${MEASURE:-10}
SEED=${SEED:-1}
SCENARIOS=${SCENARIOS:-"client single"}
LOG=$BENCH_WORK/time-to-video.log

check_build
compile ltx_ttv ltx_ttv.c -- -lltx
mkdir -p "$BENCH_WORK"
: > "$LOG"
machine_line
echo "time to video: kinds ${KINDS_S} s (+0..${JITTER_MS} ms), learn $LEARN, measure $MEASURE, seed $SEED"

declare -A MOCK_URLS MOCK_PIDS
pids=()
for k in $KINDS_S; do
    start_mock --pending-ms 2000 --processing-ms $((k * 1000 - 2000)) \
        --duration-jitter-ms "$JITTER_MS" --seed "$SEED"
    MOCK_URLS[$k]=$MOCK_URL
    MOCK_PIDS[$k]=$MOCK_PID
    MOCK_PID=
    for sched in fixed adaptive; do
        for scen in $SCENARIOS; do
            "$BENCH_BIN/ltx_ttv" "${MOCK_URLS[$k]}" "$sched" "$scen" "$LEARN" "$MEASURE" \
                > "$BENCH_WORK/ttv-$k-$sched-$scen.ids" &
            pids+=($!)
        done
    done
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ "$failed" = 0 ] || echo "bench: some generations failed (see above)" >&2

for k in $KINDS_S; do
    curl -s -f "${MOCK_URLS[$k]}/_mock/jobs" > "$BENCH_WORK/ttv-$k-jobs.json" ||
        die "GET /_mock/jobs failed"
    kill "${MOCK_PIDS[$k]}" 2>/dev/null || true; wait "${MOCK_PIDS[$k]}" 2>/dev/null || true
    for sched in fixed adaptive; do
        for scen in $SCENARIOS; do
            python3 - "$BENCH_WORK/ttv-$k-jobs.json" "$BENCH_WORK/ttv-$k-$sched-$scen.ids" \
                "$k" "$sched" "$scen" >> "$LOG" <<'PY'
import json, statistics, sys
jobs = {j["id"]: j for j in json.load(open(sys.argv[1]))["jobs"]}
ids = [l.split()[1] for l in open(sys.argv[2]) if l.startswith("measured ")]
waits = sorted(jobs[i]["download_wait_ms"] / 1000 for i in ids if jobs[i]["download_wait_ms"] is not None)
polls = [jobs[i]["polls"] for i in ids]
if not waits:
    print(sys.argv[3], sys.argv[5], sys.argv[4], 0, "nan nan nan nan")
else:
    p90 = waits[min(len(waits) - 1, int(0.9 * len(waits)))]
    print(sys.argv[3], sys.argv[5], sys.argv[4], len(waits), "%.3f %.3f %.3f %.2f" % (
        statistics.median(waits), p90, max(waits), sum(polls) / len(polls)))
PY
        done
    done
done

echo
printf '%-7s %-7s %-7s %-9s %5s %14s %11s %10s %10s\n' kind_s run history schedule jobs median_wait_s p90_wait_s max_wait_s polls/job
while read -r k scen sched n med p90 max polls; do
    printf '%-7s %-7s %-7s %-9s %5s %14s %11s %10s %10s\n' "$k" "$scen" \
        "$([ "$scen" = single ] && echo none || echo "$LEARN")" "$sched" "$n" "$med" "$p90" "$max" "$polls"
done < "$LOG"
echo "(wait: download start minus completion, at the server; polls/job: status GETs per job; each job"
echo " also costs one submit and one download on either schedule)"
echo
get() { awk -v k="$1" -v s="$2" -v c="$3" -v f="$4" '$1 == k && $2 == s && $3 == c {print $f}' "$LOG"; }
for k in $KINDS_S; do
    for scen in $SCENARIOS; do
        [ "$scen" = single ] && continue
        med=$(get "$k" "$scen" adaptive 5); pa=$(get "$k" "$scen" adaptive 8); pf=$(get "$k" "$scen" fixed 8)
        echo "kind ${k} s, $scen, after $LEARN jobs: median wait $med s (goal <= 0.5: $(holds '<=' "$med" 0.5));" \
             "polls/job $pa vs fixed $pf (goal <= fixed + 1: $(holds '<=' "$pa" "$(awk -v f="$pf" 'BEGIN {print f + 1}')"))"
    done
    case " $SCENARIOS " in *" single "*) ;; *) continue ;; esac
    ms=$(get "$k" single adaptive 5); fs=$(get "$k" single fixed 5)
    echo "kind ${k} s, no history: median wait $ms s vs fixed $fs s (goal: no worse: $(holds '<=' "$ms" "$fs"));" \
         "polls/job $(get "$k" single adaptive 8) vs fixed $(get "$k" single fixed 8)"
done
echo "raw: $LOG, $BENCH_WORK/ttv-*-jobs.json"
