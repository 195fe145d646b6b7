/* lib/redact.h — the one redaction of secrets in text: shared by the library and the ltx command.
 * Self-contained (only the C library), so that tools/ltx and fuzz/ compile lib/redact.c too. */
#ifndef LTX_REDACT_H
#define LTX_REDACT_H

#include <stddef.h>

#define LTX_REDACTED "[redacted]"

/* What ltx__redact() hides besides `secret` and Authorization / Bearer values, always hidden. */
enum {
    LTX_REDACT_USERINFO = 1, /* the user:password@ of a URL                            */
    LTX_REDACT_QUERY = 2,    /* a URL's query string (signed URLs carry credentials)   */
    LTX_REDACT_ALL = 3
};

/*
 * A copy of text in which every occurrence of secret (when not NULL and at least 4 bytes), the
 * value that follows "Authorization" or "Bearer ", and what `what` names are replaced by
 * LTX_REDACTED. Returns NULL only when out of memory; text NULL gives NULL. Pure: any thread.
 */
char *ltx__redact(const char *text, const char *secret, unsigned what)
    __attribute__((visibility("hidden")));

/* Overwrite each occurrence of secret in data[0..len) with '*' (for binary bodies). */
void ltx__redact_bytes(void *data, size_t len, const char *secret)
    __attribute__((visibility("hidden")));

#endif
