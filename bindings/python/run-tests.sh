#!/bin/sh
# Run the Python binding's tests with Debian's python3 (python3-cffi, python3-pytest).
# Builds nothing. LTX_LIBRARY and LTX_MOCK default to an in-tree build.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

: "${LTX_LIBRARY:=$top/lib/.libs/libltx.so.0}"
: "${LTX_MOCK:=$top/tools/ltx-mock/ltx-mock}"
: "${LTX_SOURCE_DIR:=$top}"
: "${PYTHON:=/usr/bin/python3}"
export LTX_LIBRARY LTX_MOCK LTX_SOURCE_DIR

for f in "$LTX_LIBRARY" "$LTX_MOCK"; do
    if [ ! -e "$f" ]; then
        echo "run-tests.sh: $f not found (set LTX_LIBRARY and LTX_MOCK)" >&2
        exit 2
    fi
done

# No bytecode or cache in the source tree (it may be read-only).
PYTHONDONTWRITEBYTECODE=1 "$PYTHON" -m pytest -q -p no:cacheprovider "$here/tests" "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run-tests.sh: no tests collected" >&2
    rc=1
fi
exit "$rc"
