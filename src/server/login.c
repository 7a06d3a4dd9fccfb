/*
 * The login on the loop (docs/security.md, "Login"), with --auth-file or
 * the app's check_login:
 *
 *   GET of any page, static file    no valid cookie: the login form (200)
 *   GET /_reactc/client.js          public: the same code for every reactc
 *                                   app, nothing of the app's in it
 *   POST /_reactc/login             Host and Origin checked (403: a foreign
 *                                   page), body <= 4 KiB (413), failed
 *                                   tries per address limited (429), the
 *                                   check queued to the worker (503: full);
 *                                   then 303 to / with the cookie, or the
 *                                   form again with a message (401)
 *   POST /_reactc/logout            the cookie cleared, 303 to /
 *   WebSocket upgrade               no valid cookie: 401
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "server/auth.h"
#include "server/endpoints.h"
#include "server/server.h"
#include "util/alloc.h"

#define FAILS_MAX    5    /* failed logins per address per window */
#define FAILS_WINDOW 60.0 /* seconds */
#define FAIL_SLOTS   256  /* addresses tracked (the oldest window is reused) */

typedef struct fail_slot {
    char addr[64];
    double start;
    unsigned n;
} fail_slot;

struct rc_login {
    rc_server *s;
    rc_auth_users users;
    rc_auth_worker *worker;
    ev_async done;
    ev_signal sighup;
    fail_slot fails[FAIL_SLOTS];
};

/* A login POST in progress, on its connection (rc_conn.login). */
struct rc_login_req {
    struct lws *wsi;
    char body[RC_AUTH_BODY_MAX];
    size_t len;
    bool logout;
    rc_auth_job *job; /* at the worker; NULL once answered */
    int result;       /* 0: waiting; 1: right; 2: wrong */
    char user[RC_AUTH_USER_MAX + 1];
    char addr[64]; /* the client's (rc_edge_client): its failures */
};

static fail_slot *fail_slot_of(struct rc_login *l, const char *addr, double now) {
    fail_slot *oldest = &l->fails[0];
    for (size_t i = 0; i < FAIL_SLOTS; i++) {
        fail_slot *f = &l->fails[i];
        if (strcmp(f->addr, addr) == 0) {
            if (now - f->start >= FAILS_WINDOW) f->start = now, f->n = 0;
            return f;
        }
        if (f->start < oldest->start) oldest = f;
    }
    snprintf(oldest->addr, sizeof oldest->addr, "%s", addr);
    oldest->start = now;
    oldest->n = 0;
    return oldest;
}

static void on_done(struct ev_loop *loop, ev_async *w, int revents) {
    (void)loop;
    (void)revents;
    struct rc_login *l = w->data;
    rc_auth_job *j = rc_auth_worker_take_done(l->worker);
    while (j) {
        rc_auth_job *next = j->next;
        struct rc_login_req *r = j->owner;
        if (r) {
            r->result = j->ok ? 1 : 2;
            r->job = NULL;
            lws_callback_on_writable(r->wsi);
        }
        rc_auth_job_free(j);
        j = next;
    }
}

static void wake(void *arg) {
    struct rc_login *l = arg;
    ev_async_send(l->s->loop, &l->done);
}

/* The app's check_login, on the worker thread. */
static int app_check(void *arg, const rc_auth_job *job) {
    rc_server *s = arg;
    return s->cfg.check_login(s->app, job->user, job->password) == 1;
}

static void on_sighup(struct ev_loop *loop, ev_signal *w, int revents) {
    (void)loop;
    (void)revents;
    struct rc_login *l = w->data;
    rc_auth_users u;
    char err[300];
    if (rc_auth_load(l->s->cfg.auth_file, &u, err, sizeof err) < 0) {
        rc_srv_log(l->s, RC_LOG_ERROR, "SIGHUP: --auth-file kept as it was: %s", err);
        return;
    }
    rc_auth_users_free(&l->users);
    l->users = u;
    rc_srv_log(l->s, RC_LOG_INFO, "SIGHUP: --auth-file re-read: %zu users", u.n);
}

int rc_login_config(const rc_app *cfg) {
    if (!cfg->auth_file) return 0;
    rc_auth_users u;
    char err[300];
    if (rc_auth_load(cfg->auth_file, &u, err, sizeof err) < 0) {
        fprintf(stderr, "reactc: --auth-file: %s\n", err);
        return -1;
    }
    rc_auth_users_free(&u);
    return 0;
}

int rc_login_start(rc_server *s, bool own_sighup) {
    if (!s->cfg.auth_file && !s->cfg.check_login) return 0;
    struct rc_login *l = rc_xcalloc(1, sizeof *l);
    l->s = s;
    char err[300];
    if (s->cfg.auth_file && rc_auth_load(s->cfg.auth_file, &l->users, err, sizeof err) < 0) {
        rc_srv_log(s, RC_LOG_ERROR, "--auth-file: %s", err);
        free(l);
        return -1;
    }
    l->worker = s->cfg.check_login
                    ? rc_auth_worker_new(RC_AUTH_QUEUE, app_check, s, wake, l)
                    : rc_auth_worker_new(RC_AUTH_QUEUE, rc_auth_check_hash, NULL, wake, l);
    if (!l->worker) {
        rc_srv_log(s, RC_LOG_ERROR, "login: cannot start the password thread");
        rc_auth_users_free(&l->users);
        free(l);
        return -1;
    }
    ev_async_init(&l->done, on_done);
    l->done.data = l;
    ev_async_start(s->loop, &l->done);
    ev_signal_init(&l->sighup, on_sighup, SIGHUP);
    l->sighup.data = l;
    if (s->cfg.auth_file && own_sighup) ev_signal_start(s->loop, &l->sighup);
    s->login = l;
    return 0;
}

void rc_login_stop(rc_server *s) {
    struct rc_login *l = s->login;
    if (!l) return;
    rc_auth_worker_free(l->worker);
    ev_async_stop(s->loop, &l->done);
    ev_signal_stop(s->loop, &l->sighup);
    rc_auth_users_free(&l->users);
    free(l);
    s->login = NULL;
}

bool rc_login_user_of(rc_server *s, struct lws *wsi, char user[RC_AUTH_USER_MAX + 1]) {
    user[0] = '\0';
    if (!s->login) return false;
    char hdr[4096];
    size_t vl = 0;
    if (lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_HTTP_COOKIE) <= 0) return false;
    const char *v = rc_auth_cookie_find(hdr, RC_AUTH_COOKIE, &vl);
    return v && rc_auth_cookie_open(&s->keys, s->app_tag, v, vl, (uint64_t)time(NULL), user);
}

unsigned rc_login_upgrade(rc_server *s, struct lws *wsi) {
    char user[RC_AUTH_USER_MAX + 1];
    if (!s->login || rc_login_user_of(s, wsi, user)) return 0;
    s->metrics.edge[rc_metrics_edge_reason(401)]++;
    return 401;
}

/* The form's page (a 200 for a page, 401 after a wrong password). */
static int form(rc_server *s, struct lws *wsi, rc_conn *c, unsigned status, const char *msg) {
    rc_buf b;
    rc_buf_init(&b);
    rc_login_page(&b, s->cfg.title, msg);
    return rc_http_reply(wsi, c, status, "text/html; charset=utf-8", &b, NULL, false);
}

static int text(struct lws *wsi, rc_conn *c, unsigned status, const char *msg,
                const char *const *headers, bool close) {
    rc_buf b;
    rc_buf_init(&b);
    rc_buf_append(&b, msg, strlen(msg));
    return rc_http_reply(wsi, c, status, "text/plain; charset=utf-8", &b, headers, close);
}

/* A POST to ours: checks before its body is read. */
static int begin_post(rc_server *s, struct lws *wsi, rc_conn *c, bool logout) {
    unsigned refused = rc_edge_check(s, wsi, RC_EDGE_POST); /* Host, and Origin when sent */
    if (refused) {
        c->close = true; /* its body is not handled, only dropped (linger.c) */
        return rc_http_refuse(wsi, c, refused);
    }
    /* libwebsockets 4.1 reads a request body only by its Content-Length: a
     * chunked one would never reach body_done, and the client would wait
     * for an answer until the connection timed out. Browsers always send
     * the length of a form; without one, 411 at once. */
    char cl[32];
    if (lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
        return text(wsi, c, 411, "411 length required: send the form with a Content-Length\n", NULL,
                    true);
    if (strtoull(cl, NULL, 10) > RC_AUTH_BODY_MAX)
        return text(wsi, c, 413, "413 content too large: 4 KiB at most\n", NULL, true);
    char addr[64];
    rc_edge_client(s, wsi, addr, sizeof addr);
    if (!logout) {
        double now = ev_now(s->loop);
        fail_slot *f = fail_slot_of(s->login, addr, now);
        if (f->n >= FAILS_MAX) {
            char after[16];
            snprintf(after, sizeof after, "%u", (unsigned)(FAILS_WINDOW - (now - f->start)) + 1);
            const char *const h[] = {"retry-after:", after, NULL};
            return text(wsi, c, 429, "429 too many failed logins: retry later\n", h, true);
        }
    }
    rc_login_closed(c); /* a keep-alive connection's last POST */
    c->login = rc_xcalloc(1, sizeof *c->login);
    c->login->wsi = wsi;
    c->login->logout = logout;
    memcpy(c->login->addr, addr, sizeof addr);
    return 0;
}

bool rc_login_post(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc) {
    if (!s->login || lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) <= 0) return false;
    if (strcmp(uri, RC_PATH_LOGIN) != 0 && strcmp(uri, RC_PATH_LOGOUT) != 0) return false;
    *rc = begin_post(s, wsi, c, strcmp(uri, RC_PATH_LOGOUT) == 0);
    return true;
}

bool rc_login_gate(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc) {
    if (!s->login || strcmp(uri, RC_PATH_CLIENT_JS) == 0) return false; /* public */
    char user[RC_AUTH_USER_MAX + 1];
    if (rc_login_user_of(s, wsi, user)) return false;
    *rc = form(s, wsi, c, 200, NULL);
    return true;
}

/* A body for a request that is not ours (a POST elsewhere, answered 405
 * and closed by http.c) is ignored: hanging up here could cut off that
 * answer. Ours past 4 KiB without a Content-Length that said so (a chunked
 * body): hung up at once, nothing more read or kept. */
int rc_login_body(rc_conn *c, const void *in, size_t len) {
    struct rc_login_req *r = c->login;
    if (!r || r->job || r->result) return 0;
    if (len > sizeof r->body - r->len) return -1;
    if (!len) return 0; /* lws says an empty body (Content-Length: 0) with in NULL */
    memcpy(r->body + r->len, in, len);
    r->len += len;
    return 0;
}

/* The Set-Cookie value: sealed user and expiry, or an empty one (logout). */
static void cookie_header(rc_server *s, const char *user, rc_buf *b, bool tls) {
    rc_buf_append(b, RC_AUTH_COOKIE "=", sizeof RC_AUTH_COOKIE);
    uint32_t ttl = s->cfg.login_ttl;
    if (user) rc_auth_cookie_seal(&s->keys, s->app_tag, user, (uint64_t)time(NULL) + ttl, b);
    char tail[96];
    snprintf(tail, sizeof tail, "; Max-Age=%u; Path=/; HttpOnly; SameSite=Strict%s",
             user ? (unsigned)ttl : 0u, tls ? "; Secure" : "");
    rc_buf_append(b, tail, strlen(tail));
    rc_buf_putc(b, '\0');
}

static int redirect_home(rc_server *s, struct lws *wsi, rc_conn *c, const char *user) {
    rc_buf ck;
    rc_buf_init(&ck);
    cookie_header(s, user, &ck, lws_is_ssl(wsi) != 0);
    const char *const h[] = {"set-cookie:", ck.data, "location:", "/", NULL};
    rc_buf b;
    rc_buf_init(&b);
    int rc = rc_http_reply(wsi, c, 303, "text/plain; charset=utf-8", &b, h, false);
    rc_buf_free(&ck);
    return rc;
}

/* The POST's state goes before its answer is started, not when the
 * connection closes: answering a keep-alive request ends its transaction,
 * and lws then frees the connection's user data (this rc_conn) without a
 * CLOSED_HTTP, so c->login would leak with every login POST, and c must
 * not be touched once the answer is started (ASan saw both). So each
 * answer below is preceded by rc_login_closed. */
int rc_login_body_done(rc_server *s, struct lws *wsi, rc_conn *c) {
    struct rc_login_req *r = c->login;
    if (!r || !s->login || r->job || r->result) return 0; /* not ours, or done */
    if (r->logout) {
        rc_login_closed(c);
        return redirect_home(s, wsi, c, NULL);
    }
    rc_auth_job *j = rc_xcalloc(1, sizeof *j);
    if (!rc_auth_form_get(r->body, r->len, "user", j->user, sizeof j->user) ||
        !rc_auth_form_get(r->body, r->len, "password", j->password, sizeof j->password) ||
        !rc_auth_name_ok(j->user, strlen(j->user))) {
        rc_auth_job_free(j);
        rc_login_closed(c);
        return form(s, wsi, c, 400, "Enter a user name and a password.");
    }
    sodium_memzero(r->body, sizeof r->body);
    const rc_auth_user *u = rc_auth_find(&s->login->users, j->user);
    if (u) memcpy(j->hash, u->hash, sizeof j->hash);
    memcpy(r->user, j->user, sizeof r->user);
    j->owner = r;
    r->job = j;
    if (!rc_auth_worker_submit(s->login->worker, j)) {
        r->job = NULL;
        rc_auth_job_free(j);
        const char *const h[] = {"retry-after:", "1", NULL};
        rc_login_closed(c);
        return text(wsi, c, 503, "503 busy: too many logins at once, retry\n", h, false);
    }
    /* Counted as failed until it proves right: checks in flight count, so
     * a burst of parallel tries from one address gets no more than
     * FAILS_MAX checks a window either. */
    fail_slot_of(s->login, r->addr, ev_now(s->loop))->n++;
    return 0; /* answered from rc_login_writable once checked */
}

bool rc_login_writable(rc_server *s, struct lws *wsi, rc_conn *c, int *rc) {
    struct rc_login_req *r = c->login;
    if (!r || !r->result || !s->login) return false;
    int result = r->result;
    r->result = 0;
    fail_slot *f = fail_slot_of(s->login, r->addr, ev_now(s->loop));
    if (result == 1) {
        if (f->n) f->n--; /* it was right: not a failure */
        char user[sizeof r->user];
        memcpy(user, r->user, sizeof user);
        rc_srv_log(s, RC_LOG_INFO, "login: %s signed in", user);
        rc_login_closed(c);
        *rc = redirect_home(s, wsi, c, user);
        sodium_memzero(user, sizeof user);
        return true;
    }
    rc_srv_log(s, RC_LOG_WARN, "login: wrong password or user from %.64s", r->addr);
    rc_login_closed(c);
    *rc = form(s, wsi, c, 401, "Wrong user name or password.");
    return true;
}

void rc_login_closed(rc_conn *c) {
    struct rc_login_req *r = c->login;
    if (!r) return;
    if (r->job) r->job->owner = NULL; /* the worker's still: freed when done */
    sodium_memzero(r, sizeof *r);
    free(r);
    c->login = NULL;
}
