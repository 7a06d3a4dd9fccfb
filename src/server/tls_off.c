/*
 * A build without TLS (RC_WITH_TLS=OFF, docs/size.md): no OpenSSL calls, no
 * redirect port; --tls-cert, --tls-key and --redirect-http stop the start
 * with a clear message rather than serving in clear what was meant to be
 * encrypted.
 */
#include <stdio.h>

#include "server/server.h"

int rc_tls_config(const rc_app *cfg) {
    if (!cfg->tls_cert && !cfg->tls_key && !cfg->redirect_http) return 0;
    fprintf(stderr, "reactc: this build of reactc has no TLS support (RC_WITH_TLS=OFF): "
                    "--tls-cert, --tls-key and --redirect-http are refused\n");
    return -1;
}

void rc_tls_context_info(const rc_server *s, struct lws_context_creation_info *info) {
    (void)s;
    (void)info;
}

int rc_tls_start(rc_server *s, bool own_sighup) {
    (void)s;
    (void)own_sighup;
    return 0;
}

void rc_tls_stop(rc_server *s) { (void)s; }
