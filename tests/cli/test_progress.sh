#!/bin/sh
# tests/cli/test_progress.sh — the live progress line under a pseudo-terminal (script(1)):
# against a job the mock holds for HOLD seconds, the line changes every second while the
# mock sees no more polls than --poll-interval allows. Counts, never times.
. "${top_srcdir:-.}/tests/mock-env.sh"
LTX="$top_builddir/tools/ltx/ltx"
T2V="--prompt 'A lighthouse at dusk' --model ltx-2-3-fast --duration 6 --resolution 1920x1080"
HOLD=6 INTERVAL_MS=3000
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
mstat() { curl -sf "$LTX_BASE_URL/_mock/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

command -v curl >/dev/null 2>&1 || { echo "curl not found"; exit 99; }
command -v script >/dev/null 2>&1 || { echo "script (bsdutils) not found"; exit 99; }

# the lines a terminal shows: split at carriage returns, escape sequences removed
screen_lines() { tr '\r' '\n' <"$1" | sed 's/\x1b\[K//g' | grep -v '^ *$' | grep -v '^Script '; }

curl -sf -X POST "$LTX_BASE_URL/_mock/reset" >/dev/null
curl -sf -X POST "$LTX_BASE_URL/_mock/hold" >/dev/null
(
    sleep $HOLD
    mstat polls >"$WORK/polls-held"
    curl -sf -X DELETE "$LTX_BASE_URL/_mock/hold" >/dev/null
) &
releaser=$!
TERM=xterm script -qfec "$LTX --poll-interval $INTERVAL_MS text-to-video $T2V -o '$WORK/v.mp4'" \
    "$WORK/tty" >/dev/null 2>&1
rc=$?
wait $releaser
polls=$(cat "$WORK/polls-held" 2>/dev/null || echo 999)
screen_lines "$WORK/tty" >"$WORK/lines"
elapsed=$(grep -c 'elapsed$' "$WORK/lines")
distinct=$(grep 'pending, .* elapsed$' "$WORK/lines" | sort -u | wc -l) # while held

[ $rc -eq 0 ] && [ -s "$WORK/v.mp4" ] && ok "the job ends and the video is written under a terminal" ||
    fail "exit $rc: $(cat "$WORK/lines")"
[ "$distinct" -ge $((HOLD - 1)) ] && ok "$distinct distinct progress lines while held $HOLD s" ||
    fail "only $distinct distinct progress lines: $(cat "$WORK/lines")"
[ "$polls" -le $((HOLD * 1000 / INTERVAL_MS + 2)) ] &&
    ok "$polls polls while held: no more than the interval allows" || fail "$polls polls in $HOLD s"
grep -q 'pending, 0:0[2-9] elapsed' "$WORK/lines" && ok "the held job reads pending, with seconds that move" ||
    fail "no moving elapsed time: $(cat "$WORK/lines")"
grep -q 'wrote ' "$WORK/lines" && ok "the summary line follows" || fail "no summary: $(cat "$WORK/lines")"
[ "$elapsed" -ge 1 ] || fail "no progress line at all"

# TERM=dumb, and standard error not a terminal: nothing but the summary, no erase sequence
TERM=dumb script -qfec "$LTX --poll-interval 50 text-to-video $T2V -o '$WORK/d.mp4'" "$WORK/dumb" >/dev/null 2>&1
if ! grep -q "$(printf '\033')" "$WORK/dumb" && ! grep -q elapsed "$WORK/dumb" && grep -q 'wrote ' "$WORK/dumb"; then
    ok "TERM=dumb: no progress line, no escape sequence"
else
    fail "TERM=dumb: $(cat -v "$WORK/dumb")"
fi
eval "$LTX --poll-interval 50 text-to-video $T2V -o '$WORK/p.mp4'" 2>"$WORK/pipe" >/dev/null
[ "$(wc -l <"$WORK/pipe")" -eq 1 ] && grep -q '^wrote ' "$WORK/pipe" && ! grep -q "$(printf '\033')" "$WORK/pipe" &&
    ok "standard error not a terminal: the summary line only" || fail "pipe: $(cat -v "$WORK/pipe")"

# ltx batch on a terminal: one line, n of N done, failed, in flight and the estimated spend
i=1
: >"$WORK/b.jsonl"
while [ $i -le 4 ]; do
    printf '{"id":"b%d","prompt":"shot %d","model":"ltx-2-3-fast","duration":6,"resolution":"1920x1080"}\n' $i $i >>"$WORK/b.jsonl"
    i=$((i + 1))
done
TERM=xterm script -qfec "$LTX batch --poll-interval 300 '$WORK/b.jsonl' --output-dir '$WORK/bt'" "$WORK/btty" >/dev/null 2>&1
screen_lines "$WORK/btty" >"$WORK/blines"
grep -q '^[0-4] of 4 done, 0 failed, [0-2] in flight, estimated \$1.44$' "$WORK/blines" &&
    grep -q '^4 done, 0 failed, 0 unknown; estimated spend \$1.44$' "$WORK/blines" &&
    ok "ltx batch on a terminal: n of N done, in flight, the estimated spend, then the summary" ||
    fail "batch line: $(cat "$WORK/blines")"
"$LTX" batch --poll-interval 50 "$WORK/b.jsonl" --output-dir "$WORK/bp" 2>"$WORK/bpipe" >/dev/null
[ "$(wc -l <"$WORK/bpipe")" -eq 1 ] && grep -q '^4 done' "$WORK/bpipe" &&
    ok "ltx batch off a terminal: the summary line only" || fail "batch pipe: $(cat "$WORK/bpipe")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
