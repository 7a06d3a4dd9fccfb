/*
 * Built without the login (RC_WITH_AUTH=OFF): --auth-file and check_login
 * are refused at start, clearly, rather than serving the app open; every
 * other call does nothing.
 */
#include <stdio.h>

#include "server/server.h"

int rc_login_config(const rc_app *cfg) {
    if (!cfg->auth_file && !cfg->check_login) return 0;
    fprintf(stderr, "reactc: --auth-file / check_login: this reactc is built without the login "
                    "(RC_WITH_AUTH=OFF); rebuild with -DRC_WITH_AUTH=ON\n");
    return -1;
}
int rc_login_start(rc_server *s, bool own_sighup) {
    (void)s;
    (void)own_sighup;
    return 0;
}
void rc_login_stop(rc_server *s) { (void)s; }
bool rc_login_post(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc) {
    (void)s, (void)wsi, (void)c, (void)uri, (void)rc;
    return false;
}
bool rc_login_gate(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc) {
    (void)s, (void)wsi, (void)c, (void)uri, (void)rc;
    return false;
}
int rc_login_body(rc_conn *c, const void *in, size_t len) {
    (void)c, (void)in, (void)len;
    return 0; /* a POST's body, answered 405 by http.c: ignored */
}
int rc_login_body_done(rc_server *s, struct lws *wsi, rc_conn *c) {
    (void)s, (void)wsi, (void)c;
    return 0;
}
bool rc_login_writable(rc_server *s, struct lws *wsi, rc_conn *c, int *rc) {
    (void)s, (void)wsi, (void)c, (void)rc;
    return false;
}
void rc_login_closed(rc_conn *c) { (void)c; }
unsigned rc_login_upgrade(rc_server *s, struct lws *wsi) {
    (void)s, (void)wsi;
    return 0;
}
bool rc_login_user_of(rc_server *s, struct lws *wsi, char user[65]) {
    (void)s, (void)wsi;
    user[0] = '\0';
    return false;
}
