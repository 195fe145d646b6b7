#!/bin/sh
# tests/check-headers.sh — every public header compiles on its own as C99, C11 and C++,
# with the pedantic warnings a user's build may turn on.
: "${top_srcdir:=.}" "${top_builddir:=.}"
CC=${CC:-cc}
CXX=${CXX:-c++}
work=$(mktemp -d "${TMPDIR:-/tmp}/ltx-headers.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0 passed=0
inc="-I$top_srcdir/include -I$top_builddir/include"

check() { # check NAME COMPILER FLAGS... < source
    if "$@" -fsyntax-only $inc "$work/t.$ext" 2>"$work/err"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL: $label"; sed 's/^/  /' "$work/err"
    fi
}

for h in "$top_srcdir"/include/ltx/*.h "$top_builddir"/include/ltx/version.h; do
    [ -f "$h" ] || continue
    name=ltx/$(basename "$h")
    printf '#include <%s>\nint ltx_header_test;\n' "$name" >"$work/t.c"
    cp "$work/t.c" "$work/t.cpp"
    ext=c label="$name as C99"; check $CC -std=c99 -Wall -Wextra -Werror -pedantic
    ext=c label="$name as C11"; check $CC -std=c11 -Wall -Wextra -Werror -pedantic
    if command -v "$CXX" >/dev/null 2>&1; then
        ext=cpp label="$name as C++11"; check $CXX -std=c++11 -Wall -Wextra -Werror -pedantic
    fi
done
if ! command -v "$CXX" >/dev/null 2>&1; then
    # said on the test's own line (SKIP), not only in its log: half the check did not run
    if [ "${CI:-}" = true ]; then
        echo "check-headers: no C++ compiler ($CXX): the C++ half cannot run (required under CI=true)"
        exit 99
    fi
    echo "check-headers: no C++ compiler ($CXX; apt-get install g++): C++ not checked; skipping"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] || exit 1
    exit 77
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
