/* ltx/price.h — a price before paying: the price table, request estimates, media durations. */
#ifndef LTX_PRICE_H
#define LTX_PRICE_H

#include <ltx/common.h>
#include <ltx/error.h>
#include <ltx/request.h>

LTX_BEGIN_DECLS

/*
 * Opaque: a price table, the built-in rows (the published figures, each with
 * its source and date) plus the rows of user price files. Loading is done by
 * one thread; once loaded, a table is only read and may be shared by threads.
 */
typedef struct ltx_prices ltx_prices;
/* Opaque: one request's estimate. Immutable; free with ltx_estimate_free(). */
typedef struct ltx_estimate ltx_estimate;

/*
 * The built-in table. Returns LTX_OK and *out (free with ltx_prices_free()),
 * LTX_EINVAL (out NULL, *err not NULL on entry) or LTX_ENOMEM.
 */
LTX_API int ltx_prices_new(ltx_prices **out, ltx_error **err);
/*
 * Add a user price file (JSON, format in ltx-prices(5)): its rows replace
 * the rows with the same endpoint, model and resolution tier and complete the
 * missing ones. A file that fails validation is refused whole with LTX_EINVAL
 * and an error naming the row and field; the table is then unchanged. LTX_EIO
 * when the file cannot be read.
 */
LTX_API int ltx_prices_load_file(ltx_prices *prices, const char *path, ltx_error **err);
LTX_API void ltx_prices_free(ltx_prices *prices);
/* The table's date "YYYY-MM-DD": the newest of the built-in table's and the loaded
 * files' dates. Borrowed from prices; NULL for NULL. */
LTX_API const char *ltx_prices_date(const ltx_prices *prices);

/*
 * Estimate what sending req would cost. prices NULL uses the built-in table.
 * The request is validated first (LTX_EREQUEST as ltx_request_validate()).
 * Returns LTX_OK whenever the request is valid, even when the price is not
 * known (ltx_estimate_known() is then 0 and ltx_estimate_basis() says why).
 * For endpoints priced by their input's length (audio-to-video, retake,
 * extend, HDR, reframe) the length of the local file given with
 * ltx_request_set_input_file() is read from its headers; a remote URI gives
 * an unknown price. No network. Any thread.
 */
LTX_API int ltx_request_estimate_cost(ltx_estimate **out, const ltx_request *req,
                                      const ltx_prices *prices, ltx_error **err);
LTX_API void ltx_estimate_free(ltx_estimate *estimate);
/* 1 when the price is known, 0 when not (and for NULL). */
LTX_API int ltx_estimate_known(const ltx_estimate *estimate);
/* The price in millionths of a US dollar, rounded to the nearest; -1 when unknown (and for NULL). */
LTX_API int64_t ltx_estimate_micro_usd(const ltx_estimate *estimate);
/* One line for people: "6 s x $0.06/s (ltx-2-3-fast, 1080p, text-to-video)", or why
 * the price is unknown. Borrowed from estimate; NULL for NULL. */
LTX_API const char *ltx_estimate_basis(const ltx_estimate *estimate);
/* The source of the row used; NULL when unknown (and for NULL). Borrowed. */
LTX_API const char *ltx_estimate_source(const ltx_estimate *estimate);
/* The date of the row used, or the table's date when unknown; NULL for NULL. Borrowed. */
LTX_API const char *ltx_estimate_date(const ltx_estimate *estimate);

/*
 * The duration in milliseconds of a local MP4/MOV (mvhd, or mehd when
 * fragmented), WAV (fmt and data chunks) or MP3 (Xing/Info or VBRI header,
 * else constant bit rate frames) file, read from its headers; no decoder.
 * LTX_OK and *out; LTX_EINVAL with a message (another format, a truncated or
 * inconsistent header), LTX_EIO (cannot open or read); *out is then untouched.
 * Any thread.
 */
LTX_API int ltx_media_duration_ms(int64_t *out, const char *path, ltx_error **err);

LTX_END_DECLS
#endif
