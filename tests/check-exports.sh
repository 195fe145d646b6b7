#!/bin/sh
# tests/check-exports.sh: the shared library exports exactly the LTX_API
# functions of the public headers, nothing outside ltx_*, and has a
# libltx.so.N SONAME.
#
# Run by the automake test harness from the build directory, with top_srcdir
# and top_builddir in the environment. Exit 0 pass, 1 fail, 77 skip.

: "${top_srcdir:=$(dirname "$0")/..}"
: "${top_builddir:=.}"

lib="$top_builddir/lib/.libs/libltx.so"
tmp=${TMPDIR:-/tmp}/check-exports.$$
trap 'rm -f "$tmp".*' EXIT
trap 'exit 1' HUP INT TERM

fail() {
	echo "check-exports: FAIL: $*" >&2
	exit 1
}

. "${top_srcdir:-.}/tests/api-functions.sh"

if ! command -v nm >/dev/null 2>&1; then
	echo "check-exports: SKIP: nm not found"
	exit 77
fi
if [ ! -f "$lib" ]; then
	echo "check-exports: SKIP: $lib not built (static-only build?)"
	exit 77
fi

# The public headers: the sources, plus version.h, which configure generates
# into the build tree from version.h.in.
set --
for h in "$top_srcdir"/include/ltx/*.h "$top_srcdir"/include/ltx/*.h.in \
    "$top_builddir"/include/ltx/version.h; do
	[ -f "$h" ] && set -- "$@" "$h"
done
[ $# -gt 0 ] || fail "no headers found under $top_srcdir/include/ltx"
api_functions "$@" >"$tmp.api"
[ -s "$tmp.api" ] || fail "no LTX_API declaration found in: $*"

# Defined dynamic symbols as "TYPE NAME"; "ltx_x@@LTX_0.1" loses its version.
nm -D --defined-only "$lib" >"$tmp.nm" 2>"$tmp.err" ||
	fail "nm -D --defined-only $lib: $(cat "$tmp.err")"
awk 'NF >= 2 {
	type = $(NF - 1); name = $NF
	sub(/@.*/, "", name)
	# the absolute symbols that name the version nodes (LTX_0.1)
	if (type == "A" && name ~ /^[A-Za-z_][A-Za-z0-9_]*_[0-9]+(\.[0-9]+)*$/)
		next
	print type, name
}' "$tmp.nm" >"$tmp.syms"

status=0
awk '$2 !~ /^ltx_/' "$tmp.syms" >"$tmp.foreign"
if [ -s "$tmp.foreign" ]; then
	echo "check-exports: exported by $lib outside the ltx_ prefix" \
	    "(check -fvisibility=hidden and lib/libltx.map):" >&2
	sed 's/^/  /' "$tmp.foreign" >&2
	status=1
fi

awk '$2 ~ /^ltx_/ { print $2 }' "$tmp.syms" | LC_ALL=C sort -u >"$tmp.exported"
LC_ALL=C comm -23 "$tmp.api" "$tmp.exported" >"$tmp.missing"
LC_ALL=C comm -13 "$tmp.api" "$tmp.exported" >"$tmp.extra"
if [ -s "$tmp.missing" ]; then
	echo "check-exports: declared LTX_API in the headers but not exported by $lib" \
	    "(a new function goes in a new version node of lib/libltx.map, see RELEASING):" >&2
	sed 's/^/  /' "$tmp.missing" >&2
	status=1
fi

# The version script names every symbol: a pattern would put a function added later into a
# node that already shipped, where programs built against it could not tell it is missing.
map="$top_srcdir/lib/libltx.map"
if grep -v '^[[:space:]]*\*\|^[[:space:]]*/\*' "$map" | grep -q 'ltx_[A-Za-z0-9_]*\*'; then
	echo "check-exports: $map exports by pattern; name each symbol in its version node" >&2
	status=1
fi
if [ -s "$tmp.extra" ]; then
	echo "check-exports: exported by $lib but not declared LTX_API in the headers:" >&2
	sed 's/^/  /' "$tmp.extra" >&2
	status=1
fi
[ $status -eq 0 ] || fail "the exported symbols differ from the LTX_API functions of the headers"

# SONAME: objdump -p or readelf -d, whichever is there and answers.
soname=
if command -v objdump >/dev/null 2>&1; then
	soname=$(objdump -p "$lib" 2>/dev/null | awk '$1 == "SONAME" { print $2 }')
fi
if [ -z "$soname" ] && command -v readelf >/dev/null 2>&1; then
	soname=$(readelf -d "$lib" 2>/dev/null |
	    sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
fi
if [ -z "$soname" ] && ! command -v objdump >/dev/null 2>&1 &&
    ! command -v readelf >/dev/null 2>&1; then
	echo "check-exports: note: neither objdump nor readelf found; SONAME not checked"
else
	case $soname in
	libltx.so.[0-9]*)
		case ${soname#libltx.so.} in
		*[!0-9]*) fail "SONAME is '$soname', expected libltx.so.N" ;;
		esac ;;
	*) fail "SONAME is '${soname:-missing}', expected libltx.so.N" ;;
	esac
	echo "check-exports: SONAME $soname"
fi

echo "check-exports: $(wc -l <"$tmp.api" | tr -d ' ') exported functions match the headers"
exit 0
