#!/bin/sh
# tests/check-python-cdef.sh — the Python binding declares every C function, callback type
# and enum constant it uses exactly as the public headers do. cffi in ABI mode trusts its
# declarations: a parameter that changed type in C would be passed wrongly, without a word.
#
# Run by the automake test harness with top_srcdir set. Exit 0 pass, 1 fail.
: "${top_srcdir:=$(dirname "$0")/..}"
. "$top_srcdir/tests/c-decls.sh"
cdef="$top_srcdir/bindings/python/ltx/_ffi.py"
[ -f "$cdef" ] || { echo "check-python-cdef: FAIL: no $cdef"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-cdef.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

set --
for h in "$top_srcdir"/include/ltx/*.h "$top_srcdir"/include/ltx/*.h.in; do
	[ -f "$h" ] && set -- "$@" "$h"
done
c_decls "$@" | sort -u >"$tmp/header"
python_cdef >"$tmp/cdef.h"
c_decls "$tmp/cdef.h" | sort -u >"$tmp/python"
[ -s "$tmp/python" ] || { echo "check-python-cdef: FAIL: no CDEF = \"\"\" ... \"\"\" block in $cdef"; exit 1; }

passed=0 failed=0
while read -r kind name text; do
	want=$(awk -v k="$kind" -v n="$name" '$1 == k && $2 == n { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }' "$tmp/header")
	if [ -z "$want" ]; then
		failed=$((failed + 1))
		echo "FAIL: $kind $name: declared in $cdef, not in include/ltx/*.h"
	elif [ "$want" != "$text" ]; then
		failed=$((failed + 1))
		echo "FAIL: $kind $name differs"
		echo "  include/ltx: $want"
		echo "  python:      $text"
	else
		passed=$((passed + 1))
	fi
done <"$tmp/python"
if [ "$failed" -ne 0 ]; then
	echo "check-python-cdef: edit the CDEF block of bindings/python/ltx/_ffi.py to match the header"
	echo "  (and the Python code that calls the function), then run bindings/python/run-tests.sh"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
