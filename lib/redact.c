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

/* An Authorization header or field with a value at i: its name kept, the value hidden.
 * Returns the index after the value, or 0 when there is none at i. */
static size_t hide_authorization(out_buf *o, const char *text, size_t i)
{
    size_t k = i + strlen("authorization");
    int assigned = 0;

    if (!word_at(text, i, "authorization"))
        return 0;
    for (; text[k] == '"' || text[k] == '\'' || text[k] == ' ' || text[k] == '\t' ||
           text[k] == ':' || text[k] == '=';
         k++)
        assigned |= text[k] == ':' || text[k] == '=';
    if (!assigned || ends_value(text[k]))
        return 0;
    put(o, text + i, k - i);
    put(o, LTX_REDACTED, strlen(LTX_REDACTED));
    while (!ends_value(text[k]))
        k++;
    return k;
}

static int ends_token(char ch)
{
    return ends_url(ch) || ch == ',' || ch == ';';
}

/* "Bearer TOKEN" at i: the word kept, the token hidden. The index after it, or 0. */
static size_t hide_bearer(out_buf *o, const char *text, size_t i)
{
    size_t k = i + strlen("bearer ");

    if (!word_at(text, i, "bearer "))
        return 0;
    while (text[k] == ' ')
        k++;
    if (ends_token(text[k]))
        return 0;
    put(o, text + i, k - i);
    put(o, LTX_REDACTED, strlen(LTX_REDACTED));
    while (!ends_token(text[k]))
        k++;
    return k;
}

/* "://" at i: copied, and the userinfo of the authority after it hidden when asked. Returns
 * the index to go on from. */
static size_t pass_authority(out_buf *o, const char *text, size_t i, unsigned what)
{
    size_t k = i + 3;

    put(o, "://", 3);
    i = k;
    while (!ends_url(text[k]) && text[k] != '/' && text[k] != '?' && text[k] != '#' &&
           text[k] != '@')
        k++;
    if (text[k] == '@' && k > i && (what & LTX_REDACT_USERINFO)) {
        put(o, LTX_REDACTED "@", strlen(LTX_REDACTED) + 1);
        i = k + 1;
    }
    return i;
}

/* A URL's query at i ('?'): hidden up to its fragment or the URL's end. */
static size_t hide_query(out_buf *o, const char *text, size_t i)
{
    size_t k = i + 1;

    while (!ends_url(text[k]) && text[k] != '#')
        k++;
    put(o, "?" LTX_REDACTED, strlen(LTX_REDACTED) + 1);
    return k;
}

char *ltx__redact(const char *text, const char *secret, unsigned what)
{
    out_buf o = {NULL, 0, 0, 0};
    size_t slen = secret ? strlen(secret) : 0, k;
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
        } else if ((k = hide_authorization(&o, text, i)) || (k = hide_bearer(&o, text, i))) {
            i = k;
        } else if (strncmp(text + i, "://", 3) == 0) {
            i = pass_authority(&o, text, i, what);
            in_url = 1;
        } else {
            if (in_url && ends_url(text[i]))
                in_url = 0;
            if (in_url && text[i] == '?' && (what & LTX_REDACT_QUERY)) {
                i = hide_query(&o, text, i);
                continue;
            }
            put(&o, text + i, 1);
            i++;
        }
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
