/* ltx/common.h — export macros, opaque handle types and memory rules shared by every libltx header. */
#ifndef LTX_COMMON_H
#define LTX_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define LTX_BEGIN_DECLS extern "C" {
#define LTX_END_DECLS }
#else
#define LTX_BEGIN_DECLS
#define LTX_END_DECLS
#endif

#if defined(LTX_BUILDING) && defined(__GNUC__)
#define LTX_API __attribute__((visibility("default")))
#else
#define LTX_API
#endif

LTX_BEGIN_DECLS

/* Opaque handles. None of their layouts is part of the ABI. */
typedef struct ltx_client ltx_client;     /* shared by threads; see ltx_client_new(3)  */
typedef struct ltx_request ltx_request;   /* one thread at a time                        */
typedef struct ltx_job ltx_job;           /* one thread at a time                        */
typedef struct ltx_sink ltx_sink;         /* one thread at a time                        */
typedef struct ltx_error ltx_error;       /* immutable once returned; any thread         */
typedef struct ltx_progress ltx_progress; /* borrowed inside a progress callback only    */
typedef struct ltx_cancel ltx_cancel;     /* any thread, and signal handlers; see cancel.h */

/*
 * Free memory that libltx returned as a plain string or buffer (for example
 * from ltx_request_to_json()). NULL is accepted. Never use free() on it: the
 * library and the application may use different allocators.
 */
LTX_API void ltx_free(void *ptr);

LTX_END_DECLS
#endif
