/* lib/version.c — the version of the library linked at run time. */
#include "private.h"

LTX_API const char *ltx_version(void)
{
    return LTX_VERSION;
}

LTX_API unsigned ltx_version_num(void)
{
    return (unsigned)LTX_VERSION_NUM;
}
