#include "wire/message.h"

#include "wire/message_fast.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* The fast reader nests as deep as jansson, so that it needs jansson only
 * for refusals. */
_Static_assert(RC_WIRE_JSON_DEPTH == JSON_PARSER_MAX_DEPTH, "jansson's nesting limit changed");

/* Builds j into *out (zeroed) with every byte in arena a: arrays and
 * objects at their exact size (jansson knows it), no growing. */
static int to_value(json_t *j, rc_value *out, rc_arena *a, int depth, char *err, size_t errlen) {
    if (depth > RC_WIRE_MAX_DEPTH) {
        snprintf(err, errlen, "nesting deeper than %d", RC_WIRE_MAX_DEPTH);
        return -1;
    }
    switch (json_typeof(j)) {
    case JSON_NULL: return 0;
    case JSON_TRUE:
    case JSON_FALSE:
        out->kind = RC_BOOL;
        out->as.b = json_is_true(j);
        return 0;
    case JSON_INTEGER:
        out->kind = RC_INT;
        out->as.i = (int64_t)json_integer_value(j);
        return 0;
    case JSON_REAL:
        out->kind = RC_FLOAT;
        out->as.f = json_real_value(j);
        return 0;
    case JSON_STRING:
        out->kind = RC_STRING;
        out->as.str.len = json_string_length(j);
        out->as.str.ptr = rc_arena_strndup(a, json_string_value(j), out->as.str.len);
        return 0;
    case JSON_ARRAY: {
        size_t n = json_array_size(j), i;
        json_t *item;
        out->kind = RC_ARRAY;
        out->as.arr.items = n ? rc_arena_zalloc(a, n * sizeof(rc_value)) : NULL;
        out->as.arr.len = out->as.arr.cap = n;
        json_array_foreach(j, i, item) {
            if (to_value(item, &out->as.arr.items[i], a, depth + 1, err, errlen) < 0) return -1;
        }
        return 0;
    }
    case JSON_OBJECT: {
        /* jansson rejected duplicate keys, and NUL in keys. */
        size_t n = json_object_size(j), i = 0;
        const char *key;
        json_t *item;
        out->kind = RC_OBJECT;
        out->as.obj.items = n ? rc_arena_zalloc(a, n * sizeof(rc_member)) : NULL;
        out->as.obj.len = out->as.obj.cap = n;
        json_object_foreach(j, key, item) {
            rc_member *m = &out->as.obj.items[i++];
            m->key = rc_arena_strndup(a, key, strlen(key));
            if (to_value(item, &m->value, a, depth + 1, err, errlen) < 0) return -1;
        }
        return 0;
    }
    }
    snprintf(err, errlen, "unknown JSON type");
    return -1;
}

static json_t *load(const char *json, size_t len, char *err, size_t errlen) {
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) snprintf(err, errlen, "invalid JSON at %d:%d: %s", je.line, je.column, je.text);
    return root;
}

/* The value cap, checked on the text before either reader builds anything,
 * so that both refuse the same messages with the same reason. */
static int check_values(const char *json, size_t len, char *err, size_t errlen) {
    if (rc_wire_count_values(json, len, RC_WIRE_MAX_VALUES) <= RC_WIRE_MAX_VALUES) return 0;
    snprintf(err, errlen, "message has more than %d values", RC_WIRE_MAX_VALUES);
    return -1;
}

int rc_wire_parse_value(const char *json, size_t len, rc_value *out, char *err, size_t errlen) {
    if (check_values(json, len, err, errlen) < 0) return -1;
    json_t *root = load(json, len, err, errlen);
    if (!root) return -1;
    /* Built in an arena as messages are, then copied to the heap: the
     * caller owns the result as any rc_value. */
    rc_arena a;
    rc_arena_init(&a);
    rc_value v = {0};
    int rc = to_value(root, &v, &a, 0, err, errlen);
    json_decref(root);
    if (rc == 0) rc_value_copy(out, &v);
    else rc_value_free(out);
    rc_arena_free(&a);
    return rc;
}

/* A layout-event into m, its data built in arena a (the message's). */
static int parse_event(json_t *root, rc_message *m, rc_arena *a, char *err, size_t errlen) {
    json_t *target = json_object_get(root, "target");
    if (!json_is_string(target) || json_string_length(target) == 0 ||
        json_string_length(target) >= sizeof m->target) {
        snprintf(err, errlen, "layout-event: \"target\" must be a short non-empty string");
        return -1;
    }
    memcpy(m->target, json_string_value(target), json_string_length(target) + 1);
    json_t *data = json_object_get(root, "data");
    if (data && !json_is_array(data)) {
        snprintf(err, errlen, "layout-event: \"data\" must be an array");
        return -1;
    }
    if (data) {
        if (to_value(data, &m->data, a, 1, err, errlen) < 0) return -1;
    } else {
        m->data.kind = RC_ARRAY;
    }
    json_t *seq = json_object_get(root, "seq");
    if (seq) {
        if (!json_is_integer(seq) || json_integer_value(seq) < 1) {
            snprintf(err, errlen, "layout-event: \"seq\" must be a positive integer");
            return -1;
        }
        m->seq = (uint64_t)json_integer_value(seq);
    }
    m->type = RC_MSG_EVENT;
    return 0;
}

/* hello.location: {pathname, search}, each an optional string. */
static int parse_location(json_t *loc, rc_message *m, char *err, size_t errlen) {
    json_t *path = json_object_get(loc, "pathname"), *search = json_object_get(loc, "search");
    if (!json_is_object(loc) || (path && !json_is_string(path)) ||
        (search && !json_is_string(search))) {
        snprintf(err, errlen, "hello: \"location\" must be {pathname, search} strings");
        return -1;
    }
    if (path) m->pathname = strdup(json_string_value(path));
    if (search) m->search = strdup(json_string_value(search));
    return 0;
}

/* hello.resume.events: events the client still holds, replayed into the
 * session before its first tree is sent, so a resume from an older token
 * shows the latest state at once. Each is read as a layout-event (its
 * "type" is not checked) and must carry its seq. */
static int parse_replay(json_t *events, rc_message *m, char *err, size_t errlen) {
    if (!json_is_array(events) || json_array_size(events) > RC_WIRE_MAX_REPLAY) {
        snprintf(err, errlen, "hello: \"resume.events\" must be an array of at most %d events",
                 RC_WIRE_MAX_REPLAY);
        return -1;
    }
    size_t n = json_array_size(events);
    m->replay = calloc(n ? n : 1, sizeof *m->replay);
    if (!m->replay) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        json_t *ev = json_array_get(events, k);
        m->nreplay = k + 1; /* rc_message_free frees what is parsed so far */
        if (!json_is_object(ev)) {
            snprintf(err, errlen, "hello: a replayed event must be an object");
            return -1;
        }
        if (parse_event(ev, &m->replay[k], &m->arena, err, errlen) < 0) return -1;
        if (!m->replay[k].seq) {
            snprintf(err, errlen, "hello: a replayed event has no seq");
            return -1;
        }
    }
    return 0;
}

/* hello.resume: {session, secret, token, events}; session is required (a
 * string of at most 64 characters, the base64url session id), secret (at
 * most 64 characters), token and events are optional. */
static int parse_resume(json_t *resume, rc_message *m, char *err, size_t errlen) {
    json_t *session = json_object_get(resume, "session"), *token = json_object_get(resume, "token");
    json_t *secret = json_object_get(resume, "secret");
    if (!json_is_object(resume) || !json_is_string(session) || json_string_length(session) > 64 ||
        (token && !json_is_string(token)) ||
        (secret && (!json_is_string(secret) || json_string_length(secret) > 64))) {
        snprintf(err, errlen, "hello: \"resume\" must be {session, secret, token} strings");
        return -1;
    }
    m->resume_session = strdup(json_string_value(session));
    if (secret) m->resume_secret = strdup(json_string_value(secret));
    if (token) m->resume_token = strdup(json_string_value(token));
    json_t *events = json_object_get(resume, "events");
    return events ? parse_replay(events, m, err, errlen) : 0;
}

/* hello: version, extensions, location, resume, checked in this order
 * whatever the order of the keys in the text; the first problem found is
 * the reason given. */
static int parse_hello(json_t *root, rc_message *m, char *err, size_t errlen) {
    /* "version" is checked but not kept: the endpoint decides the protocol
     * (/_reactc/stream speaks version 1 with "patch" and "seq", which
     * reactc's client always asks for). Of the extensions only "compact"
     * changes what the server sends; other elements, of any type, are
     * ignored, as they always were. */
    json_t *version = json_object_get(root, "version");
    if (!json_is_integer(version) || json_integer_value(version) < 1 ||
        json_integer_value(version) > 1000) {
        snprintf(err, errlen, "hello: \"version\" must be a positive integer");
        return -1;
    }
    json_t *exts = json_object_get(root, "extensions");
    if (exts && !json_is_array(exts)) {
        snprintf(err, errlen, "hello: \"extensions\" must be an array");
        return -1;
    }
    size_t i;
    json_t *ext;
    json_array_foreach(exts, i, ext) {
        if (json_is_string(ext) && strcmp(json_string_value(ext), "compact") == 0)
            m->compact = true;
    }
    json_t *loc = json_object_get(root, "location");
    if (loc && parse_location(loc, m, err, errlen) < 0) return -1;
    json_t *resume = json_object_get(root, "resume");
    if (resume && parse_resume(resume, m, err, errlen) < 0) return -1;
    m->type = RC_MSG_HELLO;
    return 0;
}

/* The arena's first chunk: about what a message of len bytes builds (a
 * click's few values fit in one chunk; a big message grows geometrically). */
static void arena_for(rc_message *m, size_t len) {
    rc_arena_init_hint(&m->arena, 64 + 4 * (len < 65536 ? len : 65536));
}

int rc_wire_parse(const char *json, size_t len, rc_message *m, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    if (check_values(json, len, err, errlen) < 0) return -1;
    arena_for(m, len);
    /* The fast reader decides (jansson would cost 7-25x: bench/parse),
     * but for a real only strtod can read in a locale it cannot. */
    int rc = rc_wire_parse_fast(json, len, m, err, errlen);
    if (rc > 0) return 0;
    rc_message_free(m);
    if (rc < 0) return -1;
    return rc_wire_parse_general(json, len, m, err, errlen);
}

int rc_wire_parse_general(const char *json, size_t len, rc_message *m, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    if (check_values(json, len, err, errlen) < 0) return -1;
    json_t *root = load(json, len, err, errlen);
    if (!root) return -1;
    arena_for(m, len);
    int rc = -1;
    json_t *type = json_object_get(root, "type");
    if (!json_is_object(root)) {
        snprintf(err, errlen, "message must be a JSON object");
    } else if (!json_is_string(type)) {
        snprintf(err, errlen, "message has no string \"type\"");
    } else if (strcmp(json_string_value(type), "layout-event") == 0) {
        rc = parse_event(root, m, &m->arena, err, errlen);
    } else if (strcmp(json_string_value(type), "hello") == 0) {
        rc = parse_hello(root, m, err, errlen);
    } else if (strcmp(json_string_value(type), "sleep") == 0) {
        m->type = RC_MSG_SLEEP;
        rc = 0;
    } else if (strcmp(json_string_value(type), "ping") == 0) {
        m->type = RC_MSG_PING;
        rc = 0;
    } else {
        snprintf(err, errlen, "unknown message type \"%.32s\"", json_string_value(type));
    }
    json_decref(root);
    if (rc < 0) rc_message_free(m);
    return rc;
}

void rc_message_free(rc_message *m) {
    for (size_t i = 0; i < m->nreplay; i++) rc_message_free(&m->replay[i]);
    free(m->replay);
    m->replay = NULL;
    m->nreplay = 0;
    /* The data's tree is in the arena (never rc_value_free it). */
    rc_arena_free(&m->arena);
    memset(&m->data, 0, sizeof m->data);
    free(m->pathname);
    free(m->search);
    free(m->resume_session);
    free(m->resume_token);
    free(m->resume_secret);
    m->pathname = m->search = m->resume_session = m->resume_token = m->resume_secret = NULL;
}
