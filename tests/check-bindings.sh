#!/bin/sh
# tests/check-bindings.sh — every public C function (LTX_API in include/ltx/*.h) is bound in
# Python, Go and Rust, or bindings/unbound.txt says why not. Found by name in each binding:
#   python  a declaration in the CDEF block of bindings/python/ltx/_ffi.py
#   go      C.ltx_NAME, or a call in a cgo preamble, in bindings/go/*.go (tests and // lines
#           excluded)
#   rust    fn ltx_NAME in the extern declarations of bindings/rust/ltx-sys (*.rs)
# bindings/unbound.txt lines: `FUNCTION  LANGUAGES  WHY`, LANGUAGES a comma-separated list
# of python, go, rust (or all); # starts a comment. A line that no longer applies (the
# function is gone, or bound after all) fails too, so that the list stays true.
#
# Run by the automake test harness with top_srcdir set. Exit 0 pass, 1 fail.
: "${top_srcdir:=$(dirname "$0")/..}"
. "$top_srcdir/tests/api-functions.sh"
. "$top_srcdir/tests/c-decls.sh"
list=bindings/unbound.txt
allow="$top_srcdir/$list"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-bindings.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
[ -f "$allow" ] || { echo "check-bindings: FAIL: no $allow"; exit 1; }

set --
for h in "$top_srcdir"/include/ltx/*.h "$top_srcdir"/include/ltx/*.h.in; do
	[ -f "$h" ] && set -- "$@" "$h"
done
api_functions "$@" >"$tmp/api"
[ -s "$tmp/api" ] || { echo "check-bindings: FAIL: no LTX_API function in include/ltx"; exit 1; }

# the names each binding binds, one per line
python_cdef >"$tmp/cdef.h"
c_decls "$tmp/cdef.h" | awk '$1 == "fn" { print $2 }' | sort -u >"$tmp/python"
# (a line comment is no call: // lines are dropped; the cgo preamble is a /* */ block)
find "$top_srcdir/bindings/go" -name '*.go' ! -name '*_test.go' -exec cat {} + 2>/dev/null |
	grep -v '^[[:space:]]*//' |
	grep -oE '(C\.ltx_[a-z0-9_]+|[^A-Za-z0-9_.]ltx_[a-z0-9_]+[[:space:]]*\()' |
	grep -oE 'ltx_[a-z0-9_]+' | sort -u >"$tmp/go"
find "$top_srcdir/bindings/rust/ltx-sys" -name '*.rs' ! -name build.rs -exec cat {} + 2>/dev/null |
	grep -oE 'fn[[:space:]]+ltx_[a-z0-9_]+[[:space:]]*\(' |
	grep -oE 'ltx_[a-z0-9_]+' | sort -u >"$tmp/rust"

# the allow-list: "function language" pairs
sed 's/#.*//' "$allow" | awk 'NF {
	if (NF < 3) { print "BAD " NR ": " $0; next }
	n = split($2, l, ",")
	for (i = 1; i <= n; i++) {
		if (l[i] == "all") { print $1, "python"; print $1, "go"; print $1, "rust" }
		else print $1, l[i]
	}
}' >"$tmp/allow"

passed=0 failed=0
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
if grep '^BAD ' "$tmp/allow" >"$tmp/bad"; then
	while read -r _ line; do
		fail "$list line ${line%%:*}: want 'FUNCTION  LANGUAGES  WHY' (LANGUAGES: python,go,rust or all)"
	done <"$tmp/bad"
fi
where() { # where LANGUAGE: where a binding of that language declares what it binds
	case $1 in
	python) echo "the CDEF block of bindings/python/ltx/_ffi.py" ;;
	go) echo "a C.NAME call in bindings/go/*.go" ;;
	rust) echo "an extern declaration in bindings/rust/ltx-sys/src" ;;
	esac
}
while read -r fn; do
	for lang in python go rust; do
		if grep -qx "$fn" "$tmp/$lang"; then
			passed=$((passed + 1))
		elif grep -qx "$fn $lang" "$tmp/allow"; then
			passed=$((passed + 1))
		else
			fail "$fn is not bound in $lang: bind it ($(where "$lang")), or add the line"
			echo "  '$fn  $lang  <why>' to $list"
		fi
	done
done <"$tmp/api"
while read -r fn lang; do
	case $lang in python|go|rust) ;; *)
		fail "$list: $fn: unknown language '$lang' (python, go, rust or all)"; continue ;;
	esac
	if ! grep -qx "$fn" "$tmp/api"; then
		fail "$list lists $fn, which include/ltx/*.h does not declare: remove its line"
	elif grep -qx "$fn" "$tmp/$lang"; then
		fail "$list lists $fn as unbound in $lang, but it is bound: remove $lang from its line"
	fi
done <"$tmp/allow"
[ "$failed" -eq 0 ] || echo "check-bindings: the list of exceptions is $list (one line per function)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
