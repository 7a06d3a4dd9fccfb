/*
 * Fuzz target: an incoming client message, parsed and dispatched.
 *
 * Bytes go through rc_wire_parse (the server's only reader of client
 * input), whose fast reader for common layout-events must agree with the
 * jansson-only rc_wire_parse_general on every input. A layout-event is
 * dispatched to a small app whose handlers read the event data the way
 * applications do, then the layout flushes and the patch is serialised.
 * Any crash, leak or sanitizer report is a bug.
 * The handler ids the app renders are also tried as targets, so dispatch
 * reaches real handlers and not only the "unknown id" path.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reactc_layout.h"
#include "wire/message.h"
#include "wire/model.h"

static void on_text(rc_event *ev, void *s) { rc_state_set_string(s, rc_event_get_value(ev)); }

static void on_check(rc_event *ev, void *s) {
    rc_state_set_bool(s, rc_value_get_bool(rc_event_get_field(ev, "checked"), false));
}

static void on_any(rc_event *ev, void *s) {
    /* Read every shape of data an app might: nested fields, numbers, keys. */
    const rc_value *key = rc_event_get_field(ev, "key");
    const rc_value *x = rc_event_get_field(ev, "clientX");
    const rc_value *target = rc_event_get_field(ev, "target");
    int64_t n = rc_state_get_int(s) + 1 + (int64_t)(rc_value_get_float(x, 0) != 0);
    if (key && rc_value_get_string(key, NULL)) n += (int64_t)strlen(rc_value_get_string(key, ""));
    if (target) n += (int64_t)rc_object_count(target);
    rc_state_set_int(s, n % 1000);
    rc_state_set_value(s, rc_event_get_data(ev));
}

static void app(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *text = rc_use_string(ctx, "text", "");
    rc_state *checked = rc_use_bool(ctx, "checked", false);
    rc_state *any = rc_use_int(ctx, "any", 0);
    RC_EL(ctx, "div") {
        RC_EL(ctx, "input", .id = "t", .value = rc_state_get_string(text),
              .on = RC_ON("change", on_text, text)) {}
        RC_EL(ctx, "input", .id = "c", .type = "checkbox",
              .on = RC_ON("change", on_check, checked)) {
            rc_attr_bool(ctx, "checked", rc_state_get_bool(checked));
        }
        RC_EL(ctx, "button", .id = "b", .on = RC_ON("click", on_any, any)) {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(any));
        }
    }
}
RC_COMPONENT(app);

static void quiet(void *u, rc_log_level l, const char *m) {
    (void)u;
    (void)l;
    (void)m;
}

/* rc_wire_parse reads messages without jansson: it must agree with the
 * jansson-only reader on every input, result or error. */
static void check_readers_agree(const uint8_t *data, size_t size, int rc, const rc_message *m,
                                const char *err) {
    rc_message g;
    char gerr[160];
    int rg = rc_wire_parse_general((const char *)data, size, &g, gerr, sizeof gerr);
    if (rg != rc) abort();
    if (rc < 0) {
        /* The same reason, but for a JSON syntax error, which the fast
         * reader places and words itself after "invalid JSON at ". */
        static const char prefix[] = "invalid JSON at ";
        bool syntax = strncmp(gerr, prefix, sizeof prefix - 1) == 0;
        if (syntax ? strncmp(err, prefix, sizeof prefix - 1) != 0 : strcmp(err, gerr) != 0) abort();
        return;
    }
    if (g.type != m->type) abort();
    if (m->type == RC_MSG_EVENT &&
        (strcmp(g.target, m->target) != 0 || g.seq != m->seq || !rc_value_equal(&g.data, &m->data)))
        abort();
    rc_message_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rc_message m;
    char err[160];
    int rc = rc_wire_parse((const char *)data, size, &m, err, sizeof err);
    check_readers_agree(data, size, rc, &m, err);
    if (rc < 0) return 0;
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = quiet;
    if (m.type == RC_MSG_HELLO) {
        o.pathname = m.pathname;
        o.search = m.search;
    }
    rc_layout *l = rc_layout_new(&app_component, NULL, 0, &o);
    rc_layout_flush(l);
    rc_layout_commit(l);
    if (m.type == RC_MSG_EVENT) {
        rc_layout_dispatch(l, m.target, &m.data, m.seq);
        /* Also deliver the data to each real handler (ids vary per app). */
        const rc_node *div = rc_layout_get_root(l, 0);
        char ids[3][16];
        for (size_t i = 0; i < 3; i++)
            strcpy(ids[i], rc_handler_get_id(rc_node_get_handler(rc_node_get_child(div, i), 0)));
        for (size_t i = 0; i < 3; i++) rc_layout_dispatch(l, ids[i], &m.data, m.seq);
    }
    const rc_patch *p = rc_layout_flush(l);
    rc_buf b;
    rc_buf_init(&b);
    rc_wire_patch(&b, p, RC_WIRE_REACTC);
    rc_buf_reset(&b);
    rc_wire_patch(&b, p, RC_WIRE_COMPACT);
    rc_buf_reset(&b);
    rc_wire_root_model(&b, l, RC_WIRE_BASE);
    rc_buf_reset(&b);
    rc_wire_root_model(&b, l, RC_WIRE_COMPACT);
    rc_buf_free(&b);
    rc_layout_commit(l);
    rc_layout_free(l);
    rc_message_free(&m);
    return 0;
}
