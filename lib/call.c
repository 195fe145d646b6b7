/* lib/call.c — one API operation: attempts, the retry decision, backoff and the error it ends with. */
#define _POSIX_C_SOURCE 200809L
#include "call.h"
#include "client_int.h"
#include "codec.h"
#include "error_int.h"

#include <stdlib.h>
#include <string.h>

ltx_happened ltx__happened_of(const ltx_http_resp *rs)
{
    ltx_happened h;

    h.transport_status = rs->transport_status;
    h.http_status = rs->http_status;
    h.request_sent = rs->request_sent;
    h.cancel_hit = rs->cancel_hit;
    h.sink_status = rs->sink_status;
    h.json_instead = rs->body.len > 0; /* a 2xx body kept in memory is a document */
    h.retry_after = rs->retry_after;
    return h;
}

static const char *host_of(const char *url, char *buf, size_t size)
{
    const char *p = url ? strstr(url, "://") : NULL;
    size_t n;

    if (!p)
        return "another host";
    p += 3;
    n = strcspn(p, "/?#");
    if (n >= size)
        n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

/* What failed and why, from the answer or the transport. */
static char *exchange_text(const ltx_http_resp *rs, const ltx_error *e, const char *what,
                           int possibly_executed)
{
    const char *executed_note =
        possibly_executed ? "; the server may have started this generation and may bill it" : "";
    char *text, *longer;

    if (rs->http_status != 0 && !(rs->http_status >= 200 && rs->http_status < 300)) {
        char host[128];

        if (rs->http_status >= 300 && rs->http_status < 400)
            return ltx__printf("%s: the API answered with a redirect to %s, which is not followed "
                               "(the API key is only sent to the API host)%s",
                               what, host_of(rs->location, host, sizeof(host)), executed_note);
        return ltx__printf("%s: %s%s", what,
                           e->api_message ? e->api_message : ltx_strerror(e->code), executed_note);
    }
    if (e->code == LTX_EIO || e->code == LTX_ESINKFULL)
        return ltx__printf("%s: writing the output failed%s", what, executed_note);
    text = ltx__printf("%s: %s%s%s%s", what, ltx_strerror(e->code),
                       rs->transport_message[0] ? " (" : "", rs->transport_message,
                       rs->transport_message[0] ? ")" : "");
    if (!text || !possibly_executed)
        return text;
    longer = ltx__printf("%s%s", text, executed_note);
    free(text);
    return longer;
}

ltx_error *ltx__error_of_exchange(const ltx_client *c, const ltx_http_resp *rs, int code,
                                  const char *what, const char *text, unsigned attempts,
                                  int possibly_executed)
{
    int answered = rs->http_status != 0 && !(rs->http_status >= 200 && rs->http_status < 300);
    char *own = NULL;
    ltx_error *e;

    e = ltx__error_new(code ? code : ltx__exchange_class(rs->transport_status, rs->http_status),
                       "%s", "");
    if (!e)
        return NULL;
    e->http_status = rs->http_status;
    if (answered) {
        ltx__envelope_parse(rs->body.data, rs->body.len, &e->type, &e->api_message);
        if (rs->body.len && (e->body = malloc(rs->body.len)) != NULL) {
            memcpy(e->body, rs->body.data, rs->body.len);
            e->body_len = rs->body.len;
        }
    } else if (rs->transport_message[0]) {
        e->transport_message = ltx__strdup(rs->transport_message);
    }
    e->request_id = rs->request_id ? ltx__strdup(rs->request_id) : NULL;
    e->retry_after_ms = ltx__retry_after_parse_ms(rs->retry_after, c->clock->wall_s(c->clock->ud));
    e->attempts = attempts;
    e->possibly_executed = possibly_executed;
    if (!text)
        text = own = exchange_text(rs, e, what, possibly_executed);
    /* the server's words may quote the key back (a 401 echoing the Authorization header) */
    if (!text || ltx__error_compose(e, text) != LTX_OK ||
        ltx__error_redact(e, c->api_key) != LTX_OK) {
        free(own);
        ltx_error_free(e);
        return NULL;
    }
    free(own);
    return e;
}

ltx_error *ltx__cancelled_error(const char *what, ltx_call_kind kind, int request_sent,
                                int possibly_executed)
{
    ltx_error *e;

    if (possibly_executed)
        e = ltx__error_new(LTX_ECANCELLED,
                           "%s: cancelled after the request was sent, before its answer; the "
                           "server may have created the job, which then runs and is billed (the "
                           "API has no cancel endpoint: check the account before submitting again)",
                           what);
    else if (!request_sent)
        e = ltx__error_new(LTX_ECANCELLED, "%s: cancelled before the request was sent%s", what,
                           kind != LTX_CALL_IDEMPOTENT ? "; nothing was created or billed" : "");
    else
        e = ltx__error_new(LTX_ECANCELLED, "%s: cancelled before the answer arrived", what);
    if (e)
        e->possibly_executed = possibly_executed;
    return e;
}

void ltx__report_attempt(const ltx_client *c, const char *method, const char *log_url,
                         const ltx_http_resp *rs, unsigned number, uint64_t elapsed_ms,
                         int will_retry, uint64_t delay_ms)
{
    ltx_attempt a;

    ltx__log(c, LTX_LOG_DEBUG, "%s %s -> %d%s%s (attempt %u, %llu ms%s%s)%s", method,
             log_url ? log_url : "?", rs->http_status,
             rs->transport_status != LTX_OK ? ", " : "",
             rs->transport_status != LTX_OK ? ltx_strerror(rs->transport_status) : "", number,
             (unsigned long long)elapsed_ms, rs->request_id ? ", request id " : "",
             rs->request_id ? rs->request_id : "", will_retry ? ", will retry" : "");
    if (!c->attempt_fn)
        return;
    a.method = method;
    a.url = log_url;
    a.http_status = rs->http_status;
    a.transport_status = rs->transport_status;
    a.request_id = rs->request_id;
    a.number = number;
    a.elapsed_ms = elapsed_ms;
    a.will_retry = will_retry;
    a.delay_ms = will_retry ? delay_ms : 0;
    c->attempt_fn(&a, c->attempt_ud);
}

void ltx__call_start(ltx_call *call, ltx_client *c, ltx_call_kind kind, const ltx_http_req *rq,
                     const char *what)
{
    memset(call, 0, sizeof(*call));
    call->c = c;
    call->kind = kind;
    call->rq = rq;
    call->what = what;
    call->log_url = ltx__url_for_log(rq->url);
}

void ltx__call_finish(ltx_call *call)
{
    free(call->log_url);
    call->log_url = NULL;
}

int ltx__call_attempt(ltx_call *call, ltx_error **err)
{
    const ltx_clock *clk = call->c->clock;
    int rc;

    call->started = clk->now_ms(clk->ud);
    call->attempt++;
    if (call->rq->sink && call->attempt > 1 && (rc = ltx__sink_rewind(call->rq->sink)) != LTX_OK)
        return ltx__fail(err, rc, "%s: cannot start the output over for another attempt",
                         call->what);
    return LTX_OK;
}

ltx_step ltx__call_decide(ltx_call *call, ltx_http_resp *rs, uint64_t *delay_ms, int *rc,
                          ltx_error **err)
{
    ltx_client *c = call->c;
    const ltx_http_req *rq = call->rq;
    const ltx_clock *clk = c->clock;
    const char *what = call->what;
    uint64_t elapsed = clk->now_ms(clk->ud) - call->started;
    unsigned attempt = call->attempt;
    ltx_happened h = ltx__happened_of(rs);
    ltx_verdict v = ltx__verdict(rq->policy ? rq->policy : &c->retry, call->kind, &h,
                                 attempt - 1, 0, clk, rq->deadline);
    ltx_error *e;

    *delay_ms = 0;
    if (!v.retry && v.error_class == LTX_OK) {
        ltx__report_attempt(c, rq->method, call->log_url, rs, attempt, elapsed, 0, 0);
        rs->repeated_after_unknown = call->ever_possibly;
        if (call->ever_possibly)
            ltx__log(c, LTX_LOG_WARN,
                     "%s succeeded after a retry whose first attempt may also have run "
                     "(and been billed)", what);
        *rc = LTX_OK;
        return LTX_STEP_DONE;
    }
    call->ever_possibly |= v.possibly_executed;
    if (v.deadline_near)
        ltx__log(c, LTX_LOG_INFO, "%s: not retrying, the deadline is too close", what);
    ltx__report_attempt(c, rq->method, call->log_url, rs, attempt, elapsed, v.retry, v.delay_ms);
    if (v.retry) {
        ltx__log(c, LTX_LOG_INFO, "%s: attempt %u got %d%s%s, retrying in %llu ms", what,
                 attempt, rs->http_status, rs->transport_status != LTX_OK ? " " : "",
                 rs->transport_status != LTX_OK ? ltx_strerror(rs->transport_status) : "",
                 (unsigned long long)v.delay_ms);
        ltx__http_resp_free(rs);
        *delay_ms = v.delay_ms;
        return LTX_STEP_RETRY;
    }
    if (v.error_class == LTX_ECANCELLED && rs->cancel_hit) {
        e = ltx__cancelled_error(what, call->kind, rs->request_sent, call->ever_possibly);
        if (e) {
            e->attempts = rs->request_sent ? attempt : attempt - 1; /* the ones sent */
            e->request_id = rs->request_id ? ltx__strdup(rs->request_id) : NULL;
            e->transport_message = ltx__strdup(rs->transport_message);
        }
    } else {
        e = ltx__error_of_exchange(c, rs, v.error_class, what, NULL, attempt,
                                   call->ever_possibly);
    }
    *rc = ltx__error_raise(err, e, LTX_ENOMEM);
    if (!e)
        *rc = rs->transport_status != LTX_OK ? rs->transport_status
                                             : ltx__status_class(rs->http_status);
    ltx__http_resp_free(rs);
    return LTX_STEP_FAILED;
}

int ltx__call(ltx_client *c, ltx_call_kind kind, const ltx_http_req *rq, ltx_http_resp *rs,
              const char *what, ltx_error **err)
{
    ltx_call call;
    uint64_t delay;
    int rc;

    memset(rs, 0, sizeof(*rs)); /* freeable whichever way the loop ends */
    ltx__call_start(&call, c, kind, rq, what);
    for (;;) {
        if (ltx_cancel_triggered(rq->cancel)) { /* before an attempt: nothing to report */
            ltx_error *e = call.ever_possibly ? ltx__cancelled_error(what, kind, 1, 1)
                                              : ltx__cancelled_error(what, kind, 0, 0);

            if (e)
                e->attempts = call.attempt;
            rc = ltx__error_raise(err, e, LTX_ECANCELLED);
            memset(rs, 0, sizeof(*rs)); /* "freed", as on any failure */
            break;
        }
        if ((rc = ltx__call_attempt(&call, err)) != LTX_OK) {
            ltx__http_resp_free(rs);
            break;
        }
        ltx__http_perform(c, rq, rs);
        switch (ltx__call_decide(&call, rs, &delay, &rc, err)) {
        case LTX_STEP_RETRY:
            if (ltx__sleep(c, delay, rq->cancel)) {
                ltx_error *e = call.ever_possibly
                                   ? ltx__cancelled_error(what, kind, 1, 1)
                                   : ltx__error_new(LTX_ECANCELLED,
                                                    "%s: cancelled while waiting to retry", what);

                if (e)
                    e->attempts = call.attempt;
                rc = ltx__error_raise(err, e, LTX_ECANCELLED);
                break;
            }
            continue;
        case LTX_STEP_DONE:
        case LTX_STEP_FAILED:
            break;
        }
        break;
    }
    ltx__call_finish(&call);
    return rc;
}
