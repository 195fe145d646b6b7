/* lib/loglevel.c — the names of log levels, for LTX_LOG (client.c) and `ltx` alike. */
#include "loglevel.h"

#include <stddef.h>
#include <strings.h>

int ltx__log_level_from_name(const char *name)
{
    static const struct {
        const char *name;
        int level;
    } levels[] = {{"error", LTX_LOG_ERROR},
                  {"warn", LTX_LOG_WARN},
                  {"warning", LTX_LOG_WARN},
                  {"info", LTX_LOG_INFO},
                  {"debug", LTX_LOG_DEBUG}};

    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (strcasecmp(name, levels[i].name) == 0)
            return levels[i].level;
    return 0;
}
