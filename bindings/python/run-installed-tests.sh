#!/bin/sh
# bindings/python/run-installed-tests.sh — test the Python package as a user installs it:
#   1. builds the wheel offline from a copy of bindings/python (Debian's python3-setuptools
#      and python3-wheel: pip wheel --no-index --no-build-isolation),
#   2. installs it into a fresh venv (--system-site-packages, for Debian's python3-cffi and
#      python3-pytest),
#   3. runs the tests, copied outside the source tree, with the venv's python: `import ltx`
#      must find the installed package and, with LTX_LIBRARY unset, the installed libltx.
# libltx comes from the system (the libltx0 package) or from LD_LIBRARY_PATH (a `make
# install` prefix). Environment: LTX_MOCK (default: ltx-mock on PATH), PYTHON (default
# /usr/bin/python3), LTX_EXPECT_LIBRARY (the libltx.so.0 the package must load; optional).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${PYTHON:=/usr/bin/python3}"
: "${LTX_MOCK:=$(command -v ltx-mock || :)}"
[ -n "$LTX_MOCK" ] && [ -x "$LTX_MOCK" ] ||
    { echo "run-installed-tests.sh: no ltx-mock (install ltx-tools or set LTX_MOCK)" >&2; exit 2; }
export LTX_MOCK
unset LTX_LIBRARY

work=$(mktemp -d "${TMPDIR:-/tmp}/ltx-python.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
cp -R "$here/ltx" "$here/pyproject.toml" "$here/README.md" "$work/src/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +

echo "run-installed-tests.sh: building the wheel offline"
(cd "$work/src" && "$PYTHON" -m pip wheel --no-index --no-build-isolation --no-deps -q \
    -w "$work/dist" .)
wheel=$(ls "$work"/dist/ltx-*.whl)
echo "run-installed-tests.sh: installing $(basename "$wheel") into a fresh venv"
"$PYTHON" -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install --no-index --no-deps -q "$wheel"

cp -R "$here/tests" "$work/tests"
cd "$work/tests"    # nothing of the source tree on sys.path
"$work/venv/bin/python" - <<'PY'
import os, ltx
lib = sorted({l.split()[-1] for l in open("/proc/self/maps") if "libltx.so" in l})
print("run-installed-tests.sh: ltx %s from %s, libltx %s from %s"
      % (ltx.__version__, os.path.dirname(ltx.__file__), ltx.version(), " ".join(lib)))
want = os.environ.get("LTX_EXPECT_LIBRARY")
if want and [os.path.realpath(p) for p in lib] != [os.path.realpath(want)]:
    raise SystemExit("run-installed-tests.sh: expected %s" % want)
PY
rc=0
LTX_TEST_INSTALLED=1 LTX_SOURCE_DIR="$top" PYTHONDONTWRITEBYTECODE=1 \
    "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$work/tests" "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run-installed-tests.sh: no tests collected" >&2
    rc=1
fi
exit "$rc"
