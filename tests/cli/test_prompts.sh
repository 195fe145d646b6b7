#!/bin/sh
# tests/cli/test_prompts.sh — finding your way with ltx: prompts from standard input and files
# (and a prompt of "-" never sent), every missing option in one message, "did you mean",
# ltx help, and the API key from a file.
SECRET=sk-prompt-test-0123456789abcdef
MOCK_ARGS="--api-key $SECRET" MOCK_KEY=$SECRET
. "${top_srcdir:-.}/tests/mock-env.sh"
LTX="$top_builddir/tools/ltx/ltx"
REST="--model ltx-2-3-fast --duration 6 --resolution 1920x1080 --no-wait"
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ -f "$WORK/err" ] && sed 's/^/  stderr: /' "$WORK/err"; }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; } # check NAME SHELL-CONDITION
mstat() { curl -sf "$LTX_BASE_URL/_mock/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
mreset() { curl -sf -X POST "$LTX_BASE_URL/_mock/reset" >/dev/null; }
mbody() { curl -sf "$LTX_BASE_URL/_mock/requests?path_prefix=/v2/&limit=1" | sed -n 's/.*"body":"\(.*\)","body_len".*/\1/p'; }
mall() { curl -sf "$LTX_BASE_URL/_mock/requests?path_prefix=/v2/"; } # every recorded request
run() { eval "$LTX $*" >"$WORK/out" 2>"$WORK/err"; rc=$?; }

command -v curl >/dev/null 2>&1 || { echo "curl not found"; exit 99; }

# prompts from standard input and from a file
mreset
echo "A cat on a windowsill" >"$WORK/stdin"
run "text-to-video --prompt - $REST <'$WORK/stdin'"
check "--prompt - sends standard input, its newline dropped" \
    '[ $rc -eq 0 ] && mbody | grep -q "\"prompt\\\\\":\\\\\"A cat on a windowsill\\\\\""'
printf 'Rain on a tin roof\r\n\n' >"$WORK/prompt.txt"
run "text-to-video --prompt-file '$WORK/prompt.txt' $REST"
check "--prompt-file sends the file, its final newlines dropped" \
    '[ $rc -eq 0 ] && mbody | grep -q "\"prompt\\\\\":\\\\\"Rain on a tin roof\\\\\""'
mreset
echo "-" >"$WORK/stdin"
run "text-to-video --prompt - $REST <'$WORK/stdin'"
check "a prompt of '-' from standard input is never sent" '[ $rc -eq 2 ] && [ "$(mstat submits)" = 0 ] && grep -q "prompt of .-. is not sent" "$WORK/err"'
printf -- '-\n' >"$WORK/dash.txt"
run "text-to-video --prompt-file '$WORK/dash.txt' $REST"
check "nor from --prompt-file" '[ $rc -eq 2 ] && [ "$(mstat submits)" = 0 ]'
run "text-to-video --prompt - $REST </dev/null"
check "an empty prompt on standard input: exit 2, nothing sent" '[ $rc -eq 2 ] && grep -q "empty" "$WORK/err" && [ "$(mstat submits)" = 0 ]'
printf '\377\376 bad' >"$WORK/latin.txt"
run "text-to-video --prompt-file '$WORK/latin.txt' $REST"
check "a prompt file that is not UTF-8 is refused" '[ $rc -eq 2 ] && grep -q "not UTF-8" "$WORK/err"'
awk 'BEGIN { for (i = 0; i < 5001; i++) printf "a" }' >"$WORK/long.txt"
run "text-to-video --prompt-file '$WORK/long.txt' $REST"
check "the 5000-character rule applies to a prompt file" '[ $rc -eq 3 ] && [ "$(mstat submits)" = 0 ]'
run "text-to-video --prompt x --prompt-file '$WORK/prompt.txt' $REST"
check "--prompt and --prompt-file together: a usage error" '[ $rc -eq 2 ] && grep -q "cannot be used together" "$WORK/err"'

# batch lines: "prompt_file", and "prompt": "-"
printf '{"id":"f","prompt_file":"%s","model":"ltx-2-3-fast","duration":6,"resolution":"1920x1080"}\n' "$WORK/prompt.txt" >"$WORK/pf.jsonl"
mreset
run "batch --poll-interval 50 '$WORK/pf.jsonl' --output-dir '$WORK/pf'"
check "a batch line's prompt_file is read and sent" \
    '[ $rc -eq 0 ] && mall | grep -q "prompt\\\\\":\\\\\"Rain on a tin roof\\\\\""'
printf '{"id":"d","prompt":"-","model":"ltx-2-3-fast","duration":6,"resolution":"1920x1080"}\n' >"$WORK/pd.jsonl"
mreset
run "batch --poll-interval 50 '$WORK/pd.jsonl' --output-dir '$WORK/pd'"
check "a batch line whose prompt is '-' is refused before anything is sent" \
    '[ $rc -eq 3 ] && [ "$(mstat requests)" = 0 ] && grep -q "pd.jsonl:1: a prompt of" "$WORK/err"'

# every missing option at once, with an example line
run "text-to-video --resolution 1920x1080"
check "all missing options in one message, with an example" \
    '[ $rc -eq 2 ] && grep -q "text-to-video: missing --prompt, --model, --duration, -o FILE" "$WORK/err" && grep -q "for example: ltx text-to-video --prompt" "$WORK/err"'
run "image-to-video --prompt-file '$WORK/prompt.txt' --auto-duration --no-wait"
check "--prompt-file and --auto-duration stand for --prompt and --duration" \
    '[ $rc -eq 2 ] && grep -q "image-to-video: missing --model, --resolution, --image$" "$WORK/err"'

# did you mean
run "text-to-video --promt x"
check "a misspelt option: did you mean" '[ $rc -eq 2 ] && grep -q "unknown option --promt; did you mean --prompt?" "$WORK/err"'
run "text-to-vidoe"
check "a misspelt command: did you mean" '[ $rc -eq 2 ] && grep -q "did you mean .text-to-video." "$WORK/err"'
run "frobnicate"
check "no suggestion for a word near nothing" '[ $rc -eq 2 ] && ! grep -q "did you mean" "$WORK/err"'

# ltx help [COMMAND]
run "help"
check "ltx help lists the commands" '[ $rc -eq 0 ] && grep -q "^  completion " "$WORK/out" && grep -q "^  help " "$WORK/out"'
run "help batch"
check "ltx help batch shows its options" '[ $rc -eq 0 ] && grep -q -- "--max-cost USD" "$WORK/out" && grep -q -- "--dry-run" "$WORK/out"'
run "help text-to-video"
check "ltx help shows a command's example" '[ $rc -eq 0 ] && grep -q "^  ltx text-to-video --prompt" "$WORK/out"'

# the key from a file: read, trimmed, never printed
printf '  %s\n\n' "$SECRET" >"$WORK/key"
mreset
LTX_API_KEY= run "--api-key-file '$WORK/key' text-to-video --prompt x $REST"
check "--api-key-file: the key is read and trimmed" '[ $rc -eq 0 ] && [ "$(mstat jobs_accepted)" = 1 ]'
LTX_API_KEY= LTX_API_KEY_FILE="$WORK/key" run "text-to-video --prompt x $REST"
check "LTX_API_KEY_FILE" '[ $rc -eq 0 ] && [ "$(mstat jobs_accepted)" = 2 ]'
printf 'sk-wrong-key-00000000\n' >"$WORK/wrong"
LTX_API_KEY= run "--api-key-file '$WORK/wrong' -v text-to-video --prompt x $REST"
check "a wrong key from a file: exit 4, the key in no message" '[ $rc -eq 4 ] && ! grep -q "sk-wrong-key" "$WORK/err" "$WORK/out"'
: >"$WORK/empty"
LTX_API_KEY= run "--api-key-file '$WORK/empty' text-to-video --prompt x $REST"
check "an empty key file is a usage error" '[ $rc -eq 2 ] && grep -q "is empty" "$WORK/err"'
LTX_API_KEY= run "--api-key-file '$WORK/missing' text-to-video --prompt x $REST"
check "a missing key file is a usage error naming it" '[ $rc -eq 2 ] && grep -q "missing" "$WORK/err"'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
