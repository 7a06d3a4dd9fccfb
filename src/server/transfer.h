/*
 * Uploads and downloads (docs/guide/uploads.md): the components' offers
 * (rc_use_upload, rc_use_download) and their HTTP endpoints, also under
 * --workers N, where the request may reach a worker that does not hold
 * the offer (transfer_relay.c says why and how).
 *
 *   transfer_name.c   pure: tokens' form (and the worker they name),
 *                     Content-Disposition's escaping
 *   transfer_frame.c  pure: the relay's two frames (request, answer)
 *   transfer_offers.c the offers' index: token -> offer, a hash map
 *   transfer.c        the offers (token -> session, options) and the
 *                     transfers on them, whoever asked: a body's pieces to
 *                     on_chunk, a download's from read
 *   transfer_owner.c  a worker's relay socket: requests relayed by the
 *                     other workers, run on transfer.c
 *   transfer_relay.c  a request for another worker's offer, relayed to
 *                     its socket
 *   transfer_http.c   the endpoints (lws): the edge's checks, then
 *                     transfer.c for an offer of ours, transfer_relay.c
 *                     for another worker's
 *   transfer_off.c    all of it without RC_WITH_UPLOADS
 *
 * Called from app.c's callback before http.c sees the request; calls
 * http.c (replies), edge.c, login.c and background.c (session handles).
 */
#ifndef RC_SERVER_TRANSFER_H
#define RC_SERVER_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/server.h"

/* 2 hex of the worker's index (0 without workers), then 32 hex of 16
 * random bytes: the prefix tells any worker where the offer lives, the
 * random part keeps its 128 bits. */
#define RC_XFER_TOKEN_LEN  34
#define RC_XFER_NAME_MAX   255 /* a file name or an answer's text, in a frame */
#define RC_XFER_TYPE_MAX   127
#define RC_XFER_CHUNK      16384
#define RC_XFER_IDLE_S     30 /* an upload that sends nothing for this long is cut */
#define RC_XFER_CANCEL_409 "409 conflict: the upload was cancelled by the app\n"
#define RC_XFER_OK_200     "200 ok: uploaded\n"

typedef enum { RC_XFER_UPLOAD = 1, RC_XFER_DOWNLOAD = 2 } rc_xfer_kind;

/* transfer_name.c. Whether t is a token's form (34 lowercase hex). */
bool rc_xfer_token_ok(const char *t);
/* The worker index a token names (0..255), or -1 when t is no token. */
int rc_xfer_token_worker(const char *t);
/* Content-Disposition for name into out: attachment with an ASCII
 * filename="..." (quotes, backslashes, controls and non-ASCII as '_') and
 * RFC 5987's filename*=UTF-8''... percent-encoded. NULL or "" name:
 * "download". The length written, or 0 when cap is too small. */
size_t rc_xfer_disposition(char *out, size_t cap, const char *name);

/* transfer_offers.c (loop thread). The item put under token (RC_XFER_TOKEN_LEN chars,
 * compared in constant time), or NULL. put: indexes item (not NULL, owned
 * by the caller, who deletes it before freeing it) under token, replacing
 * what was there; grows as needed, no cap but memory. del: unindexes token
 * (none: nothing). count: the tokens indexed. */
void *rc_xfer_offers_get(const char *token);
void rc_xfer_offers_put(const char *token, void *item);
void rc_xfer_offers_del(const char *token);
size_t rc_xfer_offers_count(void);

/* transfer_frame.c: what the relay carries (formats in that file). A
 * request: kind, HEAD or not, token, Content-Length (uploads) and the
 * ?name= argument; an upload's body bytes follow it. An answer: status,
 * whether the connection closes after it, and the text of a refusal or
 * a download's file name, size and type; a download's body follows. */
typedef struct rc_xfer_req {
    rc_xfer_kind kind;
    bool head;
    char token[RC_XFER_TOKEN_LEN + 1];
    uint64_t total;
    char name[RC_XFER_NAME_MAX + 1];
} rc_xfer_req;
typedef struct rc_xfer_ans {
    unsigned status; /* 100..599 */
    bool close;
    uint64_t size;                   /* a download's Content-Length */
    char type[RC_XFER_TYPE_MAX + 1]; /* a download's Content-Type */
    char text[RC_XFER_NAME_MAX + 1]; /* a refusal's body, or the file name */
} rc_xfer_ans;
#define RC_XFER_FRAME_MAX 520 /* the longest frame either way */
/* Encoders: the frame's length (at most RC_XFER_FRAME_MAX), or 0 when a
 * field is out of range. Decoders: the bytes the frame took (> 0), 0 when
 * in[0..len) is a frame's beginning (read on), or -1 when it is malformed
 * (the connection is closed). */
size_t rc_xfer_req_encode(const rc_xfer_req *r, unsigned char *out, size_t cap);
long rc_xfer_req_decode(rc_xfer_req *r, const unsigned char *in, size_t len);
size_t rc_xfer_ans_encode(const rc_xfer_ans *a, unsigned char *out, size_t cap);
long rc_xfer_ans_decode(rc_xfer_ans *a, const unsigned char *in, size_t len);

/* transfer.c: the owner's side of a transfer, the same whether the
 * request came to this worker or through the relay. */
typedef struct rc_xfer_run rc_xfer_run;
/* The body of a refusal by status (401, 404, 409, 411, 413, 503, 403). */
const char *rc_xfer_refusal(unsigned status);
/* Whether token names a live offer of kind in this process. */
bool rc_xfer_known(const char *token, rc_xfer_kind kind);
/* An upload of total bytes begins: 0 and *out, or the refusal's status
 * (404 no such offer, 413 over its limit, 409 busy, 503 too many at once). */
unsigned rc_xfer_up_open(const char *token, const char *name, uint64_t total, rc_xfer_run **out);
/* A piece to on_chunk: 0 (go on; also once ended: dropped), -1 the upload
 * was cut (more than announced, or its page went: cancelled, hang up), 1
 * the app refused it (cancelled: answer RC_XFER_CANCEL_409 and hang up). */
int rc_xfer_up_chunk(rc_xfer_run *x, const void *in, size_t len);
/* Whether every announced byte has been taken. */
bool rc_xfer_up_complete(const rc_xfer_run *x);
/* A download begins: 0, *out and its answer (200, size, type, file name
 * in text), or 404. */
unsigned rc_xfer_down_open(const char *token, rc_xfer_run **out, rc_xfer_ans *head);
/* Its next piece into buf (at most want): the bytes (> 0), or -1 when the
 * offer went or read failed (cut short of the Content-Length). */
long rc_xfer_down_read(rc_xfer_run *x, void *buf, size_t want);
/* Whether the download has been read whole. */
bool rc_xfer_down_complete(const rc_xfer_run *x);
/* Ends x and frees it (NULL: nothing): an upload's on_done hears status
 * (0 done, -1 cancelled) unless told already. */
void rc_xfer_end(rc_xfer_run *x, int status);

/* transfer.c: who this process is. setup: in a worker just forked, its
 * index and the supervisor's pid, which name the relay sockets; never
 * called without workers (index 0, nothing relays). remote: the worker a
 * token names is another one (relay the request). name: a worker's relay
 * socket's abstract name into out ('\0' first), its length. */
void rc_xfer_relay_setup(int index, int supervisor_pid);
int rc_xfer_relay_self(void); /* this worker's index, or -1 without workers */
bool rc_xfer_relay_remote(const char *token);
size_t rc_xfer_relay_name(char *out, size_t cap, int index);

/* transfer_owner.c: this worker's relay socket (under --workers only).
 * start: listens (retrying while a worker being replaced still holds the
 * name); unlisten: at the start of a shutdown (the name is free for the
 * replacement; transfers running go on); stop: everything closed, uploads
 * running cancelled. */
void rc_xfer_relay_start(rc_server *s);
void rc_xfer_relay_unlisten(rc_server *s);
void rc_xfer_relay_stop(rc_server *s);

/* transfer_relay.c: a request relayed to the worker its token names. open:
 * connected and the request sent (NULL: that worker is not there, 404).
 * body: an upload's bytes (copied; rx flow stopped while the socket is
 * full). body_done: every byte given. answer: the owner's answer once it
 * came (NULL before); *failed when the owner went (cut the request).
 * read: a download's next bytes into buf (0: none yet, -1: cut short);
 * complete: every byte of it was read.
 * free: the browser went or the answer is out (an upload not finished is
 * cancelled in the owner). lws is told writable when an answer or bytes
 * come, and the request is killed when the owner fails. */
typedef struct rc_relay rc_relay;
rc_relay *rc_xfer_relay_open(rc_server *s, struct lws *wsi, const rc_xfer_req *req);
void rc_xfer_relay_body(rc_relay *r, const void *in, size_t len);
void rc_xfer_relay_body_done(rc_relay *r);
const rc_xfer_ans *rc_xfer_relay_answer(rc_relay *r, bool *failed);
long rc_xfer_relay_read(rc_relay *r, void *buf, size_t cap);
bool rc_xfer_relay_complete(const rc_relay *r);
void rc_xfer_relay_free(rc_relay *r);

/* transfer_http.c. request: a POST to RC_PATH_UPLOAD or a GET/HEAD of
 * RC_PATH_DOWNLOAD, taken (true, *rc the callback's return). body,
 * body_done: a taken POST's body (false: not ours). writable: a download's
 * next piece or a relayed answer (true: ours). closed: the connection
 * went (an upload not finished is cancelled). */
bool rc_xfer_request(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc);
bool rc_xfer_body(rc_server *s, struct lws *wsi, rc_conn *c, const void *in, size_t len, int *rc);
bool rc_xfer_body_done(rc_server *s, struct lws *wsi, rc_conn *c, int *rc);
bool rc_xfer_writable(rc_server *s, struct lws *wsi, rc_conn *c, int *rc);
void rc_xfer_closed(rc_server *s, rc_conn *c);

#endif
