#!/bin/sh
# tests/examples.sh — every example program runs against ltx-mock and writes the served video.
. "${top_srcdir:-.}/tests/mock-env.sh"
status=0
for ex in generate submit_wait; do
    out="$WORK/$ex.mp4"
    if ! "$top_builddir/examples/$ex" "A lighthouse at dusk" "$out" >"$WORK/$ex.log" 2>&1; then
        echo "FAIL: examples/$ex exited non-zero:"; cat "$WORK/$ex.log"; status=1; continue
    fi
    if ! cmp -s "$out" "$top_srcdir/tests/data/sample.mp4"; then
        echo "FAIL: examples/$ex did not write the video the mock served"; status=1; continue
    fi
    echo "ok: examples/$ex"
done
exit $status
