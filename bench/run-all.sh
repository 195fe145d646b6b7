#!/usr/bin/env bash
# bench/run-all.sh — every benchmark, one after another, into one report.
#
#   LTX_BUILD=/path/to/built/tree bench/run-all.sh      (report: $BENCH_WORK/report.txt)
#
# Each benchmark prints its ratios and whether its goal holds; see bench/README.md.
# Exits non-zero if a benchmark could not run (not when a goal is missed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=${BENCH_WORK:-/tmp/ltx-bench}
mkdir -p "$work"
report=$work/report.txt
: > "$report"
status=0
for b in download per-request concurrency stress; do
    echo "==== bench/$b.sh" | tee -a "$report"
    "$here/$b.sh" 2>&1 | tee -a "$report"
    rc=${PIPESTATUS[0]}
    # stress.sh exits 1 when a run is not clean: a finding, reported above
    if [ "$rc" != 0 ] && [ "$b" != stress ]; then status=1; fi
    echo | tee -a "$report"
done
echo "==== summary" | tee -a "$report"
grep -E '^ratio|^peak RSS|^connections|^tsan|^helgrind|^native|^stress verdict|^batch API' "$report" | tee -a "$report.summary"
cat "$report.summary" >> "$report" && rm -f "$report.summary"
echo "report: $report"
exit $status
