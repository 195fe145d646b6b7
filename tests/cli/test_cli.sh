#!/bin/sh
# tests/cli/test_cli.sh — the ltx command against ltx-mock: files, exit codes, output, secrets.
SECRET=sk-cli-test-0123456789abcdef
MOCK_ARGS="--api-key $SECRET" MOCK_KEY=$SECRET
. "${top_srcdir:-.}/tests/mock-env.sh"
LTX="$top_builddir/tools/ltx/ltx"
VIDEO="$top_srcdir/tests/data/sample.mp4"
T2V="--prompt 'A lighthouse at dusk' --model ltx-2-3-fast --duration 6 --resolution 1920x1080"
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ -f "$WORK/err" ] && sed 's/^/  stderr: /' "$WORK/err"; }

# run CMD...: sets $rc, stdout in $WORK/out, stderr in $WORK/err. Polls every 50 ms, not 5 s.
run() { eval "$LTX --poll-interval 50 $*" >"$WORK/out" 2>"$WORK/err"; rc=$?; }

expect() { # expect NAME RC [FILE-THAT-MUST-EQUAL-THE-VIDEO | -FILE-THAT-MUST-NOT-EXIST]
    name=$1 want=$2 file=${3:-}
    if [ "$rc" -ne "$want" ]; then fail "$name: exit $rc, expected $want"; return; fi
    case "$file" in
    "") ;;
    -*) if [ -e "${file#-}" ]; then fail "$name: ${file#-} exists"; return; fi ;;
    *) if ! cmp -s "$file" "$VIDEO"; then fail "$name: $file is not the served video"; return; fi ;;
    esac
    ok "$name"
}

run text-to-video $T2V -o "$WORK/v2.mp4"
expect "text-to-video on v2 writes the video" 0 "$WORK/v2.mp4"

run text-to-video $T2V --sync -o "$WORK/v1.mp4"
expect "text-to-video --sync on v1 writes the video" 0 "$WORK/v1.mp4"

run text-to-video $T2V --no-wait
expect "--no-wait exits at once" 0
set -- $(cat "$WORK/out")
if [ "$1" = text-to-video ] && [ -n "${2:-}" ]; then ok "--no-wait prints the endpoint and job id"; else fail "--no-wait printed: $(cat "$WORK/out")"; fi
job=${2:-none}
run status text-to-video "$job"
expect "status of a fresh job" 0
grep -q pending "$WORK/out" && ok "status says pending" || fail "status printed: $(cat "$WORK/out")"
run download text-to-video "$job" -o "$WORK/later.mp4"
expect "download of the job by id waits and writes the video" 0 "$WORK/later.mp4"

# the mock's held queue (POST /_mock/hold): a job stays pending, however often it is polled,
# until the queue is released; without the hold, three polls would have completed it
if ! command -v curl >/dev/null 2>&1; then
    echo "no curl: the held-queue checks are skipped"
elif ! curl -sf -X POST "$LTX_BASE_URL/_mock/hold" >/dev/null 2>&1; then
    fail "POST /_mock/hold failed"
else
    run text-to-video $T2V --no-wait
    set -- $(cat "$WORK/out")
    held=${2:-none}
    run status text-to-video "$held" && run status text-to-video "$held" && run status text-to-video "$held"
    grep -q pending "$WORK/out" && ok "a job in a held queue is still pending after three polls" ||
        fail "status printed: $(cat "$WORK/out")"
    curl -sf "$LTX_BASE_URL/_mock/stats" | grep -Eq '"held": ?true' && ok "the mock's stats say it is held" ||
        fail "stats: $(curl -s "$LTX_BASE_URL/_mock/stats")"
    curl -sf -X DELETE "$LTX_BASE_URL/_mock/hold" >/dev/null
    run --timeout 60 download text-to-video "$held" -o "$WORK/held.mp4"
    expect "once the queue is released the job completes and downloads" 0 "$WORK/held.mp4"
fi

# money: an output that cannot be written is refused before anything is paid for
requests() { curl -sf "$LTX_BASE_URL/_mock/stats" 2>/dev/null | sed -n 's/.*"requests": *\([0-9]*\).*/\1/p'; }
before=$(requests)
run text-to-video $T2V -o "$WORK/no-such-dir/v.mp4"
expect "an output in a missing directory exits 12 before submitting" 12
after=$(requests)
[ -n "$before" ] && [ "$before" = "$after" ] && grep -q "nothing was submitted" "$WORK/err" &&
    ok "the mock saw no request, and the message says nothing was submitted" ||
    fail "stats before $before after $after; stderr: $(cat "$WORK/err")"

# money: a v1 504 is retried by default; when the retry delivers, the user is told
if command -v curl >/dev/null 2>&1; then
    curl -sf -X POST "$LTX_BASE_URL/_mock/faults" -H 'Content-Type: application/json' \
        -d '{"kind":"status","method":"POST","path_prefix":"/v1/text-to-video","status":504,"times":1}' ||
        fail "cannot script a 504"
    run --json text-to-video $T2V --sync -o "$WORK/twice.mp4"
    expect "a v1 504 retried to success writes the video" 0 "$WORK/twice.mp4"
    grep -q '"possibly_billed_twice":true' "$WORK/out" && grep -q "may also have been billed" "$WORK/err" &&
        ok "--json says possibly_billed_twice and standard error warns" ||
        fail "out: $(cat "$WORK/out") err: $(cat "$WORK/err")"
    run --json text-to-video $T2V --sync -o "$WORK/once.mp4"
    grep -q '"possibly_billed_twice":false' "$WORK/out" && ! grep -q "billed" "$WORK/err" &&
        ok "a clean v1 run says possibly_billed_twice false, no warning" ||
        fail "out: $(cat "$WORK/out") err: $(cat "$WORK/err")"
fi

# forward compatibility: a job command takes an endpoint this release does not know by name,
# and refuses what is no path segment
run status video-compositing 0123-abcd
grep -q "not an endpoint name" "$WORK/err" && fail "an unknown but valid endpoint name was refused" ||
    ok "status takes an endpoint name this release does not know"
run status "text/../upload" 0123-abcd
expect "an endpoint that is no path segment is a usage error" 2

run --json text-to-video $T2V -o "$WORK/json.mp4"
expect "--json run" 0 "$WORK/json.mp4"
grep -q '"ok":true' "$WORK/out" && grep -q '"job_id":"' "$WORK/out" && ok "--json prints ok and the job id" || fail "--json printed: $(cat "$WORK/out")"

run text-to-video --prompt "'A lighthouse'" --model ltx-2-3-pro --duration 20 --resolution 1920x1080 -o "$WORK/bad.mp4"
expect "a known-bad duration exits 3 and writes nothing" 3 "-$WORK/bad.mp4"
grep -q duration "$WORK/err" && grep -q 10 "$WORK/err" && ok "the message names duration and the allowed values" || fail "message: $(cat "$WORK/err")"

run text-to-video --prompt "'x'" --model ltx-2-3-fast --duration six --resolution 1920x1080 -o "$WORK/bad.mp4"
expect "a malformed number is a usage error" 2 "-$WORK/bad.mp4"

run text-to-video $T2V --api-key wrong-key -o "$WORK/auth.mp4"
expect "a wrong key exits 4" 4 "-$WORK/auth.mp4"

(unset LTX_API_KEY LTXV_API_KEY; eval "$LTX --poll-interval 50 text-to-video $T2V -o '$WORK/nokey.mp4'" >"$WORK/out" 2>"$WORK/err"); rc=$?
expect "no key at all exits 2" 2 "-$WORK/nokey.mp4"

(unset LTX_API_KEY; LTXV_API_KEY=$SECRET; export LTXV_API_KEY; eval "$LTX --poll-interval 50 text-to-video $T2V -o '$WORK/ltxv.mp4'" >"$WORK/out" 2>"$WORK/err"); rc=$?
expect "LTXV_API_KEY is used when LTX_API_KEY is not set" 0 "$WORK/ltxv.mp4"

run status text-to-video 00000000-0000-0000-0000-000000000000
expect "status of an unknown job exits 13" 13

run frobnicate
expect "an unknown command is a usage error" 2

run -v text-to-video $T2V -o "$WORK/verbose.mp4"
expect "-v run" 0 "$WORK/verbose.mp4"
if grep -q "$SECRET" "$WORK/out" "$WORK/err"; then fail "the API key appears in -v output"; else ok "the API key never appears in -v output"; fi
[ -s "$WORK/err" ] && ok "-v writes debug lines" || fail "-v wrote nothing"

LTX_LOG=debug run text-to-video $T2V -o "$WORK/logenv.mp4"
if grep -q "$SECRET" "$WORK/out" "$WORK/err"; then fail "the API key appears with LTX_LOG=debug"; else ok "the API key never appears with LTX_LOG=debug"; fi

# Local files: `upload`, and paths given for --image (a small image goes inline as a data: URI).
# A PNG signature and an IHDR chunk are enough: ltx-mock checks only the shape.
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211' >"$WORK/frame.png"
printf 'just text\n' >"$WORK/notes.txt"
run upload "'$WORK/frame.png'"
expect "upload of a PNG" 0
grep -q '^ltx://' "$WORK/out" && ok "upload prints the ltx:// storage URI" || fail "upload printed: $(cat "$WORK/out")"
uri=$(cat "$WORK/out")
run --json upload "'$WORK/frame.png'"
expect "--json upload" 0
grep -q '"ok":true' "$WORK/out" && grep -q '"media_type":"image/png"' "$WORK/out" && grep -q '"storage_uri":"ltx://' "$WORK/out" &&
    ok "--json upload prints the media type and the URI" || fail "--json upload printed: $(cat "$WORK/out")"
run upload "'$WORK/missing.png'"
expect "upload of a missing file exits 3" 3
run upload "'$WORK/notes.txt'"
expect "upload of a file that is not media exits 3" 3
grep -q 'PNG' "$WORK/err" && ok "the message names the formats allowed" || fail "message: $(cat "$WORK/err")"
run upload
expect "upload without a file is a usage error" 2

run image-to-video --image "'$uri'" $T2V -o "$WORK/i2v-uri.mp4"
expect "image-to-video with the uploaded ltx:// URI" 0 "$WORK/i2v-uri.mp4"
run image-to-video --image "'$WORK/frame.png'" $T2V -o "$WORK/i2v-file.mp4"
expect "image-to-video with a local file" 0 "$WORK/i2v-file.mp4"
if command -v curl >/dev/null 2>&1 && curl -sf "$LTX_BASE_URL/_mock/requests?path_prefix=/v2/image-to-video&limit=50" >"$WORK/req" 2>/dev/null; then
    grep -q 'data:image/png;base64,' "$WORK/req" && ok "the small local image was sent inline as a data: URI" ||
        fail "the request was: $(cat "$WORK/req")"
fi
run image-to-video --image "'$WORK/missing.png'" $T2V -o "$WORK/i2v-missing.mp4"
expect "a missing local image exits 3 and writes nothing" 3 "-$WORK/i2v-missing.mp4"
grep -q 'missing.png' "$WORK/err" && grep -q -- '--image' "$WORK/err" && ok "the message names the file and the option" || fail "message: $(cat "$WORK/err")"
run image-to-video --image http://example.com/frame.png $T2V -o "$WORK/i2v-http.mp4"
expect "an http:// image URI is refused before sending" 3 "-$WORK/i2v-http.mp4"
grep -q 'https://' "$WORK/err" && ok "the message says https:// is needed" || fail "message: $(cat "$WORK/err")"

# fields the API added to audio-to-video after its July 2026 document are sent, with a warning
run audio-to-video --no-wait --audio https://media.example.com/a.mp3 --prompt "'A drum'" --fps 48 \
    --camera-motion static --last-frame "'$WORK/frame.png'"
expect "audio-to-video takes --fps, --camera-motion and --last-frame" 0
grep -i 'warn' "$WORK/err" | grep -q 'fps, camera_motion, last_frame_uri' &&
    ok "a warning names the fields the document lacks" || fail "stderr: $(cat "$WORK/err")"
if command -v curl >/dev/null 2>&1 && curl -sf "$LTX_BASE_URL/_mock/requests?path_prefix=/v2/audio-to-video&limit=1" >"$WORK/req" 2>/dev/null; then
    grep -q 'fps\\":48,\\"camera_motion\\":\\"static' "$WORK/req" && ok "the mock received them" ||
        fail "the request was: $(cat "$WORK/req")"
fi

# every endpoint, on every surface the API has, writes the result the mock served
VIDEO_FILE="'$top_srcdir/tests/data/sample.mp4'"
AUDIO_FILE="'$top_srcdir/tests/data/tone.wav'"
IMAGE_FILE="'$top_srcdir/tests/data/frame.png'"
for surface in v2 v1; do
    sync=""
    [ "$surface" = v1 ] && sync=--sync
    run image-to-video $sync --image "$IMAGE_FILE" --last-frame "$IMAGE_FILE" $T2V -o "$WORK/e-i2v-$surface.mp4"
    expect "image-to-video on $surface" 0 "$WORK/e-i2v-$surface.mp4"
    run audio-to-video $sync --audio "$AUDIO_FILE" --prompt "'A choir'" --guidance-scale 7 -o "$WORK/e-a2v-$surface.mp4"
    expect "audio-to-video on $surface" 0 "$WORK/e-a2v-$surface.mp4"
    run retake $sync --video "$VIDEO_FILE" --start 0.5 --duration 2 --mode replace_audio -o "$WORK/e-retake-$surface.mp4"
    expect "retake on $surface" 0 "$WORK/e-retake-$surface.mp4"
    run extend $sync --video "$VIDEO_FILE" --duration 3 --mode start --context 2 -o "$WORK/e-extend-$surface.mp4"
    expect "extend on $surface" 0 "$WORK/e-extend-$surface.mp4"
done
run hdr --video "$VIDEO_FILE" -o "$WORK/e-hdr.zip"
expect "hdr (v2 only)" 0
is_mock_zip "$WORK/e-hdr.zip" && ok "hdr writes the EXR archive, a ZIP" || fail "hdr wrote $(head -c 16 "$WORK/e-hdr.zip" | od -An -c)"
run reframe --video "$VIDEO_FILE" --resolution 1080x1920 -o "$WORK/e-reframe.mp4"
expect "reframe (v2 only)" 0 "$WORK/e-reframe.mp4"
run hdr --sync --video "$VIDEO_FILE" -o "$WORK/e-hdr-sync.zip"
expect "hdr has no v1 surface: a usage error" 2 "-$WORK/e-hdr-sync.zip"

# ltx-mock --video FILE serves that file as every result, byte for byte; a bad FILE stops it
head -c 300000 /dev/urandom >"$WORK/own.bin"
"$MOCK_BIN" --port 0 --port-file "$WORK/own.port" --quiet --api-key "$SECRET" --video "$WORK/own.bin" \
    >"$WORK/own.out" 2>&1 &
own_pid=$!
i=0
while [ ! -s "$WORK/own.port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
rc=1
[ -s "$WORK/own.port" ] && {
    eval "$LTX --poll-interval 50 --base-url http://127.0.0.1:$(cat "$WORK/own.port") text-to-video $T2V -o '$WORK/own.mp4'" \
        >"$WORK/out" 2>"$WORK/err"
    rc=$?
}
kill $own_pid 2>/dev/null; wait $own_pid 2>/dev/null
[ $rc -eq 0 ] && cmp -s "$WORK/own.bin" "$WORK/own.mp4" && ok "ltx-mock --video serves that file as the result" ||
    fail "ltx-mock --video: exit $rc, $(cat "$WORK/own.out")"
"$MOCK_BIN" --port 0 --video "$WORK/no-such.mp4" >"$WORK/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q 'no-such.mp4' "$WORK/out" && ok "ltx-mock --video with a missing file exits with its name" ||
    fail "ltx-mock --video missing: exit $rc, $(cat "$WORK/out")"

# ltx-mock --profile live plays the service as it is today: v1 generation was retired
# (API-NOTES §13), so --sync fails with a message that says so, while v2 works
"$MOCK_BIN" --port 0 --port-file "$WORK/live.port" --quiet --api-key "$SECRET" --profile live \
    >"$WORK/live.out" 2>&1 &
live_pid=$!
i=0
while [ ! -s "$WORK/live.port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
LIVE="--base-url http://127.0.0.1:$(cat "$WORK/live.port" 2>/dev/null)"
run $LIVE text-to-video $T2V --sync -o "$WORK/live-v1.mp4"
expect "text-to-video --sync against the live profile fails (v1 retired)" 13 "-$WORK/live-v1.mp4"
grep -q 'retired' "$WORK/err" && grep -q '/v2/text-to-video' "$WORK/err" &&
    ok "the message says v1 was retired and names the v2 endpoint" || fail "message: $(cat "$WORK/err")"
run $LIVE text-to-video $T2V -o "$WORK/live-v2.mp4"
expect "text-to-video (v2) against the live profile writes the video" 0 "$WORK/live-v2.mp4"
# with both exr_frames_url and video_url, -o gets the EXR frames (the primary result) and
# --preview the MP4
run $LIVE hdr --video "$VIDEO_FILE" -o "$WORK/live-hdr.zip" --preview "$WORK/live-preview.mp4"
expect "hdr against the live profile (two results) writes the preview" 0 "$WORK/live-preview.mp4"
is_mock_zip "$WORK/live-hdr.zip" && ok "hdr -o writes the EXR frames ZIP, not the preview" ||
    fail "hdr -o wrote: $(head -c 16 "$WORK/live-hdr.zip" | od -c | head -1)"
run $LIVE --json hdr --video "$VIDEO_FILE" -o "$WORK/live-hdr2.zip" --preview "$WORK/no-dir/p.mp4"
expect "an unwritable --preview is refused before anything is paid" 12 "-$WORK/live-hdr2.zip"
# an endpoint this release does not know (the live profile serves one), by its name
run $LIVE submit video-compositing --prompt "'Composite'" --set "'video_uri=\"https://media.example.com/c.mp4\"'" \
    -o "$WORK/composite.mp4"
expect "ltx submit ENDPOINT runs an endpoint this release does not know" 0 "$WORK/composite.mp4"
grep -q "does not know" "$WORK/err" && ok "and warns that its fields are sent unchecked" ||
    fail "no warning: $(cat "$WORK/err")"
run $LIVE submit video-compositing --prompt "'Composite'" --video https://media.example.com/c.mp4 --no-wait
set -- $(cat "$WORK/out")
run $LIVE download video-compositing "${2:-none}" -o "$WORK/composite-later.mp4"
expect "its job is resumed and downloaded by the endpoint's name" 0 "$WORK/composite-later.mp4"
run $LIVE submit "'Video Compositing'" -o "$WORK/x.mp4"
expect "an endpoint name that is no path segment is a usage error" 2 "-$WORK/x.mp4"
kill $live_pid 2>/dev/null; wait $live_pid 2>/dev/null
"$MOCK_BIN" --port 0 --profile yesterday >"$WORK/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q yesterday "$WORK/out" && ok "ltx-mock --profile with an unknown name is a usage error" ||
    fail "ltx-mock --profile yesterday: exit $rc, $(cat "$WORK/out")"

# ---------------------------------------------------------------- issue 13: secrets and hostile text
if command -v curl >/dev/null 2>&1 && curl -sf -X POST "$LTX_BASE_URL/_mock/reset" >/dev/null 2>&1; then
    # plain http to another machine is refused before any byte; --insecure-http allows it
    run text-to-video $T2V --no-wait --base-url http://192.0.2.1 --timeout 1
    [ $rc -eq 3 ] && grep -q "plain http://" "$WORK/err" && ok "plain http:// to another host is refused: exit 3" ||
        fail "plain http: exit $rc"
    run text-to-video $T2V --no-wait --base-url http://192.0.2.1 --timeout 1 --insecure-http
    [ $rc -ne 3 ] && ! grep -q "plain http://" "$WORK/err" && ok "--insecure-http lets it go" ||
        fail "--insecure-http: exit $rc"

    # a 401 quoting the key: not on stderr, not in --json
    curl -sf -X POST "$LTX_BASE_URL/_mock/faults" -d "{\"kind\":\"status\",\"status\":401,\"times\":2,\"message\":\"key $SECRET refused (Authorization: Bearer $SECRET)\"}" >/dev/null
    run text-to-video $T2V --no-wait
    [ $rc -eq 4 ] && ! grep -q "$SECRET" "$WORK/err" && grep -q "refused" "$WORK/err" && ok "a 401 quoting the key does not print it" ||
        fail "401 echo: exit $rc, $(cat "$WORK/err")"
    run text-to-video $T2V --no-wait --json
    [ $rc -eq 4 ] && ! grep -q "$SECRET" "$WORK/out" "$WORK/err" && ok "nor does --json" || fail "401 echo --json: $(cat "$WORK/out")"

    # C1 controls (U+009B is CSI) from the server never reach the terminal
    curl -sf -X POST "$LTX_BASE_URL/_mock/faults" -d '{"kind":"status","status":400,"message":"bad \u009b31m red \u0085 next"}' >/dev/null
    run text-to-video $T2V --no-wait
    if [ $rc -eq 3 ] && grep -q "bad ?31m red ? next" "$WORK/err" && ! LC_ALL=C grep -q "$(printf '\302\233')" "$WORK/err"; then
        ok "C1 control characters are filtered"
    else
        fail "C1: $(od -c "$WORK/err" | head -5)"
    fi

    # a submit id that is not a path segment: an error, escaped, never printed raw
    curl -sf -X POST "$LTX_BASE_URL/_mock/faults" -d '{"kind":"body","method":"POST","status":202,"body":{"id":"../../v1/upload\u001b[2J"}}' >/dev/null
    run text-to-video $T2V --no-wait
    if [ $rc -eq 14 ] && ! grep -q "$(printf '\033')" "$WORK/out" "$WORK/err" && [ ! -s "$WORK/out" ] && grep -q 'x1b' "$WORK/err"; then
        ok "an unusable job id is a protocol error, escaped: exit 14"
    else
        fail "bad id: exit $rc, out $(cat "$WORK/out")"
    fi

    # URL userinfo never reaches -v logs or messages
    run text-to-video $T2V -o "$WORK/ui.mp4" -v --base-url "http://user:hunter2@${LTX_BASE_URL#http://}"
    ! grep -q hunter2 "$WORK/err" && ok "URL userinfo is not in -v logs" || fail "userinfo: $(grep hunter2 "$WORK/err" | head -3)"
    curl -sf -X POST "$LTX_BASE_URL/_mock/reset" >/dev/null

    # --max-size and its check
    run text-to-video $T2V -o "$WORK/cap.mp4" --max-size 1K
    [ $rc -eq 12 ] && [ ! -e "$WORK/cap.mp4" ] && ok "--max-size stops a larger result: exit 12, no file" || fail "--max-size: exit $rc"
    run text-to-video $T2V -o "$WORK/cap.mp4" --max-size lots
    [ $rc -eq 2 ] && ok "--max-size takes a size" || fail "--max-size lots: exit $rc"

    # --ca-file and LTX_CA_FILE reach the library: an unreadable bundle is a TLS error, not retried
    run status text-to-video abc --base-url "https://127.0.0.1:${LTX_BASE_URL##*:}" --ca-file /nonexistent/ca.pem --json
    [ $rc -eq 9 ] && grep -q '"class":"tls"' "$WORK/out" && ok "--ca-file is used: exit 9, class tls" || fail "--ca-file: exit $rc $(cat "$WORK/out")"
    LTX_CA_FILE=/nonexistent/ca.pem run status text-to-video abc --base-url "https://127.0.0.1:${LTX_BASE_URL##*:}" --json
    grep -q '"class":"tls"' "$WORK/out" && ok "LTX_CA_FILE is used: class tls" || fail "LTX_CA_FILE: $(cat "$WORK/out")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
