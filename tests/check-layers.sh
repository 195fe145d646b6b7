#!/bin/sh
# tests/check-layers.sh — lib/ is built in layers (HACKING, "Layers"): no include cycle among its
# files, no file that calls into a file which calls back into it (a cycle of modules, read from
# the symbols of the built objects), and each private header included only by its own layer.
: "${top_srcdir:=.}" "${top_builddir:=.}"
lib="$top_srcdir/lib"
work=$(mktemp -d "${TMPDIR:-/tmp}/ltx-layers.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0

fail() {
    failed=$((failed + 1))
    echo "FAIL: $*"
}

# 1. #include "x.h" between lib's files: every pair "includer included" for tsort, which
#    reports a loop when the files include each other round a circle.
for f in "$lib"/*.c "$lib"/*.h; do
    name=$(basename "$f")
    echo "$name $name"
    sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
        [ -f "$lib/$inc" ] && echo "$name $inc"
    done
done >"$work/includes"
if ! tsort "$work/includes" >/dev/null 2>"$work/err"; then
    fail "an include cycle in lib/:"
    sed 's/^/  /' "$work/err"
fi

# 2. Calls between modules: file A uses a symbol that file B defines. A cycle means neither
#    can be understood, tested or replaced without the other. A module may span files named
#    after it (batch.c, batch_run.c, batch_step.c ...: module batch).
archive="$top_builddir/lib/.libs/libltx-core.a"
if [ ! -f "$archive" ]; then
    fail "$archive is not built"
else
    nm -A "$archive" 2>/dev/null | awk '
        { sub(/^.*libltx_core_la-/, ""); split($0, a, ":"); mod = a[1]; sub(/\.o$/, "", mod); sub(/_.*$/, "", mod)
          n = split($0, f, /[ \t]+/); sym = f[n]; type = f[n - 1] }
        type ~ /^[TDRB]$/ { def[sym] = mod }
        type == "U" { use[mod, sym] = 1 }
        END { for (k in use) { split(k, p, SUBSEP)
                  if ((p[2] in def) && def[p[2]] != p[1]) print p[1], def[p[2]] } }' |
        sort -u >"$work/calls"
    if [ ! -s "$work/calls" ]; then
        fail "no calls between modules read from $archive (nm missing?)"
    elif ! tsort "$work/calls" >/dev/null 2>"$work/err"; then
        fail "modules of lib/ that call each other round a circle:"
        sed 's/^/  /' "$work/err"
    fi
fi

# 3. Who may include a layer's private header (and so use its types and functions).
#    transport  http_int.h  the transport's own files (libcurl's types), as curl's vtls_int.h
#               http.h   the call layer, and the client for its connection pool
#    call       call.h   retries, uploads, and the job layer
#    job ops    jobops.h the blocking job calls, generate, the poll schedule, and the batch's event loop
allowed() {
    case "$1" in
    http_int.h) echo "http.c http_pool.c http_multi.c" ;;
    http.h) echo "http_int.h call.h client.c global.c" ;;
    call.h) echo "call.c retry.c upload.c upload_int.h jobops.h" ;;
    jobops.h) echo "job.c download.c generate.c poll.c batch_int.h" ;;
    esac
}
for header in http_int.h http.h call.h jobops.h; do
    for f in "$lib"/*.c "$lib"/*.h; do
        name=$(basename "$f")
        grep -q "^#[[:space:]]*include[[:space:]]*\"$header\"" "$f" || continue
        case " $(allowed "$header") " in
        *" $name "*) ;;
        *) fail "lib/$name includes $header, which is for: $(allowed "$header")" ;;
        esac
    done
done
# and only the transport sees libcurl, only the codec jansson
for f in "$lib"/*.c "$lib"/*.h; do
    name=$(basename "$f")
    grep -q '^#[[:space:]]*include[[:space:]]*<curl/' "$f" && [ "$name" != http_int.h ] &&
        fail "lib/$name includes libcurl's header (only http_int.h may)"
    grep -q '^#[[:space:]]*include[[:space:]]*<jansson.h>' "$f" && [ "$name" != codec.c ] &&
        fail "lib/$name includes jansson.h (only codec.c may)"
done

[ "$failed" -eq 0 ] && echo "lib/ layers: no include cycle, no call cycle, headers by layer"
[ "$failed" -eq 0 ]
