/* tools/ltx/estimate.c — the price of a request before paying: libltx's price table
 * (ltx/price.h), completed by the user's price file. */
#define _POSIX_C_SOURCE 200809L

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<ltx/price.h>)
#include <ltx/price.h>
#define HAVE_PRICES 1
#endif
#endif

#ifdef HAVE_PRICES

static ltx_prices *prices;

int cli_prices_open(const char *path, char *why, size_t why_len)
{
    ltx_error *err = NULL;

    if (prices)
        return 0;
    if (ltx_prices_new(&prices, &err) != LTX_OK)
        goto failed;
    if (path && ltx_prices_load_file(prices, path, &err) != LTX_OK)
        goto failed;
    return 0;
failed:
    /* the library's message names the file, the row and the member */
    snprintf(why, why_len, "%s", err ? ltx_error_message(err) : "cannot load the prices");
    ltx_error_free(err);
    ltx_prices_free(prices);
    prices = NULL;
    return -1;
}

void cli_prices_close(void)
{
    ltx_prices_free(prices);
    prices = NULL;
}

int cli_estimate(struct cli_estimate *out, const ltx_request *req, char *why, size_t why_len)
{
    ltx_estimate *e = NULL;
    ltx_error *err = NULL;
    const char *basis, *date;

    memset(out, 0, sizeof(*out));
    if (ltx_request_estimate_cost(&e, req, prices, &err) != LTX_OK) {
        snprintf(why, why_len, "%s", err ? ltx_error_message(err) : "cannot estimate the price");
        ltx_error_free(err);
        return -1;
    }
    out->known = ltx_estimate_known(e);
    out->micro_usd = out->known ? ltx_estimate_micro_usd(e) : -1;
    basis = ltx_estimate_basis(e);
    date = ltx_estimate_date(e);
    snprintf(out->basis, sizeof(out->basis), "%s", basis ? basis : "");
    snprintf(out->date, sizeof(out->date), "%s", date ? date : "");
    ltx_estimate_free(e);
    return 0;
}

#else /* a libltx without its price table: every price is unknown */

int cli_prices_open(const char *path, char *why, size_t why_len)
{
    (void)path;
    (void)why;
    (void)why_len;
    return 0;
}

void cli_prices_close(void)
{
}

int cli_estimate(struct cli_estimate *out, const ltx_request *req, char *why, size_t why_len)
{
    ltx_error *err = NULL;

    memset(out, 0, sizeof(*out));
    if (ltx_request_validate(req, &err) != LTX_OK) {
        snprintf(why, why_len, "%s", err ? ltx_error_message(err) : "invalid request");
        ltx_error_free(err);
        return -1;
    }
    out->micro_usd = -1;
    snprintf(out->basis, sizeof(out->basis), "unknown: this libltx has no price table");
    return 0;
}

#endif

const char *cli_format_usd(char *buf, size_t len, int64_t micro_usd)
{
    if (micro_usd < 0)
        snprintf(buf, len, "unknown");
    else if (micro_usd % 10000 == 0) /* whole cents */
        snprintf(buf, len, "$%" PRId64 ".%02" PRId64, micro_usd / 1000000, micro_usd / 10000 % 100);
    else
        snprintf(buf, len, "$%" PRId64 ".%06" PRId64, micro_usd / 1000000, micro_usd % 1000000);
    return buf;
}
