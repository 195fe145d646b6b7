#!/bin/sh
# fuzz/replay.sh — make check: every fuzz corpus through its target's standalone driver, so that
# an input that once crashed a parser is replayed by every build (under ASan and UBSan in CI).
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
status=0
for t in fuzz_retry_after fuzz_answers fuzz_headers fuzz_urls fuzz_batch fuzz_media fuzz_prices; do
    bin="$top_builddir/fuzz/$t"
    corpus="$top_srcdir/fuzz/corpora/${t#fuzz_}"
    [ -x "$bin" ] || { echo "$bin not built"; exit 1; }
    [ -d "$corpus" ] || { echo "no corpus $corpus"; exit 1; }
    "$bin" "$corpus" || { echo "FAIL: $t"; status=1; }
done
exit $status
