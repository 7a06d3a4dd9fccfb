/*
 * A build without /metrics (RC_WITH_METRICS=OFF, docs/size.md): no
 * listener, no Prometheus text, no merge over workers, no supervisor's
 * channels. The counters in rc_server stay (metrics.h): they are a few
 * integers bumped in passing, and tests and logs read them.
 *
 * --metrics is refused where it is read (rc_app_parse_args, through
 * rc_metrics_parse_addr) and again at start for an rc_app.metrics set in
 * code: a server meant to be scraped must not run silently unscraped.
 */
#include <stdio.h>

#include "server/server.h"

#define RC_METRICS_OFF "this build of reactc has no /metrics (built without RC_WITH_METRICS)"

int rc_metrics_parse_addr(const char *spec, char *host, size_t cap, int *port, char *err,
                          size_t errlen) {
    (void)spec;
    (void)host;
    (void)cap;
    (void)port;
    snprintf(err, errlen, "--metrics refused: %s", RC_METRICS_OFF);
    return -1;
}

int rc_metrics_http_start(rc_server *s, const char *spec) {
    (void)spec;
    rc_srv_log(s, RC_LOG_ERROR, "--metrics refused: %s", RC_METRICS_OFF);
    return -1;
}

void rc_metrics_http_stop(rc_server *s) { (void)s; }

rc_metrics_sup *rc_metrics_sup_open(struct ev_loop *loop, const char *spec, int nworkers, char *msg,
                                    size_t cap) {
    (void)loop;
    (void)spec;
    (void)nworkers;
    snprintf(msg, cap, "--metrics refused: %s", RC_METRICS_OFF);
    return NULL;
}

/* Never called: the supervisor has no rc_metrics_sup to pass. */
void rc_metrics_sup_prefork(rc_metrics_sup *m, int index) {
    (void)m;
    (void)index;
}

void rc_metrics_sup_child(rc_metrics_sup *m, int index) {
    (void)m;
    (void)index;
}

void rc_metrics_sup_forked(rc_metrics_sup *m, int index) {
    (void)m;
    (void)index;
}

void rc_metrics_sup_close(rc_metrics_sup *m) { (void)m; }

bool rc_metrics_worker_start(rc_server *s) {
    (void)s;
    return false;
}

void rc_metrics_worker_stop(rc_server *s) { (void)s; }
