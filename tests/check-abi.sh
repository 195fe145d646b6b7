#!/bin/sh
# tests/check-abi.sh — the ABI check of scripts/check-abi, as part of make check.
exec sh "${top_srcdir:-.}/scripts/check-abi"
