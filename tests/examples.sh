#!/bin/sh
# tests/examples.sh — every example program runs against ltx-mock and writes the served video.
. "${top_srcdir:-.}/tests/mock-env.sh"
data="$top_srcdir/tests/data"
status=0 passed=0 failed=0
while read -r ex input; do
    out="$WORK/$ex.out"
    if ! "$top_builddir/examples/$ex" "$input" "$out" >"$WORK/$ex.log" 2>&1; then
        echo "FAIL: examples/$ex exited non-zero:"; cat "$WORK/$ex.log"; failed=$((failed + 1)); continue
    fi
    if [ "$ex" = hdr ]; then # HDR's result is the EXR archive, a ZIP
        if ! is_mock_zip "$out"; then
            echo "FAIL: examples/hdr did not write the archive the mock served"; failed=$((failed + 1)); continue
        fi
    elif ! cmp -s "$out" "$data/sample.mp4"; then
        echo "FAIL: examples/$ex did not write the result the mock served"; failed=$((failed + 1)); continue
    fi
    echo "ok: examples/$ex"; passed=$((passed + 1))
done <<EOF2
generate A lighthouse at dusk
submit_wait A lighthouse at dusk
image_to_video $data/frame.png
audio_to_video $data/tone.wav
retake $data/sample.mp4
extend $data/sample.mp4
hdr $data/sample.mp4
reframe $data/sample.mp4
batch A lighthouse at dusk
EOF2
# the batch example writes its other takes beside its output
for n in 1 2; do
    if ! cmp -s "$WORK/batch.out.$n" "$data/sample.mp4"; then
        echo "FAIL: examples/batch did not write take $n"; failed=$((failed + 1))
    fi
done
# cancel: two generations cancelled (a thread, SIGINT), the third written whole
if ! "$top_builddir/examples/cancel" "A lighthouse at dusk" "$WORK/cancel.out" >"$WORK/cancel.log" 2>&1 </dev/null ||
    ! cmp -s "$WORK/cancel.out" "$data/sample.mp4" || [ "$(grep -c '^  cancelled: ' "$WORK/cancel.log")" != 2 ]; then
    echo "FAIL: examples/cancel:"; cat "$WORK/cancel.log"; failed=$((failed + 1))
else
    echo "ok: examples/cancel"; passed=$((passed + 1))
fi
# poll_loop: prompts from standard input, one of them cancelled; the others written whole
printf 'A lighthouse at dusk\nA kite over the dunes\nA third take\ncancel 2\n' |
    "$top_builddir/examples/poll_loop" "$WORK/loop" >"$WORK/loop.log" 2>&1
if [ $? -ne 0 ] || ! cmp -s "$WORK/loop.0" "$data/sample.mp4" || ! cmp -s "$WORK/loop.1" "$data/sample.mp4" ||
    [ -e "$WORK/loop.2" ] || ! grep -q '^2: .*cancelled' "$WORK/loop.log"; then
    echo "FAIL: examples/poll_loop:"; cat "$WORK/loop.log"; failed=$((failed + 1))
else
    echo "ok: examples/poll_loop"; passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
