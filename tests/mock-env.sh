# tests/mock-env.sh — sourced by shell tests: start ltx-mock on a free port, stop it on exit.
# Sets LTX_BASE_URL, LTX_API_KEY and MOCK_PID; needs top_builddir and top_srcdir;
# MOCK_ARGS adds options to ltx-mock.
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
MOCK_BIN="$top_builddir/tools/ltx-mock/ltx-mock"
[ -x "$MOCK_BIN" ] || { echo "ltx-mock not built; skipping"; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltx-test.XXXXXX")
"$MOCK_BIN" --port 0 --port-file "$WORK/port" --quiet ${MOCK_ARGS:-} >"$WORK/mock.out" 2>&1 &
MOCK_PID=$!
cleanup() {
    kill "$MOCK_PID" 2>/dev/null
    wait "$MOCK_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
i=0
while [ ! -s "$WORK/port" ]; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$MOCK_PID" 2>/dev/null; then
        echo "ltx-mock did not start:"; cat "$WORK/mock.out"; exit 1
    fi
    sleep 0.1
done
LTX_BASE_URL="http://127.0.0.1:$(cat "$WORK/port")"
# is_mock_zip FILE: FILE is the EXR archive ltx-mock serves as an HDR result, a ZIP of frames
is_mock_zip() {
    [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = 'PK003004' ] && grep -q 'frames/frame_00000.exr' "$1"
}
LTX_API_KEY=${MOCK_KEY:-test-key}
export LTX_BASE_URL LTX_API_KEY
