#!/bin/sh
# fuzz/run.sh [SECONDS] — run every libFuzzer target built by `make fuzz` for SECONDS (default
# 60) each, starting from its corpus in the source tree; new inputs go to a scratch directory,
# crashes to fuzz/crashes/. Prints each target's executions and final coverage. Exit status 1
# when any target found something.
set -u
cd "$(dirname "$0")/.."
secs=${1:-60}
status=0
mkdir -p fuzz/crashes
for t in fuzz_retry_after fuzz_answers fuzz_headers fuzz_urls fuzz_batch fuzz_media fuzz_prices; do
    bin=fuzz/bin/$t
    [ -x "$bin" ] || { echo "run.sh: $bin missing: run make fuzz first"; exit 2; }
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/ltx-fuzz.XXXXXX")
    echo "== $t, $secs s"
    "$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=fuzz/crashes/"$t"- -print_final_stats=1 \
        "$scratch" "fuzz/corpora/${t#fuzz_}" >"$scratch.log" 2>&1
    rc=$?
    grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)' "$scratch.log" | tail -n 2
    grep -E '^stat::(number_of_executed_units|new_units_added)' "$scratch.log"
    if [ $rc -ne 0 ]; then
        status=1
        tail -n 40 "$scratch.log"
    fi
    rm -rf "$scratch" "$scratch.log"
done
ls fuzz/crashes/* >/dev/null 2>&1 && { echo "run.sh: crashes in fuzz/crashes/"; status=1; }
exit $status
