/*
 * The protocol's rules for the fast reader (message_fast.c): a message read
 * into an rc_value tree becomes an rc_message, or is refused with a reason.
 * The rules are message.c's (parse_event, parse_hello and theirs, on
 * jansson's tree): the same checks in the same order, refused with the same
 * words (tests/unit/test_message.c compares them).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "wire/message_fast.h"

typedef struct why {
    char *err;
    size_t len;
} why;

static bool refuse(why *w, const char *reason) {
    snprintf(w->err, w->len, "%s", reason);
    return false;
}

/* The member named key, or NULL (no count in rc_object_key_compares: these
 * lookups are not the ones the tests bound). */
static const rc_value *member(const rc_value *obj, const char *key) {
    if (obj->kind != RC_OBJECT) return NULL;
    for (size_t i = 0; i < obj->as.obj.len; i++)
        if (strcmp(obj->as.obj.items[i].key, key) == 0) return &obj->as.obj.items[i].value;
    return NULL;
}

static bool is(const rc_value *v, rc_kind kind) { return v && v->kind == kind; }

static bool string_is(const rc_value *v, const char *word) {
    return is(v, RC_STRING) && v->as.str.len == strlen(word) && strcmp(v->as.str.ptr, word) == 0;
}

/* Whether v nests at most RC_WIRE_MAX_DEPTH levels, v itself at depth. */
static bool within_depth(const rc_value *v, int depth) {
    if (depth > RC_WIRE_MAX_DEPTH) return false;
    if (v->kind == RC_ARRAY) {
        for (size_t i = 0; i < v->as.arr.len; i++)
            if (!within_depth(&v->as.arr.items[i], depth + 1)) return false;
    } else if (v->kind == RC_OBJECT) {
        for (size_t i = 0; i < v->as.obj.len; i++)
            if (!within_depth(&v->as.obj.items[i].value, depth + 1)) return false;
    }
    return true;
}

/* A layout-event (or a replayed one): target, data, seq. The data is the
 * tree's own (in the arena): no copy. */
static bool read_event(const rc_value *ev, rc_message *m, why *w) {
    const rc_value *target = member(ev, "target"), *data = member(ev, "data");
    const rc_value *seq = member(ev, "seq");
    if (!is(target, RC_STRING) || target->as.str.len == 0 || target->as.str.len >= sizeof m->target)
        return refuse(w, "layout-event: \"target\" must be a short non-empty string");
    memcpy(m->target, target->as.str.ptr, target->as.str.len + 1);
    if (data && data->kind != RC_ARRAY) return refuse(w, "layout-event: \"data\" must be an array");
    if (data && !within_depth(data, 1)) {
        snprintf(w->err, w->len, "nesting deeper than %d", RC_WIRE_MAX_DEPTH);
        return false;
    }
    if (data) m->data = *data;
    else m->data.kind = RC_ARRAY;
    if (seq) {
        if (!is(seq, RC_INT) || seq->as.i < 1)
            return refuse(w, "layout-event: \"seq\" must be a positive integer");
        m->seq = (uint64_t)seq->as.i;
    }
    m->type = RC_MSG_EVENT;
    return true;
}

/* hello.resume: {session, secret, token, events}; session is required (at
 * most 64 characters, the base64url id), secret (at most 64 characters),
 * token and events are optional. */
static bool read_resume(const rc_value *resume, rc_message *m, why *w) {
    const rc_value *session = member(resume, "session"), *token = member(resume, "token");
    const rc_value *secret = member(resume, "secret"), *events = member(resume, "events");
    if (!is(resume, RC_OBJECT) || !is(session, RC_STRING) || session->as.str.len > 64 ||
        (token && !is(token, RC_STRING)) ||
        (secret && (!is(secret, RC_STRING) || secret->as.str.len > 64)))
        return refuse(w, "hello: \"resume\" must be {session, secret, token} strings");
    m->resume_session = rc_xstrdup(session->as.str.ptr);
    if (secret) m->resume_secret = rc_xstrdup(secret->as.str.ptr);
    if (token) m->resume_token = rc_xstrdup(token->as.str.ptr);
    if (!events) return true;
    if (!is(events, RC_ARRAY) || events->as.arr.len > RC_WIRE_MAX_REPLAY) {
        snprintf(w->err, w->len, "hello: \"resume.events\" must be an array of at most %d events",
                 RC_WIRE_MAX_REPLAY);
        return false;
    }
    size_t n = events->as.arr.len;
    m->replay = rc_xcalloc(n ? n : 1, sizeof *m->replay);
    for (size_t k = 0; k < n; k++) {
        const rc_value *ev = &events->as.arr.items[k];
        m->nreplay = k + 1; /* rc_message_free frees what is read so far */
        if (!is(ev, RC_OBJECT)) return refuse(w, "hello: a replayed event must be an object");
        if (!read_event(ev, &m->replay[k], w)) return false;
        if (!m->replay[k].seq) return refuse(w, "hello: a replayed event has no seq");
    }
    return true;
}

/* hello: version, extensions, location, resume, checked in this order. */
static bool read_hello(const rc_value *root, rc_message *m, why *w) {
    const rc_value *version = member(root, "version"), *exts = member(root, "extensions");
    const rc_value *loc = member(root, "location"), *resume = member(root, "resume");
    if (!is(version, RC_INT) || version->as.i < 1 || version->as.i > 1000)
        return refuse(w, "hello: \"version\" must be a positive integer");
    if (exts && !is(exts, RC_ARRAY)) return refuse(w, "hello: \"extensions\" must be an array");
    for (size_t i = 0; exts && i < exts->as.arr.len; i++)
        if (string_is(&exts->as.arr.items[i], "compact")) m->compact = true;
    if (loc) {
        const rc_value *path = member(loc, "pathname"), *search = member(loc, "search");
        if (!is(loc, RC_OBJECT) || (path && !is(path, RC_STRING)) ||
            (search && !is(search, RC_STRING)))
            return refuse(w, "hello: \"location\" must be {pathname, search} strings");
        if (path) m->pathname = rc_xstrdup(path->as.str.ptr);
        if (search) m->search = rc_xstrdup(search->as.str.ptr);
    }
    if (resume && !read_resume(resume, m, w)) return false;
    m->type = RC_MSG_HELLO;
    return true;
}

bool rc_wire_read_message(const rc_value *root, rc_message *m, char *err, size_t errlen) {
    why wy = {err, errlen}, *w = &wy;
    const rc_value *type = member(root, "type");
    if (root->kind != RC_OBJECT) return refuse(w, "message must be a JSON object");
    if (!is(type, RC_STRING)) return refuse(w, "message has no string \"type\"");
    if (string_is(type, "layout-event")) return read_event(root, m, w);
    if (string_is(type, "hello")) return read_hello(root, m, w);
    if (string_is(type, "sleep")) m->type = RC_MSG_SLEEP;
    else if (string_is(type, "ping")) m->type = RC_MSG_PING;
    else {
        snprintf(w->err, w->len, "unknown message type \"%.32s\"", type->as.str.ptr);
        return false;
    }
    return true;
}
