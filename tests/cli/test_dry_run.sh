#!/bin/sh
# tests/cli/test_dry_run.sh — a price before paying: --dry-run on every endpoint prints the body
# ltx-mock receives when run without it and sends nothing; estimates from the built-in table,
# for an unknown combination and from a user price file; ltx batch --max-cost stops at the
# budget, and a rerun counts the journal's spend.
. "${top_srcdir:-.}/tests/mock-env.sh"
LTX="$top_builddir/tools/ltx/ltx"
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ -f "$WORK/err" ] && sed 's/^/  stderr: /' "$WORK/err"; }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; } # check NAME SHELL-CONDITION
mstat() { curl -sf "$LTX_BASE_URL/_mock/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
mreset() { curl -sf -X POST "$LTX_BASE_URL/_mock/reset" >/dev/null; }
# the body of the newest request whose path starts with $1 (ASCII bodies: quotes unescaped)
mbody() {
    curl -sf "$LTX_BASE_URL/_mock/requests?path_prefix=$1&limit=1" |
        sed -n 's/.*"body":"\(.*\)","body_len".*/\1/p' | sed 's/\\"/"/g; s/\\\//\//g'
}
run() { eval "$LTX --poll-interval 50 $*" >"$WORK/out" 2>"$WORK/err"; rc=$?; }

command -v curl >/dev/null 2>&1 || { echo "curl not found"; exit 99; }

URI=https://example.com/media
T2V="--prompt 'A lighthouse at dusk' --model ltx-2-3-fast --duration 6 --resolution 1920x1080"

# every endpoint: the dry run's body is what the mock receives without it, and nothing is sent
while read -r path args; do
    mreset
    run "$args --dry-run"
    sent=$(mstat requests)
    body=$(sed -n 2p "$WORK/out")
    if [ $rc -ne 0 ] || [ "$sent" != 0 ] || [ "$(head -1 "$WORK/out")" != "POST $path" ]; then
        fail "--dry-run $path: exit $rc, $sent requests, $(cat "$WORK/out")"
        continue
    fi
    case $path in
    /v1/*) run "$args -o '$WORK/sync.mp4'" ;; # v1 answers with the video itself
    *) run "$args --no-wait" ;;
    esac
    got=$(mbody "$path")
    [ $rc -eq 0 ] && [ -n "$body" ] && [ "$body" = "$got" ] &&
        ok "--dry-run $path prints the body the mock receives, and sends nothing" ||
        fail "$path: dry run $body, sent $got (exit $rc)"
done <<EOF
/v2/text-to-video text-to-video $T2V
/v2/text-to-video text-to-video --prompt 'A lighthouse at dusk' --model ltx-2-5-pro --auto-duration --resolution 1920x1080 --fps 25 --camera-motion dolly_in --no-audio
/v2/image-to-video image-to-video --image $URI/cat.png --prompt 'The cat turns' --model ltx-2-3-pro --duration 8 --resolution 1080x1920
/v2/audio-to-video audio-to-video --audio $URI/song.mp3 --prompt 'A singer on a stage' --guidance-scale 5
/v2/retake retake --video $URI/in.mp4 --start 1 --duration 2 --prompt 'It rains' --mode replace_video
/v2/extend extend --video $URI/in.mp4 --duration 3 --mode end --context 2
/v2/video-to-video-hdr hdr --video $URI/in.mp4
/v2/video-to-video-reframe reframe --video $URI/in.mp4 --resolution 1080x1920
/v2/text-to-video submit text-to-video $T2V --set 'generate_audio=false'
/v1/text-to-video text-to-video $T2V --sync
EOF

# an invalid request under --dry-run: refused as it would be, still nothing sent
mreset
run "text-to-video --prompt x --model ltx-2-3-fast --duration 6 --resolution 12x12 --dry-run"
check "--dry-run of an invalid request: exit 3, nothing sent" '[ $rc -eq 3 ] && [ "$(mstat requests)" = 0 ]'
# no key needed to look
LTX_API_KEY= run "text-to-video $T2V --dry-run"
check "--dry-run needs no API key" '[ $rc -eq 0 ]'

# estimates: a row of the built-in table, an unknown combination, a user price file
run "text-to-video $T2V --dry-run"
check "the table's row: 6 s x \$0.06/s = \$0.36" 'grep -q "^estimate: \$0.36 (6 s x \$0.06/s" "$WORK/out"'
run "text-to-video $T2V --dry-run --json"
check "--json carries the estimate in micro-dollars" 'grep -q "\"micro_usd\":360000" "$WORK/out" && grep -q "\"known\":true" "$WORK/out"'
run "text-to-video --prompt x --model ltx-7-imaginary --duration 6 --resolution 1920x1080 --dry-run --json"
check "an unknown combination is an unknown estimate, not a guess" \
    '[ $rc -eq 0 ] && grep -q "\"known\":false" "$WORK/out" && grep -q "\"usd\":null" "$WORK/out"'
cat >"$WORK/prices.json" <<EOF
{"version": 1, "date": "2026-12-01", "rows": [
 {"endpoint": "text-to-video", "model": "ltx-2-3-fast", "resolution": "1080p",
  "unit": "output_second", "usd_per_unit": 0.05, "source": "our contract"},
 {"endpoint": "text-to-video", "model": "ltx-7-imaginary", "unit": "output_second",
  "usd_per_unit": 1.5}]}
EOF
run "text-to-video $T2V --dry-run --prices '$WORK/prices.json'"
check "--prices overrides a row: \$0.30" 'grep -q "^estimate: \$0.30 " "$WORK/out"'
LTX_PRICES="$WORK/prices.json" run "text-to-video --prompt x --model ltx-7-imaginary --duration 6 --resolution 1920x1080 --dry-run"
check "LTX_PRICES completes the table: \$9.00" 'grep -q "^estimate: \$9.00 " "$WORK/out"'
echo '{"version": 1, "rows": [' >"$WORK/bad.json"
run "text-to-video $T2V --dry-run --prices '$WORK/bad.json'"
check "a bad price file is refused, naming it: exit 2" '[ $rc -eq 2 ] && grep -q "bad.json" "$WORK/err"'

# ltx batch: --dry-run per entry and total, --max-cost, the journal's spend on a rerun
i=1
: >"$WORK/five.jsonl"
while [ $i -le 5 ]; do # $0.36 each
    printf '{"id":"s%d","prompt":"shot %d","model":"ltx-2-3-fast","duration":6,"resolution":"1920x1080"}\n' $i $i >>"$WORK/five.jsonl"
    i=$((i + 1))
done
mreset
run "batch '$WORK/five.jsonl' --dry-run --output-dir '$WORK/dry'"
check "batch --dry-run: each entry and the total \$1.80, nothing sent or written" \
    '[ $rc -eq 0 ] && [ "$(grep -c "estimate: \$0.36" "$WORK/out")" = 5 ] && grep -q "^total: \$1.80 for 5 entries" "$WORK/out" && [ "$(mstat requests)" = 0 ] && [ ! -e "$WORK/dry" ]'
run "--json batch '$WORK/five.jsonl' --dry-run --output-dir '$WORK/dry'"
check "batch --dry-run --json: the total in micro-dollars" 'grep -q "\"estimated_total_micro_usd\":1800000" "$WORK/out"'

mreset
run "batch '$WORK/five.jsonl' --output-dir '$WORK/b' --max-cost 1.00"
check "--max-cost 1.00 submits 2 of 5 entries at \$0.36: exit 5" \
    '[ $rc -eq 5 ] && [ "$(mstat submits)" = 2 ] && [ "$(ls "$WORK/b"/*.mp4 | wc -l)" = 2 ]'
check "the summary says the estimated spend" 'grep -q "estimated spend \$0.72" "$WORK/err"'
check "the journal records each submission's estimate" \
    '[ "$(grep -c "\"event\":\"accepted\".*\"estimate_usd_micros\":360000" "$WORK/b/five.jsonl.journal")" = 2 ]'
run "batch '$WORK/five.jsonl' --output-dir '$WORK/b' --max-cost 1.10"
check "a rerun counts the journal's \$0.72: one more entry within \$1.10" \
    '[ $rc -eq 5 ] && [ "$(mstat submits)" = 3 ] && grep -q "estimated spend \$1.08 (\$0.36 this run)" "$WORK/err"'
run "--json batch '$WORK/five.jsonl' --output-dir '$WORK/b' --max-cost 1.10"
check "--json reports the spend and each entry's estimate, and submits nothing more" \
    '[ $rc -eq 5 ] && [ "$(mstat submits)" = 3 ] && grep -q "\"estimated_spend_usd\":1.08" "$WORK/out" && [ "$(grep -o "\"micro_usd\":360000" "$WORK/out" | wc -l)" = 5 ]'
# HDR of a remote video: its length, so its price, cannot be known here
printf '{"id":"odd","endpoint":"hdr","video_uri":"%s/in.mp4","output":"odd.zip"}\n' "$URI" >"$WORK/odd.jsonl"
mreset
run "batch '$WORK/odd.jsonl' --output-dir '$WORK/o' --max-cost 100"
check "an unknown price is refused under a budget" '[ $rc -eq 5 ] && [ "$(mstat submits)" = 0 ] && grep -q "allow-unknown-cost" "$WORK/err"'
run "batch '$WORK/odd.jsonl' --output-dir '$WORK/o' --max-cost 100 --allow-unknown-cost"
check "--allow-unknown-cost submits it" '[ $rc -eq 0 ] && [ "$(mstat submits)" = 1 ]'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
