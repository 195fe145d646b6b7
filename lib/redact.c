/* lib/redact.c — hide secrets in text: the API key, Authorization values, URL userinfo, queries. */
#include "redact.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *p;
    size_t len, cap;
    int failed;
} out_buf;

static void put(out_buf *o, const char *s, size_t n)
{
    if (o->failed)
        return;
    if (o->cap - o->len <= n) {
        size_t cap = o->cap ? o->cap : 64;
        char *p;

        while (cap - o->len <= n)
            cap *= 2;
        if (!(p = realloc(o->p, cap))) {
            o->failed = 1;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static int word_at(const char *text, size_t i, const char *word)
{
    size_t n = strlen(word);

    if (i > 0 && (isalnum((unsigned char)text[i - 1]) || text[i - 1] == '-' || text[i - 1] == '_'))
        return 0;
    return strncasecmp(text + i, word, n) == 0;
}

/* A character that ends a URL or a header value inside running text. */
static int ends_url(char ch)
{
    return ch == '\0' || isspace((unsigned char)ch) || ch == '"' || ch == '\'' || ch == '<' ||
           ch == '>' || ch == '`';
}

static int ends_value(char ch)
{
    return ch == '\0' || ch == '\r' || ch == '\n' || ch == '"' || ch == '\'' || ch == ',' ||
           ch == ';' || ch == '}' || ch == '<';
}

char *ltx__redact(const char *text, const char *secret, unsigned what)
{
    out_buf o = {NULL, 0, 0, 0};
    size_t slen = secret ? strlen(secret) : 0;
    int in_url = 0;

    if (!text)
        return NULL;
    put(&o, "", 0);
    if (slen < 4)
        slen = 0; /* a key this short would hide ordinary words; the client never has one */
    for (size_t i = 0; text[i];) {
        if (slen && strncmp(text + i, secret, slen) == 0) {
            put(&o, LTX_REDACTED, strlen(LTX_REDACTED));
            i += slen;
            continue;
        }
        if (word_at(text, i, "authorization")) {
            size_t j = i + strlen("authorization"), k;
            int assigned = 0;

            for (k = j; text[k] == '"' || text[k] == '\'' || text[k] == ' ' || text[k] == '\t' ||
                        text[k] == ':' || text[k] == '=';
                 k++)
                assigned |= text[k] == ':' || text[k] == '=';
            if (assigned && !ends_value(text[k])) {
                put(&o, text + i, k - i);
                put(&o, LTX_REDACTED, strlen(LTX_REDACTED));
                while (!ends_value(text[k]))
                    k++;
                i = k;
                continue;
            }
        }
        if (word_at(text, i, "bearer ")) {
            size_t k = i + strlen("bearer ");

            while (text[k] == ' ')
                k++;
            if (!ends_url(text[k]) && text[k] != ',' && text[k] != ';') {
                put(&o, text + i, k - i);
                put(&o, LTX_REDACTED, strlen(LTX_REDACTED));
                while (!ends_url(text[k]) && text[k] != ',' && text[k] != ';')
                    k++;
                i = k;
                continue;
            }
        }
        if (strncmp(text + i, "://", 3) == 0) {
            size_t k = i + 3;

            put(&o, "://", 3);
            i = k;
            in_url = 1;
            while (!ends_url(text[k]) && text[k] != '/' && text[k] != '?' && text[k] != '#' &&
                   text[k] != '@')
                k++;
            if (text[k] == '@' && k > i && (what & LTX_REDACT_USERINFO)) {
                put(&o, LTX_REDACTED "@", strlen(LTX_REDACTED) + 1);
                i = k + 1;
            }
            continue;
        }
        if (in_url && ends_url(text[i]))
            in_url = 0;
        if (in_url && text[i] == '?' && (what & LTX_REDACT_QUERY)) {
            size_t k = i + 1;

            while (!ends_url(text[k]) && text[k] != '#')
                k++;
            put(&o, "?" LTX_REDACTED, strlen(LTX_REDACTED) + 1);
            i = k;
            continue;
        }
        put(&o, text + i, 1);
        i++;
    }
    if (o.failed) {
        free(o.p);
        return NULL;
    }
    return o.p;
}

void ltx__redact_bytes(void *data, size_t len, const char *secret)
{
    size_t slen = secret ? strlen(secret) : 0;
    unsigned char *p = data;

    if (!p || slen < 4 || len < slen)
        return;
    for (size_t i = 0; i + slen <= len; i++)
        if (p[i] == (unsigned char)secret[0] && memcmp(p + i, secret, slen) == 0) {
            memset(p + i, '*', slen);
            i += slen - 1;
        }
}
