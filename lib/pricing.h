/* lib/pricing.h — what lib/price.c, lib/media.c and lib/codec.c share about prices and media
 * durations; never installed. */
#ifndef LTX_PRICING_H
#define LTX_PRICING_H

#include "private.h"

/* ---------------------------------------------------------------- media durations (media.c) */
typedef struct {
    int64_t duration_ms;
    uint32_t width, height; /* the largest track's, MP4/MOV only; 0 when not known */
    const char *format;     /* "MP4/MOV", "WAV" or "MP3" */
} ltx_media_info;

/* The duration (and, for MP4/MOV, the frame size) of a media file's bytes, from headers only.
 * size is the whole file's; read(ud, offset, buf, n) returns the bytes read (short at the end)
 * or -1. name is for messages. LTX_OK, LTX_EINVAL or LTX_EIO. */
typedef long (*ltx_media_read_fn)(void *ud, uint64_t offset, void *buf, size_t n);
LTX_INTERNAL int ltx__media_probe(ltx_media_info *out, ltx_media_read_fn read, void *ud,
                                  uint64_t size, const char *name, ltx_error **err);
/* The same for a file on disk. */
LTX_INTERNAL int ltx__media_probe_file(ltx_media_info *out, const char *path, ltx_error **err);
/* The same for bytes in memory (the fuzz target). */
LTX_INTERNAL int ltx__media_probe_mem(ltx_media_info *out, const void *data, size_t len,
                                      ltx_error **err);

/* ---------------------------------------------------------------- price rows */
/* What a row's price is per. */
enum ltx_price_unit {
    LTX_UNIT_OUTPUT_SECOND,            /* the request's duration field */
    LTX_UNIT_INPUT_AUDIO_SECOND,       /* the length of audio_uri */
    LTX_UNIT_INPUT_VIDEO_SECOND,       /* the length of video_uri */
    LTX_UNIT_OUTPUT_AND_CONTEXT_SECOND /* extend: duration + context (of video_uri) */
};

typedef struct ltx_price_row {
    char *endpoint;            /* a path segment */
    char *model;               /* NULL: any model (and requests without one) */
    char *tier;                /* "720p", "1080p", "1440p", "4k"; NULL: any */
    int unit;                  /* enum ltx_price_unit */
    int64_t micro_usd;         /* per unit; -1: the file says the price is unknown */
    int64_t max_billed_frames; /* 0: no cap */
    char *source;
    char *date;    /* "YYYY-MM-DD" */
    char *since;   /* when the price took effect, or NULL */
    char *comment; /* or NULL */
} ltx_price_row;

/* Largest price per unit a file may give, in micro-dollars ($1,000). */
#define LTX_PRICE_MAX_MICRO_USD 1000000000LL

/* The built-in table (lib/prices.json, compiled into lib/prices-data.c by Makefile.am). */
LTX_INTERNAL extern const char ltx__prices_json[];

/*
 * Parse and validate a price file's text (codec.c). origin names it in messages. LTX_OK and
 * the rows and the file's date (caller frees with ltx__price_rows_free() and free()), or
 * LTX_EINVAL naming the row and field (nothing allocated). A row without source or date
 * takes "price file <origin>" and the file's date.
 */
LTX_INTERNAL int ltx__prices_parse(const char *text, size_t len, const char *origin,
                                   ltx_price_row **rows, size_t *n_rows, char **date,
                                   ltx_error **err);
LTX_INTERNAL void ltx__price_rows_free(ltx_price_row *rows, size_t n);
/* Free a row's strings and zero it (the row itself is not freed). */
LTX_INTERNAL void ltx__price_row_clear(ltx_price_row *row);
/* Is s a date "YYYY-MM-DD" (month 01-12, day 01-31)? */
LTX_INTERNAL int ltx__date_ok(const char *s);

#endif
