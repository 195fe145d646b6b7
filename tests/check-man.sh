#!/bin/sh
# tests/check-man.sh: every LTX_API function has a man page, every page is
# installed by man/Makefile.inc, the pages are lint-clean, and the DEFAULTS
# table of libltx(7) agrees with the LTX_DEFAULT_* macros of the headers.
#
# Run by the automake test harness from the build directory, with top_srcdir
# and top_builddir in the environment. Exit 0 pass, 1 fail, 77 skip.

: "${top_srcdir:=$(dirname "$0")/..}"
: "${top_builddir:=.}"

man="$top_srcdir/man"
inc="$man/Makefile.inc"
tmp=${TMPDIR:-/tmp}/check-man.$$
trap 'rm -f "$tmp".*' EXIT
trap 'exit 1' HUP INT TERM
status=0

problem() {
	echo "check-man: $*" >&2
	status=1
}

. "${top_srcdir:-.}/tests/api-functions.sh"

# The target of a one-line ".so manN/page.N" alias page, or nothing.
so_target() {
	sed -n '1s/^\.so[ 	]\{1,\}\([^ 	]*\)[ 	]*$/\1/p' "$1"
}

[ -d "$man" ] || { echo "check-man: FAIL: no $man directory" >&2; exit 1; }
[ -f "$inc" ] || { echo "check-man: FAIL: no $inc" >&2; exit 1; }

# ---------------------------------------------------------------- one page per function
# The public headers: the sources, plus version.h, which configure generates
# into the build tree from version.h.in.
set --
for h in "$top_srcdir"/include/ltx/*.h "$top_srcdir"/include/ltx/*.h.in \
    "$top_builddir"/include/ltx/version.h; do
	[ -f "$h" ] && set -- "$@" "$h"
done
[ $# -gt 0 ] || { echo "check-man: FAIL: no headers under $top_srcdir/include/ltx" >&2; exit 1; }
api_functions "$@" >"$tmp.api"
[ -s "$tmp.api" ] || { echo "check-man: FAIL: no LTX_API declaration found in: $*" >&2; exit 1; }
nfunc=$(wc -l <"$tmp.api" | tr -d ' ')

while read -r fn; do
	[ -f "$man/man3/$fn.3" ] ||
		problem "missing man page man/man3/$fn.3 for LTX_API function $fn()"
done <"$tmp.api"

# ---------------------------------------------------------------- .so aliases
naliases=0
for page in "$man"/man[1-9]/*.[1-9]; do
	[ -f "$page" ] || continue
	target=$(so_target "$page")
	[ -n "$target" ] || continue
	naliases=$((naliases + 1))
	rel=${page#"$man"/}
	[ "$(wc -l <"$page" | tr -d ' ')" -le 1 ] ||
		problem "man/$rel: a .so alias page must be the one .so line only"
	case $target in
	man[1-9]/*) [ -f "$man/$target" ] ||
		problem "man/$rel: .so target man/$target does not exist" ;;
	*) problem "man/$rel: .so target '$target' is not of the form manN/page.N" ;;
	esac
	case $target in
	*/*.[1-9]) [ "$(so_target "$man/$target" 2>/dev/null)" = "" ] ||
		problem "man/$rel: .so target man/$target is itself an alias" ;;
	esac
done

# ---------------------------------------------------------------- man/Makefile.inc
# The page paths listed there, in order.
# shellcheck disable=SC1003,SC2020
tr ' \t\\' '\n\n\n' <"$inc" | sed -n 's|^\(man/man[1-9]/[^/]*\.[1-9]\)$|\1|p' >"$tmp.listed"
LC_ALL=C sort -u "$tmp.listed" >"$tmp.listed.sorted"
if ! LC_ALL=C sort -c "$tmp.listed" 2>/dev/null; then
	problem "man/Makefile.inc: keep the list of pages sorted (LC_ALL=C sort)"
fi
for page in "$man"/man[1-9]/*.[1-9]; do
	[ -f "$page" ] || continue
	rel=man/${page#"$man"/}
	grep -qxF "$rel" "$tmp.listed.sorted" ||
		problem "man/Makefile.inc does not list $rel (add it to dist_man_MANS)"
done
while read -r rel; do
	[ -f "$top_srcdir/$rel" ] ||
		echo "check-man: note: man/Makefile.inc lists $rel, which does not exist yet" >&2
done <"$tmp.listed.sorted"

# ---------------------------------------------------------------- mandoc -Tlint
nlinted=0
if command -v mandoc >/dev/null 2>&1; then
	for page in "$man"/man[1-9]/*.[1-9]; do
		[ -f "$page" ] || continue
		[ -z "$(so_target "$page")" ] || continue	# checked above
		nlinted=$((nlinted + 1))
		out=$(cd "$man" && mandoc -Tlint -W warning "${page#"$man"/}" 2>&1)
		if [ -n "$out" ]; then
			printf '%s\n' "$out" >&2
			problem "mandoc -Tlint -W warning is not clean on man/${page#"$man"/}"
		fi
	done
else
	echo "check-man: mandoc not found: lint skipped"
fi

# ---------------------------------------------------------------- DEFAULTS table
# "NAME VALUE" from the .It rows of .Sh DEFAULTS in libltx.7: the value
# column without its " ms" unit.
page7="$man/man7/libltx.7"
if [ -f "$page7" ]; then
	awk '
	/^\.Sh / { in_defaults = ($0 == ".Sh DEFAULTS"); next }
	in_defaults && /^\.It Dv LTX_DEFAULT_/ {
		line = $0
		gsub(/\\&/, "", line)
		n = split(line, col, / Ta /)
		name = col[1]; sub(/^\.It Dv /, "", name); gsub(/ /, "", name)
		value = (n >= 2) ? col[2] : ""
		sub(/^ +/, "", value); sub(/ +$/, "", value); sub(/ ms$/, "", value)
		print name, value
	}' "$page7" | LC_ALL=C sort >"$tmp.man.defaults"
else
	problem "missing man/man7/libltx.7"
	: >"$tmp.man.defaults"
fi

# "NAME VALUE" from "#define LTX_DEFAULT_X value /* comment */" in the headers:
# comments dropped, quotes removed from strings, u/U/l/L suffixes from numbers.
awk '
/^[ \t]*#[ \t]*define[ \t]+LTX_DEFAULT_/ {
	line = $0
	sub(/^[ \t]*#[ \t]*define[ \t]+/, "", line)
	name = line; sub(/[ \t].*/, "", name)
	value = line; sub(/^[^ \t]+[ \t]*/, "", value)
	if (match(value, /^"[^"]*"/)) {
		value = substr(value, 2, RLENGTH - 2)
	} else {
		sub(/\/\*.*/, "", value); sub(/\/\/.*/, "", value)
		sub(/[ \t]+$/, "", value)
		if (value ~ /^[0-9]+[uUlL]+$/)
			sub(/[uUlL]+$/, "", value)
	}
	print name, value
}' "$@" | LC_ALL=C sort -u >"$tmp.hdr.defaults"
[ -s "$tmp.hdr.defaults" ] || problem "no LTX_DEFAULT_* macro found in the headers"

awk '{ print $1 }' "$tmp.hdr.defaults" >"$tmp.hdr.names"
awk '{ print $1 }' "$tmp.man.defaults" >"$tmp.man.names"
for name in $(LC_ALL=C comm -23 "$tmp.hdr.names" "$tmp.man.names"); do
	problem "libltx(7) DEFAULTS has no row for $name (.It Dv $name Ta value Ta meaning)"
done
for name in $(LC_ALL=C comm -13 "$tmp.hdr.names" "$tmp.man.names"); do
	problem "libltx(7) DEFAULTS lists $name, which no header defines"
done
for name in $(LC_ALL=C uniq -d "$tmp.man.names"); do
	problem "libltx(7) DEFAULTS lists $name more than once"
done
while read -r name hvalue; do
	grep -qxF "$name" "$tmp.man.names" || continue	# reported above
	mvalue=$(awk -v n="$name" '$1 == n { sub(/^[^ ]+ ?/, ""); print; exit }' "$tmp.man.defaults")
	[ "$mvalue" = "$hvalue" ] ||
		problem "libltx(7) DEFAULTS says $name is '$mvalue', the header says '$hvalue'"
done <"$tmp.hdr.defaults"
ndefaults=$(wc -l <"$tmp.hdr.defaults" | tr -d ' ')

if [ $status -ne 0 ]; then
	echo "check-man: FAIL" >&2
	exit 1
fi
echo "check-man: $nfunc functions have pages ($naliases .so aliases), $nlinted pages lint-clean, $ndefaults defaults match libltx(7)"
exit 0
