/*
 * TLS in process (--tls-cert, --tls-key; docs/security.md "TLS"): the
 * files checked before any fork, the lws vhost's TLS settings, and SIGHUP
 * re-reading the certificate in a single process.
 *
 * lws does the TLS (OpenSSL, as Debian builds it); OpenSSL is called here
 * only to check the files, so that a bad one stops the start with a
 * message naming the file and the fault, rather than lws' log lines, and
 * so that a reload with a bad file keeps the certificate in use (lws
 * loads into the live SSL_CTX: a certificate loaded and its key refused
 * would leave new handshakes failing).
 *
 * Who loads the files: each serving process, when it creates its lws
 * context. With --workers that is each worker after its fork, so the
 * supervisor's rolling restart on SIGHUP is also the reload (a new worker
 * reads the renewed files; old ones drain). A single process reloads in
 * place with lws_tls_cert_updated: the vhost's SSL_CTX gets the new
 * certificate and key; connections already made keep the SSL objects
 * (and certificate) they were made with.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "server/server.h"

/* OpenSSL's latest error, for a message ("" when it queued none). */
static const char *ssl_error(char *buf, size_t cap) {
    unsigned long e = ERR_peek_last_error();
    buf[0] = '\0';
    if (e) ERR_error_string_n(e, buf, cap);
    ERR_clear_error();
    return buf;
}

/* The private key from path, checked on the open file as the secret file is
 * (resume/secret.c): a regular file that neither group nor others may
 * read. NULL with err set. */
static EVP_PKEY *read_key(const char *path, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot read the TLS key %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "TLS key %s is not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        snprintf(err, errlen, "TLS key %s is open to group or others (mode %04o): chmod 600 %s",
                 path, (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        snprintf(err, errlen, "cannot read the TLS key %s", path);
        return NULL;
    }
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!key) {
        char e[200];
        snprintf(err, errlen, "TLS key %s holds no PEM private key (without a passphrase) %s", path,
                 ssl_error(e, sizeof e));
    }
    return key;
}

/* Whether cert and key load and belong together: 0, or -1 with err set. */
static int check_files(const char *cert, const char *key, char *err, size_t errlen) {
    if (access(cert, R_OK) != 0) {
        snprintf(err, errlen, "cannot read the TLS certificate %s: %s", cert, strerror(errno));
        return -1;
    }
    EVP_PKEY *pkey = read_key(key, err, errlen);
    if (!pkey) return -1;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    char e[200];
    int rc = -1;
    if (!ctx) snprintf(err, errlen, "TLS: %s", ssl_error(e, sizeof e));
    else if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
        snprintf(err, errlen, "TLS certificate %s is not a PEM certificate: %s", cert,
                 ssl_error(e, sizeof e));
    else if (SSL_CTX_use_PrivateKey(ctx, pkey) != 1 || SSL_CTX_check_private_key(ctx) != 1)
        snprintf(err, errlen, "TLS key %s does not match the certificate %s (%s)", key, cert,
                 ssl_error(e, sizeof e));
    else rc = 0;
    SSL_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    return rc;
}

int rc_tls_config(const rc_app *cfg) {
    char err[600];
    if (!cfg->tls_cert != !cfg->tls_key) {
        fprintf(stderr, "reactc: %s without %s: give both (the certificate and its key)\n",
                cfg->tls_cert ? "--tls-cert" : "--tls-key",
                cfg->tls_cert ? "--tls-key" : "--tls-cert");
        return -1;
    }
    if (cfg->redirect_http && !cfg->tls_cert) {
        fprintf(stderr, "reactc: --redirect-http needs TLS (--tls-cert and --tls-key)\n");
        return -1;
    }
    if (!cfg->tls_cert) return 0;
    if (check_files(cfg->tls_cert, cfg->tls_key, err, sizeof err) < 0) {
        fprintf(stderr, "reactc: %s\n", err);
        return -1;
    }
    return 0;
}

void rc_tls_context_info(const rc_server *s, struct lws_context_creation_info *info) {
    if (!s->cfg.tls_cert) return;
    /* Our listener's sockets are adopted, not accepted by lws: the global
     * init makes the context TLS-capable, and the certificate makes the
     * default vhost TLS, so lws_adopt_socket_vhost (LWS_ADOPT_ALLOW_SSL)
     * starts each connection with a handshake. A plain request on the port
     * fails that handshake and is closed; one that never finishes it is
     * closed after info->timeout_secs. A server needs no CA store. */
    info->options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
    info->ssl_cert_filepath = s->cfg.tls_cert;
    info->ssl_private_key_filepath = s->cfg.tls_key;
    /* HTTP/1.1 only, though lws offers h2: over h2 a browser sends
     * :authority and :path instead of Host and the request line, which the
     * routing and origin checks (edge.c) read. */
    info->alpn = "http/1.1";
}

/* SIGHUP: the files again, checked first; a bad one keeps the old. */
static void on_sighup(struct ev_loop *loop, ev_signal *w, int revents) {
    (void)loop;
    (void)revents;
    rc_server *s = w->data;
    char err[600];
    if (check_files(s->cfg.tls_cert, s->cfg.tls_key, err, sizeof err) < 0) {
        rc_srv_log(s, RC_LOG_ERROR, "SIGHUP: %s; the certificate in use stays", err);
        return;
    }
    if (lws_tls_cert_updated(s->lws, s->cfg.tls_cert, s->cfg.tls_key, NULL, 0, NULL, 0)) {
        rc_srv_log(s, RC_LOG_ERROR, "SIGHUP: the TLS certificate was not reloaded");
        return;
    }
    rc_srv_log(s, RC_LOG_INFO, "SIGHUP: TLS certificate %s reloaded", s->cfg.tls_cert);
}

int rc_tls_start(rc_server *s, bool own_sighup) {
    ev_signal_init(&s->sighup, on_sighup, SIGHUP);
    s->sighup.data = s;
    /* A worker's SIGHUP is its supervisor's (a rolling restart), the dev
     * runner's its own (a rebuild): only a process on its own listener
     * reloads in place. */
    if (s->cfg.tls_cert && own_sighup) ev_signal_start(s->loop, &s->sighup);
    return rc_redirect_start(s);
}

void rc_tls_stop(rc_server *s) {
    if (ev_is_active(&s->sighup)) ev_signal_stop(s->loop, &s->sighup);
    rc_redirect_stop(s);
}
