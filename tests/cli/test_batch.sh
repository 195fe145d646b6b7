#!/bin/sh
# tests/cli/test_batch.sh — ltx batch against ltx-mock: bounded concurrency, the journal,
# kill -9 and SIGINT in the middle, reruns that never submit an accepted job twice, 429s.
. "${top_srcdir:-.}/tests/mock-env.sh"
LTX="$top_builddir/tools/ltx/ltx"
VIDEO="$top_srcdir/tests/data/sample.mp4"
FAST=$LTX_BASE_URL
passed=0 failed=0

command -v curl >/dev/null 2>&1 || { echo "curl not found; skipping"; exit 77; }
curl -sf "$FAST/_mock/stats" >/dev/null 2>&1 || { echo "ltx-mock has no control API; skipping"; exit 77; }

ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ -f "$WORK/err" ] && sed 's/^/  stderr: /' "$WORK/err"; }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; } # check NAME SHELL-CONDITION

# mstat URL NAME: one number from GET /_mock/stats
mstat() { curl -sf "$1/_mock/stats" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }
mreset() { curl -sf -X POST "$1/_mock/reset" >/dev/null; }

# batch ARGS...: runs ltx batch; sets $rc, stdout in $WORK/out, stderr in $WORK/err
batch() { "$LTX" batch --poll-interval 50 "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?; }

# prompts FILE N: N valid text-to-video lines
prompts() {
    i=1
    : >"$1"
    while [ $i -le "$2" ]; do
        printf '{"prompt":"shot %d","model":"ltx-2-3-fast","duration":6,"resolution":"1920x1080"}\n' $i >>"$1"
        i=$((i + 1))
    done
}

# videos DIR N: DIR holds exactly 1.mp4 .. N.mp4, each the served video, and nothing else
videos() {
    [ "$(ls -A "$1" | wc -l)" -eq "$2" ] || return 1
    i=1
    while [ $i -le "$2" ]; do
        cmp -s "$1/$i.mp4" "$VIDEO" || return 1
        i=$((i + 1))
    done
}

# only_complete DIR: every file in DIR is a whole video (no temporary or partial file)
only_complete() {
    for f in "$1"/* "$1"/.[!.]*; do
        [ -e "$f" ] || continue
        case "$f" in *.mp4) cmp -s "$f" "$VIDEO" || return 1 ;; *) return 1 ;; esac
    done
}

# accepted JOURNAL: how many jobs the journal says were accepted
accepted() { if [ -f "$1" ]; then grep -c '"event":"accepted"' "$1"; else echo 0; fi; }

# wait_accepted JOURNAL N: wait (at most 20 s) until the journal holds N accepted records
wait_accepted() {
    i=0
    while [ "$(accepted "$1")" -lt "$2" ]; do
        i=$((i + 1))
        [ $i -gt 200 ] && return 1
        sleep 0.1
    done
}

# most_in_flight JOURNAL: the largest number of jobs accepted and not yet done at once
most_in_flight() {
    awk '/"event":"accepted"/ { n++; if (n > max) max = n } /"event":"done"/ { n-- }
         END { print max + 0 }' "$1"
}

# ---------------------------------------------------------------- (a) six prompts, two at a time
prompts "$WORK/six.jsonl" 6
mreset "$FAST"
batch "$WORK/six.jsonl" --concurrency 2 --output-dir "$WORK/a" --journal "$WORK/a.journal"
check "a batch of 6 exits 0" '[ $rc -eq 0 ]'
check "it makes 6 files, each the served video" 'videos "$WORK/a" 6'
check "the mock accepted exactly 6 jobs" '[ "$(mstat "$FAST" jobs_accepted)" = 6 ]'
check "at most 2 jobs were in flight at once" '[ "$(most_in_flight "$WORK/a.journal")" -le 2 ]'
check "the journal has a done record per prompt" '[ "$(grep -c "\"event\":\"done\"" "$WORK/a.journal")" = 6 ]'
grep -q '6 done, 0 failed, 0 unknown' "$WORK/err" && ok "the summary line counts 6 done" || fail "summary: $(tail -1 "$WORK/err")"

batch "$WORK/six.jsonl" --output-dir "$WORK/a" --journal "$WORK/a.journal"
check "a rerun of a finished batch exits 0" '[ $rc -eq 0 ]'
check "and submits nothing" '[ "$(mstat "$FAST" jobs_accepted)" = 6 ]'

mreset "$FAST"
"$LTX" --json batch --poll-interval 50 "$WORK/six.jsonl" --output-dir "$WORK/a2" >"$WORK/out" 2>"$WORK/err"; rc=$?
check "--json batch exits 0" '[ $rc -eq 0 ]'
check "--json prints one line with ok and the counts" \
    '[ "$(wc -l <"$WORK/out")" -eq 1 ] && grep -q "^{\"ok\":true,\"done\":6,\"failed\":0,\"unknown\":0," "$WORK/out"'
check "the default journal is in the output directory" '[ -s "$WORK/a2/six.jsonl.journal" ]'

# ---------------------------------------------------------------- (b) kill -9, SIGTERM, reruns
"$MOCK_BIN" --port 0 --port-file "$WORK/slow.port" --quiet --pending-ms 1500 --processing-ms 1500 \
    >"$WORK/slow.out" 2>&1 &
SLOW_PID=$!
trap 'kill "$SLOW_PID" 2>/dev/null; wait "$SLOW_PID" 2>/dev/null; cleanup' EXIT
i=0
while [ ! -s "$WORK/slow.port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
SLOW="http://127.0.0.1:$(cat "$WORK/slow.port")"
J="$WORK/b.journal" OUT="$WORK/b"

LTX_BASE_URL=$SLOW "$LTX" batch --poll-interval 50 "$WORK/six.jsonl" --output-dir "$OUT" --journal "$J" \
    >"$WORK/b1.out" 2>"$WORK/b1.err" &
pid=$!
if wait_accepted "$J" 2; then ok "the journal records 2 accepted jobs"; else fail "no 2 accepted records: $(cat "$J")"; fi
kill -9 $pid; wait $pid 2>/dev/null
check "after kill -9 the output directory holds only complete videos" 'only_complete "$OUT"'

# -v: a line per event (without it, standard error that is not a terminal gets the summary only)
LTX_BASE_URL=$SLOW "$LTX" batch -v --poll-interval 50 "$WORK/six.jsonl" --output-dir "$OUT" --journal "$J" \
    >"$WORK/b2.out" 2>"$WORK/b2.err" &
pid=$!
if wait_accepted "$J" 4; then ok "the rerun goes on to the next jobs"; else fail "no 4 accepted records: $(cat "$J")"; fi
kill -TERM $pid; wait $pid; rc=$? # SIGINT is ignored by an asynchronous list in sh: same path
check "SIGTERM ends the batch with 130" '[ $rc -eq 130 ]'
grep -q 'resuming' "$WORK/b2.err" && ok "the rerun resumed the killed run's jobs" || fail "no resume: $(cat "$WORK/b2.err")"
check "after SIGTERM the output directory holds only complete videos" 'only_complete "$OUT"'

LTX_BASE_URL=$SLOW batch "$WORK/six.jsonl" --output-dir "$OUT" --journal "$J"
check "the second rerun finishes with 0" '[ $rc -eq 0 ]'
check "every prompt has exactly one file, the served video" 'videos "$OUT" 6'
check "the mock accepted exactly 6 jobs over the three runs" '[ "$(mstat "$SLOW" jobs_accepted)" = 6 ]'
check "the journal has exactly one accepted record per prompt" \
    '[ "$(grep "\"event\":\"accepted\"" "$J" | sed "s/.*\"key\":\"\([^\"]*\)\".*/\1/" | sort -u | wc -l)" -eq 6 ] && [ "$(accepted "$J")" -eq 6 ]'

# kill -9 in the middle of a download (the result stalls): still no partial file
mreset "$FAST"
curl -sf -X POST "$FAST/_mock/faults" -H 'Content-Type: application/json' -d \
    '{"kind":"stall","method":"GET","path_prefix":"/results/","delay_ms":3000,"times":2}' ||
    fail "cannot add the stall fault"
prompts "$WORK/two.jsonl" 2
"$LTX" batch --poll-interval 50 "$WORK/two.jsonl" --output-dir "$WORK/s" --journal "$WORK/s.journal" \
    >"$WORK/s.out" 2>"$WORK/s.err" &
pid=$!
wait_accepted "$WORK/s.journal" 2 && sleep 1
kill -9 $pid; wait $pid 2>/dev/null
check "kill -9 during a download leaves no partial file" 'only_complete "$WORK/s"'
curl -sf -X DELETE "$FAST/_mock/faults" || fail "cannot clear the faults"
batch "$WORK/two.jsonl" --output-dir "$WORK/s" --journal "$WORK/s.journal"
check "the rerun downloads both without submitting" \
    '[ $rc -eq 0 ] && videos "$WORK/s" 2 && [ "$(mstat "$FAST" jobs_accepted)" = 2 ]'

# ---------------------------------------------------------------- (c) one invalid line: nothing sent
mreset "$FAST"
{ sed -n 1,2p "$WORK/six.jsonl"
  echo '{"prompt":"too long","model":"ltx-2-3-pro","duration":20,"resolution":"1920x1080"}'
  echo 'not json'
  sed -n 5,6p "$WORK/six.jsonl"; } >"$WORK/bad.jsonl"
batch "$WORK/bad.jsonl" --output-dir "$WORK/c" --journal "$WORK/c.journal"
check "an invalid line fails the whole batch with exit 3" '[ $rc -eq 3 ]'
check "the mock saw no request at all" '[ "$(mstat "$FAST" requests)" = 0 ]'
check "no output and no journal were written" '[ ! -e "$WORK/c" ] && [ ! -e "$WORK/c.journal" ]'
grep -q 'bad.jsonl:3: duration' "$WORK/err" && grep -q 'bad.jsonl:4: not valid JSON' "$WORK/err" &&
    ok "every bad line is reported with its line number and field" || fail "report: $(cat "$WORK/err")"

# ---------------------------------------------------------------- (d) 429 concurrency_limit_error
mreset "$FAST"
curl -sf -X POST "$FAST/_mock/faults" -H 'Content-Type: application/json' -d \
    '{"kind":"status","method":"POST","path_prefix":"/v2/text-to-video","status":429,"error_type":"concurrency_limit_error","times":2}' ||
    fail "cannot add the 429 fault"
prompts "$WORK/four.jsonl" 4
batch "$WORK/four.jsonl" --output-dir "$WORK/d" --journal "$WORK/d.journal"
check "429 concurrency_limit_error is absorbed: exit 0" '[ $rc -eq 0 ]'
check "all 4 files are made" 'videos "$WORK/d" 4'
check "the mock accepted exactly 4 jobs" '[ "$(mstat "$FAST" jobs_accepted)" = 4 ]'

# More 429s than the library retries: ltx batch waits and submits again (a 429 creates no job).
mreset "$FAST"
curl -sf -X POST "$FAST/_mock/faults" -H 'Content-Type: application/json' -d \
    '{"kind":"status","method":"POST","path_prefix":"/v2/text-to-video","status":429,"error_type":"concurrency_limit_error","times":4}' ||
    fail "cannot add the 429 fault"
prompts "$WORK/one.jsonl" 1
batch "$WORK/one.jsonl" --output-dir "$WORK/d2" --journal "$WORK/d2.journal"
check "429s past the library's retries are waited out: exit 0" '[ $rc -eq 0 ] && videos "$WORK/d2" 1'
check "and the journal records the rejection before the accepted submit" \
    'grep -q "\"code\":429" "$WORK/d2.journal" && [ "$(accepted "$WORK/d2.journal")" = 1 ]'
check "the mock accepted exactly 1 job" '[ "$(mstat "$FAST" jobs_accepted)" = 1 ]'

# ---------------------------------------------------------------- local files and other endpoints
mreset "$FAST"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211' >"$WORK/frame.png"
{ printf '{"id":"cat","endpoint":"image-to-video","image_uri":"%s","prompt":"The cat blinks","model":"ltx-2-3-fast","duration":6,"resolution":"1920x1080"}\n' "$WORK/frame.png"
  echo '{"id":"hdr","endpoint":"hdr","video_uri":"https://example.com/in.mp4"}'
  echo '{"id":"wide","endpoint":"video-to-video-reframe","video_uri":"https://example.com/in.mp4","resolution":"1080x1080","output":"square.mp4"}'; } >"$WORK/mixed.jsonl"
batch "$WORK/mixed.jsonl" --output-dir "$WORK/m" --journal "$WORK/m.journal"
check "a batch of image-to-video with a local file, hdr and reframe exits 0" '[ $rc -eq 0 ]'
check "outputs are named by id, .zip for HDR, or by \"output\"" \
    'cmp -s "$WORK/m/cat.mp4" "$VIDEO" && is_mock_zip "$WORK/m/hdr.zip" && cmp -s "$WORK/m/square.mp4" "$VIDEO"'
check "the local image was uploaded once, before its submission" \
    '[ "$(mstat "$FAST" uploads)" = 1 ] && [ "$(mstat "$FAST" jobs_accepted)" = 3 ]'
if curl -sf "$FAST/_mock/requests?path_prefix=/v2/image-to-video&limit=50" >"$WORK/req"; then
    check "image-to-video was sent the ltx:// URI" 'grep -q "ltx://" "$WORK/req"'
fi

# one file named by three entries (twice by its path, once by a hard link): one upload
mreset "$FAST"
ln -f "$WORK/frame.png" "$WORK/frame-link.png"
cp "$WORK/frame.png" "$WORK/frame-copy.png"
for f in frame frame frame-link frame-copy; do
    printf '{"endpoint":"image-to-video","image_uri":"%s","prompt":"The cat blinks","model":"ltx-2-3-fast","duration":6,"resolution":"1920x1080"}\n' "$WORK/$f.png"
done >"$WORK/same.jsonl"
batch "$WORK/same.jsonl" --output-dir "$WORK/same" --journal "$WORK/same.journal"
check "a batch naming one file three times (a hard link included) and a copy once exits 0" '[ $rc -eq 0 ]'
check "the file was uploaded once and its copy once: 2 uploads for 4 jobs" \
    '[ "$(mstat "$FAST" uploads)" = 2 ] && [ "$(mstat "$FAST" jobs_accepted)" = 4 ]'

# ---------------------------------------------------------------- the journal's other states
mreset "$FAST"
prompts "$WORK/three.jsonl" 3
printf '%s\n' '{"key":"2","event":"submitting","endpoint":"text-to-video"}' \
    '{"key":"3","event":"submitting","endpoint":"text-to-video"}' \
    '{"key":"3","event":"failed","code":400,"message":"bad"}' >"$WORK/e.journal"
printf '{"key":"1","event":"subm' >>"$WORK/e.journal" # torn by a kill
batch "$WORK/three.jsonl" --output-dir "$WORK/e" --journal "$WORK/e.journal"
check "an entry submitted without a recorded outcome is not submitted again: exit 15" '[ $rc -eq 15 ]'
check "a torn last line is ignored and the rest is done" 'cmp -s "$WORK/e/1.mp4" "$VIDEO" && [ ! -e "$WORK/e/2.mp4" ] && [ ! -e "$WORK/e/3.mp4" ]'
check "only that one job was submitted" '[ "$(mstat "$FAST" jobs_accepted)" = 1 ]'
grep -q '1 done, 1 failed, 1 unknown' "$WORK/err" && ok "the summary counts done, failed and unknown" || fail "summary: $(cat "$WORK/err")"
check "the torn line is cut off: the journal is valid JSON Lines again" \
    '! grep -q "\"subm\$" "$WORK/e.journal" && [ "$(grep -c "^{\"key\":\"1\",\"event\":\"submitting\"," "$WORK/e.journal")" = 1 ]'
batch "$WORK/three.jsonl" --output-dir "$WORK/e" --journal "$WORK/e.journal" --resubmit-unknown
check "--resubmit-unknown submits it; the earlier 400 is still only reported: exit 3" \
    '[ $rc -eq 3 ] && cmp -s "$WORK/e/2.mp4" "$VIDEO" && [ ! -e "$WORK/e/3.mp4" ]'
batch "$WORK/three.jsonl" --output-dir "$WORK/e" --journal "$WORK/e.journal" --retry-failed
check "--retry-failed submits the failed one: exit 0" '[ $rc -eq 0 ] && videos "$WORK/e" 3'
check "three jobs in all" '[ "$(mstat "$FAST" jobs_accepted)" = 3 ]'

rm -f "$WORK/e/2.mp4"
batch "$WORK/three.jsonl" --output-dir "$WORK/e" --journal "$WORK/e.journal"
check "a done entry whose file is gone is downloaded again, not submitted" \
    '[ $rc -eq 0 ] && videos "$WORK/e" 3 && [ "$(mstat "$FAST" jobs_accepted)" = 3 ]'

# ---------------------------------------------------------------- fields the July document lacks
# API-NOTES §1: audio-to-video took fps and camera_motion in August, HDR output_colorspace later.
# A batch line with them is sent as written, with a warning, not refused.
mreset "$FAST"
printf '%s\n' \
    '{"id":"a2v","endpoint":"audio-to-video","audio_uri":"https://media.example.com/a.mp3","prompt":"A drum","fps":48,"camera_motion":"static"}' \
    '{"id":"hdr","endpoint":"video-to-video-hdr","video_uri":"https://media.example.com/in.mp4","output_colorspace":"acescct"}' \
    >"$WORK/later.jsonl"
batch "$WORK/later.jsonl" --output-dir "$WORK/l" --journal "$WORK/l.journal"
check "a batch with fields added after the document exits 0" '[ $rc -eq 0 ]'
check "audio-to-video was sent fps and camera_motion" \
    'curl -sf "$FAST/_mock/requests?path_prefix=/v2/audio-to-video" | grep -q "fps\\\\\":48,\\\\\"camera_motion\\\\\":\\\\\"static"'
check "video-to-video-hdr was sent output_colorspace" \
    'curl -sf "$FAST/_mock/requests?path_prefix=/v2/video-to-video-hdr" | grep -q "output_colorspace\\\\\":\\\\\"acescct"'
check "each is named in a warning" \
    'grep -i "warn" "$WORK/err" | grep -q "fps, camera_motion" && grep -i "warn" "$WORK/err" | grep -q output_colorspace'
printf '%s\n' '{"endpoint":"retake","video_uri":"https://media.example.com/in.mp4","start_time":1,"duration":3,"generate_audio":false}' \
    >"$WORK/refused.jsonl"
batch "$WORK/refused.jsonl" --output-dir "$WORK/r"
check "a typed field no endpoint of its name takes is still refused, saying why" \
    '[ $rc -ne 0 ] && grep -q "generate_audio: not a field of retake" "$WORK/err"'

# an endpoint this release does not know, named in a batch line, against a mock that serves it
"$MOCK_BIN" --port 0 --port-file "$WORK/extra.port" --quiet --extra-endpoint video-compositing \
    >"$WORK/extra.out" 2>&1 &
extra_pid=$!
i=0
while [ ! -s "$WORK/extra.port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
EXTRA=http://127.0.0.1:$(cat "$WORK/extra.port" 2>/dev/null)
printf '%s\n' '{"id":"comp","endpoint":"video-compositing","video_uri":"https://media.example.com/in.mp4","prompt":"Composite"}' \
    '{"id":"bad","endpoint":"Video Compositing","video_uri":"https://media.example.com/in.mp4"}' \
    >"$WORK/extra.jsonl"
LTX_BASE_URL=$EXTRA batch "$WORK/extra.jsonl" --output-dir "$WORK/x"
check "a batch line naming an endpoint that is no path segment is refused before any submit" \
    '[ $rc -eq 3 ] && grep -q "endpoint" "$WORK/err" && [ "$(mstat "$EXTRA" submits)" = 0 ]'
printf '%s\n' '{"id":"comp","endpoint":"video-compositing","video_uri":"https://media.example.com/in.mp4","prompt":"Composite"}' \
    >"$WORK/extra.jsonl"
LTX_BASE_URL=$EXTRA batch "$WORK/extra.jsonl" --output-dir "$WORK/x"
check "a batch line runs an endpoint this release does not know, by name" \
    '[ $rc -eq 0 ] && cmp -s "$WORK/x/comp.mp4" "$VIDEO" && [ "$(mstat "$EXTRA" submits)" = 1 ]'
LTX_BASE_URL=$EXTRA batch "$WORK/extra.jsonl" --output-dir "$WORK/x"
check "its rerun resumes from the journal and submits nothing" \
    '[ $rc -eq 0 ] && [ "$(mstat "$EXTRA" submits)" = 1 ]'
kill $extra_pid 2>/dev/null; wait $extra_pid 2>/dev/null

batch "$WORK/three.jsonl" --output-dir "$WORK/e" --journal "$WORK/e.journal" --concurrency 0
check "--concurrency 0 is a usage error" '[ $rc -eq 2 ]'

# ---------------------------------------------------------------- a hostile disk (issue 13)
mreset "$FAST"
# a journal path that is a symlink: the torn-record repair would truncate its target
mkdir -p "$WORK/sym"
prompts "$WORK/sym.jsonl" 1
printf 'precious, no newline at the end' >"$WORK/precious"
ln -s "$WORK/precious" "$WORK/sym/sym.jsonl.journal"
batch "$WORK/sym.jsonl" --output-dir "$WORK/sym"
check "a journal that is a symbolic link is refused: exit 12" '[ $rc -eq 12 ] && grep -q "symbolic link" "$WORK/err"'
check "the symlink's target is untouched" '[ "$(cat "$WORK/precious")" = "precious, no newline at the end" ]'
check "nothing was submitted through a refused journal" '[ "$(mstat "$FAST" submits)" = 0 ]'

# outputs that would leave --output-dir are refused when the file is read, before any submit
mkdir -p "$WORK/conf/out"
for bad in '../escape.mp4' '/tmp/ltx-abs-escape.mp4' 'sub/../../escape.mp4' '..'; do
    printf '{"prompt":"x","model":"ltx-2-3-fast","duration":6,"resolution":"1920x1080","output":"%s"}\n' "$bad" >"$WORK/conf.jsonl"
    batch "$WORK/conf.jsonl" --output-dir "$WORK/conf/out"
    check "output \"$bad\" is refused before any submit: exit 3" \
        '[ $rc -eq 3 ] && grep -q "inside --output-dir" "$WORK/err" && [ "$(mstat "$FAST" submits)" = 0 ] && [ ! -e "$WORK/conf/escape.mp4" ] && [ ! -e /tmp/ltx-abs-escape.mp4 ]'
done
printf '{"prompt":"x","model":"ltx-2-3-fast","duration":6,"resolution":"1920x1080","output":"sub/dir/in.mp4"}\n' >"$WORK/conf.jsonl"
batch "$WORK/conf.jsonl" --output-dir "$WORK/conf/out"
check "an output in a subdirectory of --output-dir is written" '[ $rc -eq 0 ] && cmp -s "$WORK/conf/out/sub/dir/in.mp4" "$VIDEO"'
submits=$(mstat "$FAST" submits)
batch -v "$WORK/conf.jsonl" --output-dir "$WORK/conf/out"
check "a batch of one entry run again reads its journal: done, nothing submitted" \
    '[ $rc -eq 0 ] && [ "$(mstat "$FAST" submits)" = "$submits" ] && grep -q "1 done before" "$WORK/err"'

# an empty batch file: nothing to do, and no qsort(NULL, 0) (UBSan aborted on it)
: >"$WORK/empty.jsonl"
mkdir -p "$WORK/emptyout"
batch "$WORK/empty.jsonl" --output-dir "$WORK/emptyout"
check "an empty batch file exits 0" '[ $rc -eq 0 ]'

# a result larger than --max-size: the entry fails, no file is left
mreset "$FAST"
prompts "$WORK/cap.jsonl" 1
mkdir -p "$WORK/cap"
batch "$WORK/cap.jsonl" --output-dir "$WORK/cap" --max-size 1K
check "--max-size stops a larger result: exit 12, no video" '[ $rc -eq 12 ] && [ ! -e "$WORK/cap/1.mp4" ]'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
