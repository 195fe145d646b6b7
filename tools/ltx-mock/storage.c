/* tools/ltx-mock/storage.c — the signed storage URLs of ltx-mock, answered as Google Cloud
 * Storage answers V4-signed URLs: XML errors, entity tags, signatures that expire. Also the
 * HDR result, a real (stored) ZIP archive. */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ XML errors */

/* GCS's XML API error document (the text is ours; GCS escapes nothing we send). */
char *lm_storage_error_xml(const char *code, const char *message, const char *details)
{
    size_t n = strlen(code) + strlen(message) + (details ? strlen(details) : 0) + 128;
    char *text = malloc(n);

    if (!text)
        return NULL;
    snprintf(text, n,
             "<?xml version='1.0' encoding='UTF-8'?><Error><Code>%s</Code>"
             "<Message>%s</Message>%s%s%s</Error>",
             code, message, details ? "<Details>" : "", details ? details : "",
             details ? "</Details>" : "");
    return text;
}

/* ------------------------------------------------------------------ digests */

static uint64_t fnv1a64(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void lm_etag(const void *data, size_t len, char out[LM_ETAG_MAX])
{
    uint64_t a = mix64(fnv1a64(0xcbf29ce484222325ULL, data, len) ^ len);
    uint64_t b = mix64(fnv1a64(0x84222325cbf29ce4ULL, data, len) + len);

    snprintf(out, LM_ETAG_MAX, "\"%016" PRIx64 "%016" PRIx64 "\"", a, b);
}

void lm_sign(const char *object, long long date, unsigned long expires_s,
             char out[LM_SIGNATURE_LEN + 1])
{
    static const char key[] = "ltx-mock signing key";
    char text[512];
    int len = snprintf(text, sizeof text, "%s\n%lld\n%lu", object, date, expires_s);
    uint64_t h = fnv1a64(0xcbf29ce484222325ULL, key, sizeof key - 1);
    size_t used = 0;

    if (len < 0)
        len = 0;
    h = fnv1a64(h, text, (size_t)len < sizeof text ? (size_t)len : sizeof text - 1);
    for (int i = 0; i < LM_SIGNATURE_LEN / 16; i++) {
        h = mix64(h + 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1));
        used += (size_t)snprintf(out + used, LM_SIGNATURE_LEN + 1 - used, "%016" PRIx64, h);
    }
}

/* ------------------------------------------------------------------ signed URLs */

static void goog_date(time_t t, char out[17])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* "20261206T030000Z" to seconds since the epoch; -1 if malformed. */
static long long goog_date_parse(const char *s)
{
    int y, mo, d, h, mi, se;
    long long days;

    if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z' ||
        sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &se) != 6 || mo < 1 || mo > 12)
        return -1;
    /* days from civil (Howard Hinnant's algorithm), no timegm() in POSIX */
    y -= mo <= 2;
    {
        long long era = (y >= 0 ? y : y - 399) / 400;
        long long yoe = y - era * 400;
        long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        days = era * 146097 + doe - 719468;
    }
    return days * 86400 + h * 3600 + mi * 60 + se;
}

void lm_signed_query(char *out, size_t n, const char *object, time_t date, unsigned long expires_s)
{
    char d[17], sig[LM_SIGNATURE_LEN + 1];

    goog_date(date, d);
    lm_sign(object, (long long)goog_date_parse(d), expires_s, sig);
    snprintf(out, n,
             "X-Goog-Algorithm=GOOG4-RSA-SHA256"
             "&X-Goog-Credential=ltx-mock%%40ltx-mock.iam.gserviceaccount.com%%2F%.8s%%2Fauto"
             "%%2Fstorage%%2Fgoog4_request"
             "&X-Goog-Date=%s&X-Goog-Expires=%lu&X-Goog-SignedHeaders=host"
             "&X-Goog-Signature=%s",
             d, d, expires_s, sig);
}

lm_signed_check lm_signed_verify(const char *object, const char *date, const char *expires,
                                 const char *signature, time_t now)
{
    char want[LM_SIGNATURE_LEN + 1];
    unsigned long exp_s;
    long long t;
    char *end;

    if (!signature)
        return LM_SIGNED_MISSING;
    t = goog_date_parse(date);
    if (t < 0 || !expires || !*expires)
        return LM_SIGNED_MISMATCH;
    exp_s = strtoul(expires, &end, 10);
    if (*end)
        return LM_SIGNED_MISMATCH;
    lm_sign(object, t, exp_s, want);
    if (strcmp(want, signature) != 0)
        return LM_SIGNED_MISMATCH;
    if ((long long)now > t + (long long)exp_s)
        return LM_SIGNED_EXPIRED;
    return LM_SIGNED_OK;
}

/* ------------------------------------------------------------------ the HDR archive */

static uint32_t crc32_of(const unsigned char *p, size_t len)
{
    uint32_t c = 0xFFFFFFFFu;

    for (size_t i = 0; i < len; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return ~c;
}

static unsigned char *put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)(v >> 8 & 0xFF);
    return p + 2;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
    p = put16(p, v & 0xFFFF);
    return put16(p, v >> 16);
}

/* One entry, stored: frames/frame_00000.exr, which starts with the OpenEXR magic
 * number and version (a header only: nobody decodes it). */
int lm_zip_build(unsigned char **out, size_t *len)
{
    static const char name[] = "frames/frame_00000.exr";
    static const unsigned char data[] = {0x76, 0x2f, 0x31, 0x01, 0x02, 0x00, 0x00, 0x00,
                                         'l',  't',  'x',  '-',  'm',  'o',  'c',  'k',
                                         0x00};
    const size_t nlen = sizeof name - 1, dlen = sizeof data;
    const size_t local = 30 + nlen + dlen, central = 46 + nlen, total = local + central + 22;
    const uint32_t crc = crc32_of(data, dlen);
    unsigned char *z = malloc(total), *p;

    if (!z)
        return -1;
    p = put32(z, 0x04034b50u); /* local file header */
    p = put16(p, 20);          /* version needed */
    p = put16(p, 0);           /* flags */
    p = put16(p, 0);           /* method: stored */
    p = put16(p, 0);           /* time */
    p = put16(p, 0x5d86);      /* date: 2026-12-06 */
    p = put32(p, crc);
    p = put32(p, (uint32_t)dlen);
    p = put32(p, (uint32_t)dlen);
    p = put16(p, (unsigned)nlen);
    p = put16(p, 0);
    memcpy(p, name, nlen);
    p += nlen;
    memcpy(p, data, dlen);
    p += dlen;
    p = put32(p, 0x02014b50u); /* central directory */
    p = put16(p, 20);          /* version made by */
    p = put16(p, 20);
    p = put16(p, 0);
    p = put16(p, 0);
    p = put16(p, 0);
    p = put16(p, 0x5d86);
    p = put32(p, crc);
    p = put32(p, (uint32_t)dlen);
    p = put32(p, (uint32_t)dlen);
    p = put16(p, (unsigned)nlen);
    p = put16(p, 0); /* extra */
    p = put16(p, 0); /* comment */
    p = put16(p, 0); /* disk */
    p = put16(p, 0); /* internal attributes */
    p = put32(p, 0); /* external attributes */
    p = put32(p, 0); /* offset of the local header */
    memcpy(p, name, nlen);
    p += nlen;
    p = put32(p, 0x06054b50u); /* end of central directory */
    p = put16(p, 0);
    p = put16(p, 0);
    p = put16(p, 1);
    p = put16(p, 1);
    p = put32(p, (uint32_t)central);
    p = put32(p, (uint32_t)local);
    put16(p, 0);
    *out = z;
    *len = total;
    return 0;
}
