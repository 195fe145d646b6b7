/* lib/job_int.h — a job as the last answer about it left it, beside lib/job.c. */
#ifndef LTX_JOB_INT_H
#define LTX_JOB_INT_H

#include "private.h"

struct ltx_job {
    ltx_client *client;
    char *id;
    ltx_endpoint endpoint;  /* LTX_ENDPOINT_OTHER for a name this release does not know */
    char *endpoint_name;    /* the path segment the job was submitted to                 */
    int state;
    char *status;
    char *created_at;
    char *completed_at;
    char *status_json;      /* the last status answer as received                        */
    char *request_id;       /* of the last successful API call on the job                */
    size_t n_results;       /* result's keys and URLs, in the answer's order             */
    char **result_keys;
    char **result_urls;
    char *error_type;
    char *error_message;
    ltx_cancel *cancel; /* borrowed; watched by refresh, wait and download */
    /* its polls (lib/poll.c, lib/schedule.h) */
    char poll_kind[160];          /* "endpoint|model|resolution|duration"; "" when unknown  */
    int poll_started;             /* poll_start_ms is known (submitted by this client)      */
    uint64_t poll_start_ms;       /* the client's clock when the API accepted the job       */
    uint64_t poll_quiet_ms;       /* elapsed at the last answer that was not final          */
    unsigned polls;               /* status answers so far                                  */
    int64_t poll_retry_after_ms;  /* Retry-After of the last status answer; 0 when none     */
};

#endif
