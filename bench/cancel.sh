#!/usr/bin/env bash
# bench/cancel.sh — cancel latency: from ltx_cancel_trigger() to the call's return (goal 100 ms).
# ROUNDS=20 by default. Needs a built tree (LTX_BUILD, see README.md).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check_build
compile cancel_latency cancel_latency.c -- -I"$LTX_SRC/tools/ltx-mock" \
    "$LTX_BUILD/tools/ltx-mock/liblmock.a" -lltx \
    $(pkg-config --libs libmicrohttpd jansson)
"$BENCH_BIN/cancel_latency" "${ROUNDS:-20}"
