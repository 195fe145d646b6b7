#!/bin/sh
# tests/contract/run.sh — contract test: every endpoint's request, as libltx builds it, goes
# through Prism (@stoplight/prism-cli, pinned in package.json) in validating proxy mode
# against the official OpenAPI document (spec/ltx-openapi.json, a byte copy of the one in
# shared/spec), patched by overlay.json where the live API has moved past the document and
# to forbid fields the document does not define. See README.md in this folder.
#
# Run from the build directory with top_srcdir and top_builddir set, as make check does:
#   top_srcdir=. top_builddir=. sh tests/contract/run.sh
# Chain: tools/ltx/ltx --base-url PRISM  ->  prism proxy --errors  ->  ltx-mock.
#
# A case fails if ltx exits non-zero, or if Prism's log for that case shows the request
# terminated with an error (a request violation: 422 UNPROCESSABLE_ENTITY; a response
# violation of error severity: 500 VIOLATIONS) — so the mock's responses must be valid too.
# Violations of lower severity are printed as notes. Two control cases send fields the
# document lacks (--set seed=1, --set camera_movement=...) and pass only if Prism rejects
# them, so a Prism that stopped validating cannot pass. Last, every field of every request
# schema must have been sent at least once (coverage.mjs).
#
# Exit 77 (skip) when node or npm is missing or Prism cannot be installed (no network);
# with CI=true or LTX_CONTRACT_REQUIRED=1 that is an error (exit 99) instead.
# Prism is installed with 'npm ci' (package-lock.json) into a cache directory outside the
# build tree, so that distclean leaves nothing and every build tree shares one install:
#   $LTX_CONTRACT_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/libltx-contract
#   (${TMPDIR:-/tmp}/libltx-contract without HOME)
# PRISM=/path/to/prism uses that executable instead (it must be the pinned version).
# LTX_CONTRACT_NPM_TIMEOUT (seconds, default 600) bounds the install.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
HERE="$top_srcdir/tests/contract"
SPEC="$top_srcdir/spec/ltx-openapi.json"
LTX="$top_builddir/tools/ltx/ltx"

unavailable() {
    if [ "${CI:-}" = true ] || [ -n "${LTX_CONTRACT_REQUIRED:-}" ]; then
        echo "contract: $1 (required here: CI=true or LTX_CONTRACT_REQUIRED set)"
        exit 99
    fi
    echo "contract: $1; skipping"
    exit 77
}

command -v node >/dev/null 2>&1 || unavailable "node not found"
[ -x "$LTX" ] || unavailable "$LTX not built"
[ -x "$top_builddir/tools/ltx-mock/ltx-mock" ] || unavailable "ltx-mock not built (needs libmicrohttpd)"
want=$(node -e 'process.stdout.write(require(process.argv[1]).dependencies["@stoplight/prism-cli"])' \
    "$(cd "$HERE" && pwd)/package.json") || exit 99

# ---------------------------------------------------------------- Prism
if [ -z "${PRISM:-}" ]; then
    cache=${XDG_CACHE_HOME:-${HOME:+$HOME/.cache}}
    cache=${LTX_CONTRACT_CACHE:-${cache:-${TMPDIR:-/tmp}}/libltx-contract}
    key=$(node -e '
        const h = require("crypto").createHash("sha256");
        for (const f of process.argv.slice(1)) h.update(require("fs").readFileSync(f));
        process.stdout.write(h.digest("hex").slice(0, 16));' "$HERE/package.json" "$HERE/package-lock.json") || exit 99
    dir="$cache/prism-$want-$key"
    PRISM="$dir/node_modules/.bin/prism"
    if [ ! -x "$PRISM" ]; then
        command -v npm >/dev/null 2>&1 || unavailable "npm not found, and Prism is not installed in $dir"
        mkdir -p "$cache" 2>/dev/null || unavailable "cannot create $cache (set LTX_CONTRACT_CACHE)"
        tmp=$(mktemp -d "$cache/install.XXXXXX") || unavailable "cannot write to $cache"
        cp "$HERE/package.json" "$HERE/package-lock.json" "$tmp/" || exit 99
        echo "contract: installing @stoplight/prism-cli $want into $dir (npm ci)"
        if ! (cd "$tmp" && timeout "${LTX_CONTRACT_NPM_TIMEOUT:-600}" npm ci --prefer-offline --no-audit --no-fund \
                --ignore-scripts --loglevel=error) >"$tmp.log" 2>&1; then
            sed 's/^/  npm: /' "$tmp.log" | tail -n 20
            # npm's own words for the cause: "code X" and the request's "reason: ...", or
            # the timeout; a TLS failure (a proxy's certificate) is not "no network"
            code=$(sed -n 's/^npm ERR! code //p' "$tmp.log" | head -n 1)
            reason=$(sed -n 's/^npm ERR! .*failed, reason: //p' "$tmp.log" | head -n 1)
            [ -z "$reason" ] && reason=$(grep -v '^npm ERR! \(code\|errno\|syscall\|A complete log\)' "$tmp.log" |
                sed -n 's/^npm ERR! //p' | head -n 1)
            rm -rf "$tmp" "$tmp.log"
            if [ -z "$code$reason" ]; then
                unavailable "could not install Prism: npm ci found no way to the npm registry within ${LTX_CONTRACT_NPM_TIMEOUT:-600} s (timeout), see the lines above"
            fi
            unavailable "could not install Prism: npm ci failed${code:+ with $code}${reason:+: $reason}"
        fi
        rm -f "$tmp.log"
        # rename(2) is atomic and fails if another run installed it meanwhile: keep that one
        node -e 'try { require("fs").renameSync(process.argv[1], process.argv[2]) } catch (e) {}' \
            "$tmp" "$dir"
        rm -rf "$tmp"
    fi
fi
[ -x "$PRISM" ] || unavailable "Prism not found at $PRISM"
got=$("$PRISM" --version 2>/dev/null)
[ "$got" = "$want" ] || { echo "contract: $PRISM is version '$got', package.json pins $want"; exit 99; }

# ---------------------------------------------------------------- mock and Prism
. "$top_srcdir/tests/mock-env.sh"     # sets WORK, LTX_BASE_URL (the mock), LTX_API_KEY, cleanup
PRISM_PID=
EXPLAIN_PID=
stop_all() {
    for pid in $PRISM_PID $EXPLAIN_PID; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    cleanup
}
trap stop_all EXIT
trap 'exit 130' INT HUP TERM

if ! node "$HERE/apply-overlay.mjs" "$SPEC" "$HERE/overlay.json" "$WORK/spec.json"; then
    echo "FAIL: overlay.json does not apply to $SPEC"
    echo "0 passed, 1 failed"
    exit 1
fi

free_port() {
    node -e 'const s = require("net").createServer();
             s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# start_prism LOG [prism options...]: sets $pid and $url; the caller keeps $pid
start_prism() {
    log=$1
    shift
    for _ in 1 2 3; do
        port=$(free_port) || return 1
        NO_COLOR=1 FORCE_COLOR=0 SCARF_ANALYTICS=false DO_NOT_TRACK=1 \
            "$PRISM" proxy "$@" -h 127.0.0.1 -p "$port" "$WORK/spec.json" "$LTX_BASE_URL" >"$log" 2>&1 &
        pid=$!
        url="http://127.0.0.1:$port"
        i=0
        while [ $i -lt 600 ]; do    # 60 s
            grep -q "Prism is listening on" "$log" && return 0
            kill -0 "$pid" 2>/dev/null || break
            i=$((i + 1))
            sleep 0.1
        done
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        grep -q EADDRINUSE "$log" || break    # a port taken in between: try another
    done
    echo "contract: Prism did not start:"
    sed 's/^/  prism: /' "$log" | tail -n 30
    return 1
}

start_prism "$WORK/prism.log" --errors -v debug || exit 99
PRISM_PID=$pid PRISM_URL=$url
echo "contract: Prism $want at $PRISM_URL, validating against spec/ltx-openapi.json + overlay.json, upstream ltx-mock at $LTX_BASE_URL"

# ---------------------------------------------------------------- cases
passed=0 failed=0 n=0 start=1
ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }

# A request Prism cannot route, as a marker in its log: the lines before it belong to the case.
# Sets $slice (the case's log lines, in $WORK/slice) and moves $start past the marker.
end_case() {
    node -e 'fetch(process.argv[1]).then(r => r.text()).catch(() => {})' "$PRISM_URL/__contract/end-$n"
    i=0
    until grep -q "/__contract/end-$n .*Request terminated" "$WORK/prism.log"; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "contract: Prism's log lost the marker of case $n"; exit 99; }
        sleep 0.1
    done
    first=$(grep -n "/__contract/end-$n " "$WORK/prism.log" | head -n 1 | cut -d: -f1)
    last=$(grep -n "/__contract/end-$n .*Request terminated" "$WORK/prism.log" | head -n 1 | cut -d: -f1)
    if [ "$first" -gt "$start" ]; then
        sed -n "${start},$((first - 1))p" "$WORK/prism.log"
    fi | grep -v '⬤  debug' >"$WORK/slice"    # drop the debug lines (headers, bodies)
    start=$((last + 1))
}

# Prism again without --errors: it forwards the request and logs each violation by field.
# Started only when a case has failed, to say why.
explain() {
    if [ -z "$EXPLAIN_PID" ]; then
        start_prism "$WORK/explain.log" || return
        EXPLAIN_PID=$pid EXPLAIN_URL=$url
    fi
    before=$(wc -l <"$WORK/explain.log")
    "$LTX" --base-url "$EXPLAIN_URL" -q "$@" >/dev/null 2>&1
    sleep 0.5
    sed -n "$((before + 1)),\$p" "$WORK/explain.log" | grep 'Violation:' |
        sed 's/^.*Violation: /  violation: /'
}

# check NAME [--reject] LTX-ARGS...: run the ltx command through Prism. Without --reject the
# request must be valid; with --reject Prism must reject it (the control cases).
check() {
    name=$1
    shift
    expect=valid
    [ "$1" = --reject ] && { expect=reject; shift; }
    n=$((n + 1))
    rm -f "$OUT"
    "$LTX" --base-url "$PRISM_URL" -q "$@" >"$WORK/stdout" 2>"$WORK/stderr"
    rc=$?
    end_case
    errors=$(grep -c 'Request terminated with error' "$WORK/slice")
    if [ "$expect" = reject ]; then
        if [ "$rc" -ne 0 ] && grep -q 'UNPROCESSABLE_ENTITY' "$WORK/slice"; then
            ok "$name (rejected by Prism as it should be)"
        elif ! grep -q 'Request received' "$WORK/slice"; then
            fail "$name: the request never reached Prism (ltx exit $rc)"
            sed 's/^/  ltx: /' "$WORK/stderr"
        else
            fail "$name: Prism did not reject it (ltx exit $rc)"
            sed 's/^.*› */  prism: /' "$WORK/slice"
        fi
        return
    fi
    why=
    [ "$rc" -ne 0 ] && why="ltx exit $rc"
    grep -q 'Request received' "$WORK/slice" || why="${why:+$why; }no request reached Prism"
    [ "$errors" -ne 0 ] && why="${why:+$why; }Prism: $(grep -o 'errors#[A-Z_]*' "$WORK/slice" | sed 's/errors#//' | tr '\n' ' ' | sed 's/ $//')"
    for arg in "$@"; do
        [ "$arg" = "$OUT" ] && { [ -s "$OUT" ] || why="${why:+$why; }no output file written"; }
    done
    if [ -z "$why" ]; then
        ok "$name"
        grep 'VALIDATOR' "$WORK/slice" | sed 's/^.*\] *[^ ]* *\([a-z]*\) *Violation: /  note (\1): /'
        return
    fi
    fail "$name: $why"
    sed 's/^/  ltx: /' "$WORK/stderr"
    grep -E 'VALIDATOR|terminated' "$WORK/slice" | sed 's/^.*› */  prism: /'
    explain "$@"
}

IMG=https://example.com/first.png
IMG2=https://example.com/last.jpg
DATA_IMG='data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
AUDIO=https://example.com/track.mp3
VIDEO=https://example.com/input.mp4
# a storage URI the mock really issued: it accepts no ltx:// URI it did not hand out. The
# upload request goes through Prism too, so POST /v1/upload is checked like the others.
UPLOADED=$("$LTX" --base-url "$PRISM_URL" -q upload "$top_srcdir/tests/data/sample.mp4" 2>"$WORK/upload.err") ||
    { echo "FAIL: ltx upload: $(cat "$WORK/upload.err")"; exit 1; }
case "$UPLOADED" in ltx://*) ;; *) echo "FAIL: ltx upload printed '$UPLOADED'"; exit 1 ;; esac
OUT=$WORK/out.mp4    # v1 (--sync) and waiting v2 cases write the result here

# text-to-video (TextToVideoRequest)
check "v2 text-to-video, required fields" \
    text-to-video --no-wait --prompt "A lighthouse at dusk" --model ltx-2-3-fast --duration 8 --resolution 1920x1080
check "v2 text-to-video, every field" \
    text-to-video --no-wait --prompt "A lighthouse at dusk" --model ltx-2-3-pro --duration 6 --resolution 1080x1920 \
    --fps 50 --camera-motion dolly_in --no-audio
check "v1 text-to-video, every field" \
    text-to-video --sync -o "$OUT" --prompt "A lighthouse at dusk" --model ltx-2-3-pro --duration 10 --resolution 3840x2160 \
    --fps 25 --camera-motion jib_down --no-audio
check "v2 text-to-video, ltx-2-5-pro, automatic duration (overlay)" \
    text-to-video --no-wait --prompt "A lighthouse at dusk" --model ltx-2-5-pro --auto-duration --resolution 1920x1080
check "v1 text-to-video, ltx-2-5-fast, automatic duration (overlay)" \
    text-to-video --sync -o "$OUT" --prompt "A lighthouse at dusk" --model ltx-2-5-fast --auto-duration --resolution 1280x720 --fps 24

# image-to-video (ImageToVideoRequest)
check "v2 image-to-video, every field" \
    image-to-video --no-wait --image $IMG --last-frame $IMG2 --prompt "The boat drifts" --model ltx-2-3-fast \
    --duration 6 --resolution 1920x1080 --fps 48 --camera-motion static --no-audio
check "v1 image-to-video, every field, data: URI" \
    image-to-video --sync -o "$OUT" --image "$DATA_IMG" --last-frame $IMG2 --prompt "The boat drifts" --model ltx-2-3-pro \
    --duration 8 --resolution 2560x1440 --fps 24 --camera-motion focus_shift --no-audio
check "v2 image-to-video, ltx-2-5-fast, automatic duration (overlay)" \
    image-to-video --no-wait --image $IMG --prompt "The boat drifts" --model ltx-2-5-fast --auto-duration --resolution 1080x1920
check "v1 image-to-video, ltx-2-5-pro (overlay)" \
    image-to-video --sync -o "$OUT" --image $IMG --prompt "The boat drifts" --model ltx-2-5-pro --duration 6 --resolution 1920x1080

# audio-to-video (AudioToVideoRequest)
check "v2 audio-to-video, prompt only" \
    audio-to-video --no-wait --audio $AUDIO --prompt "A drummer on a rooftop"
check "v2 audio-to-video, every field" \
    audio-to-video --no-wait --audio $AUDIO --image $IMG --prompt "" --resolution 1080x1920 --guidance-scale 7.5 --model ltx-2-3-pro
check "v1 audio-to-video, every field" \
    audio-to-video --sync -o "$OUT" --audio $AUDIO --image $IMG --prompt "A drummer" --resolution 1920x1080 --guidance-scale 9 --model ltx-2-3-pro
check "v1 audio-to-video, image only, ltx-2-5-fast (overlay)" \
    audio-to-video --sync -o "$OUT" --audio $AUDIO --image $IMG --model ltx-2-5-fast
check "v2 audio-to-video, ltx-2-5-pro (overlay)" \
    audio-to-video --no-wait --audio $AUDIO --prompt "A drummer" --model ltx-2-5-pro

# retake (EditVideoRequest)
check "v2 retake, required fields" \
    retake --no-wait --video $VIDEO --start 0 --duration 3
check "v2 retake, every field" \
    retake --no-wait --video $UPLOADED --start 1.5 --duration 2.5 --prompt "It starts to rain" --mode replace_video \
    --resolution 1080x1920 --model ltx-2-3-pro
check "v1 retake, every field" \
    retake --sync -o "$OUT" --video $VIDEO --start 2 --duration 4 --prompt "It starts to rain" --mode replace_audio \
    --resolution 1920x1080 --model ltx-2-3-pro

# extend (ExtendVideoRequest)
check "v2 extend, required fields" \
    extend --no-wait --video $VIDEO --duration 4
check "v2 extend, every field" \
    extend --no-wait --video $VIDEO --duration 5 --prompt "The camera pulls back" --mode start --model ltx-2-3-pro --context 3.5
check "v1 extend, every field" \
    extend --sync -o "$OUT" --video $UPLOADED --duration 2 --prompt "The camera pulls back" --mode end --model ltx-2-3-pro --context 8

# HDR and reframe: v2 only
check "v2 hdr" \
    hdr --no-wait --video $VIDEO
check "v2 reframe, no model (overlay)" \
    reframe --no-wait --video $VIDEO --resolution 1080x1350
check "v2 reframe, every field" \
    reframe --no-wait --video $UPLOADED --resolution 720x720 --model ltx-2-3-pro

# submit, poll (GET /v2/{endpoint}/{id}: the poll path libltx builds, and the mock's status
# answers) and download (from the mock directly: result URLs are absolute), once per endpoint
check "v2 text-to-video, submit and poll" \
    text-to-video --poll-interval 10 -o "$OUT" --prompt "A lighthouse" --model ltx-2-3-fast --duration 6 --resolution 1920x1080
check "v2 image-to-video, submit and poll" \
    image-to-video --poll-interval 10 -o "$OUT" --image $IMG --prompt "The boat drifts" --model ltx-2-3-fast --duration 6 --resolution 1920x1080
check "v2 audio-to-video, submit and poll" \
    audio-to-video --poll-interval 10 -o "$OUT" --audio $AUDIO --image $IMG
check "v2 retake, submit and poll" \
    retake --poll-interval 10 -o "$OUT" --video $VIDEO --start 0 --duration 2
check "v2 extend, submit and poll" \
    extend --poll-interval 10 -o "$OUT" --video $VIDEO --duration 2
check "v2 hdr, submit and poll" \
    hdr --poll-interval 10 -o "$OUT" --video $VIDEO
check "v2 reframe, submit and poll" \
    reframe --poll-interval 10 -o "$OUT" --video $VIDEO --resolution 1080x1920

# controls: fields outside the document must be rejected, or the cases above prove nothing
check "control: unknown field seed" --reject \
    text-to-video --no-wait --prompt "A lighthouse" --model ltx-2-3-fast --duration 6 --resolution 1920x1080 --set seed=1
check "control: camera_movement instead of camera_motion" --reject \
    image-to-video --no-wait --image $IMG --prompt "A lighthouse" --model ltx-2-3-fast --duration 6 --resolution 1920x1080 \
    --set camera_movement='"dolly_in"'

# every field of every request schema was sent at least once
node "$HERE/coverage.mjs" "$WORK/spec.json" "$WORK/prism.log" >"$WORK/coverage" 2>&1
rc=$?
cat "$WORK/coverage"
passed=$((passed + $(grep -c '^ok:' "$WORK/coverage")))
failed=$((failed + $(grep -c '^FAIL:' "$WORK/coverage")))
[ "$rc" -ne 0 ] && ! grep -q '^FAIL:' "$WORK/coverage" && fail "coverage: coverage.mjs exited $rc"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
