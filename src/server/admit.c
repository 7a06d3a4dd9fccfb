/*
 * Whether a new WebSocket, then its hello, may have a session: the session
 * limit (max_sessions, close 1013) and the memory guard (max_memory, close
 * 4503; memguard.h says which limit applies to what). A refusal is logged,
 * counted in reactc_edge_refusals_total and closes the socket with its
 * code; the client retries with its backoff (docs/protocol.md).
 */
#include <string.h>

#include "server/endpoints.h"
#include "server/session.h"

void rc_admit_start(rc_server *s) {
    rc_app *cfg = &s->cfg;
    unsigned workers = cfg->workers > 1 ? (unsigned)cfg->workers : 1;
    if (rc_memguard_open(&s->mem, cfg->max_memory, workers) < 0) {
        rc_srv_log(s, RC_LOG_WARN, "--max-memory: cannot read /proc/self/statm: no memory guard");
        return;
    }
    size_t use;
    if (!cfg->max_memory) return;
    bool room = rc_memguard_check(&s->mem, false, ev_now(s->loop), &use);
    size_t fresh = cfg->max_memory - rc_memguard_headroom(cfg->max_memory);
    rc_srv_log(s, room ? RC_LOG_INFO : RC_LOG_WARN,
               "memory guard: %zu KiB used of %zu KiB%s; new sessions below %zu KiB%s", use >> 10,
               cfg->max_memory >> 10, workers > 1 ? " (the app's, every worker)" : "", fresh >> 10,
               room ? "" : ": none has room now");
}

/* Logged and counted; the caller closes with RC_CLOSE_LOW_MEMORY. */
static void refused_for_memory(rc_server *s, size_t use, bool resume) {
    s->metrics.edge[RC_EDGE_MEMORY]++;
    rc_srv_log(s, RC_LOG_WARN, "memory near its budget (%zu of %zu KiB): refusing a new %s",
               use >> 10, s->cfg.max_memory >> 10, resume ? "connection" : "session");
}

rc_session *rc_admit_connection(rc_server *s, struct lws *wsi, const char *uri, const char *query) {
    /* Before its hello a reactc connection may still be a resume: only the
     * budget itself refuses it here. A base-protocol one starts at once. */
    bool base = strncmp(uri, RC_PATH_BASE_STREAM, RC_PATH_LEN(RC_PATH_BASE_STREAM)) == 0;
    size_t use;
    if (!rc_memguard_check(&s->mem, !base, ev_now(s->loop), &use)) {
        refused_for_memory(s, use, !base);
        static const char low[] = RC_LOW_MEMORY_REASON;
        lws_close_reason(wsi, (enum lws_close_status)RC_CLOSE_LOW_MEMORY, (unsigned char *)low,
                         sizeof low - 1);
        return NULL;
    }
    rc_session *se = rc_session_new(s, wsi, uri, query);
    if (!se) {
        s->metrics.edge[RC_EDGE_FULL]++;
        static const char full[] = "server full";
        rc_srv_log(s, RC_LOG_WARN, "session limit (%zu) reached: refusing a connection",
                   s->cfg.max_sessions);
        lws_close_reason(wsi, (enum lws_close_status)1013 /* try again later */,
                         (unsigned char *)full, sizeof full - 1);
    }
    return se;
}

bool rc_admit_hello(rc_session *se, bool resume) {
    rc_server *s = se->server;
    size_t use;
    if (rc_memguard_check(&s->mem, resume, ev_now(s->loop), &use)) return true;
    refused_for_memory(s, use, resume);
    rc_session_close(se, RC_CLOSE_LOW_MEMORY, RC_LOW_MEMORY_REASON);
    return false;
}
