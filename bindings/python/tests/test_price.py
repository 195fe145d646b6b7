"""The price declarations of the cffi layer (ltx/price.h), called as a program would."""

import os

import ltx

lib, ffi = ltx.lib, ltx.ffi
DATA = os.path.join(os.environ.get("LTX_SOURCE_DIR", "."), "tests", "data")


def test_an_estimate_through_the_declarations():
    prices = ffi.new("ltx_prices **")
    assert lib.ltx_prices_new(prices, ffi.NULL) == 0
    assert ffi.string(lib.ltx_prices_date(prices[0])) == b"2026-10-07"
    req = ffi.new("ltx_request **")
    assert lib.ltx_request_new(req, 1) == 0
    assert lib.ltx_request_set_prompt(req[0], b"a cat") == 0
    assert lib.ltx_request_set_model(req[0], b"ltx-2-3-fast") == 0
    assert lib.ltx_request_set_resolution(req[0], b"1920x1080") == 0
    assert lib.ltx_request_set_duration(req[0], 6) == 0
    est = ffi.new("ltx_estimate **")
    assert lib.ltx_request_estimate_cost(est, req[0], prices[0], ffi.NULL) == 0
    assert lib.ltx_estimate_known(est[0]) == 1
    assert lib.ltx_estimate_micro_usd(est[0]) == 360000
    assert ffi.string(lib.ltx_estimate_basis(est[0])) == \
        b"6 s x $0.06/s (ltx-2-3-fast, 1080p, text-to-video)"
    assert lib.ltx_estimate_source(est[0]) != ffi.NULL
    assert ffi.string(lib.ltx_estimate_date(est[0])) == b"2026-10-07"
    lib.ltx_estimate_free(est[0])
    lib.ltx_request_free(req[0])
    lib.ltx_prices_free(prices[0])


def test_a_media_duration_through_the_declarations():
    ms = ffi.new("int64_t *", -1)
    assert lib.ltx_media_duration_ms(ms, os.path.join(DATA, "tone.wav").encode(),
                                     ffi.NULL) == 0
    assert ms[0] == 2000
