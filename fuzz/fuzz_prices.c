/* fuzz/fuzz_prices.c — price files (ltx-prices(5)): the one piece of configuration whose rows
 * decide what a budget lets through. */
#include "fuzz.h"
#include "pricing.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ltx_price_row *rows = NULL;
    ltx_error *e = NULL;
    char *date = NULL;
    size_t n = 0;
    int rc = ltx__prices_parse((const char *)data, size, "fuzz.json", &rows, &n, &date, &e);

    if (rc == LTX_OK) {
        /* every accepted row is complete and in range */
        if (e || !ltx__date_ok(date))
            abort();
        for (size_t i = 0; i < n; i++)
            if (!rows[i].endpoint || !rows[i].source || !ltx__date_ok(rows[i].date) ||
                rows[i].micro_usd < -1 || rows[i].micro_usd > LTX_PRICE_MAX_MICRO_USD ||
                rows[i].max_billed_frames < 0)
                abort();
        ltx__price_rows_free(rows, n);
        free(date);
    } else if (rc != LTX_EINVAL && rc != LTX_ENOMEM) {
        abort();
    }
    ltx_error_free(e);
    return 0;
}
