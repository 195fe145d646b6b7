/* lib/loglevel.h — the name of a log level, as LTX_LOG gives it. Needs only the public headers,
 * so that tools/ltx can compile lib/loglevel.c (as it does lib/redact.c) instead of a copy. */
#ifndef LTX_LOGLEVEL_H
#define LTX_LOGLEVEL_H

#include <ltx/ltx.h>

/* LTX_LOG_ERROR .. LTX_LOG_DEBUG for "error", "warn" or "warning", "info", "debug" (any case);
 * 0 for anything else. */
int ltx__log_level_from_name(const char *name);

#endif
