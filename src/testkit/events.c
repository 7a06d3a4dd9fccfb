/*
 * Events as the client sends them (client/src/serialize.ts): the handler's
 * arguments are one object with the event's type, the field's value and
 * checked state, and a submit's named fields under "elements". The kit
 * does not run the browser's DOM: it finds the handler the browser would
 * reach (bubbling to the nearest ancestor for a click, a link, a submit
 * button's form) and sends the event to it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"

#include "testkit/testkit.h"

/* The arguments array: [{"type": type, "target": {"tagName", "id"}}]. */
static rc_value *event_args(rc_value *args, const char *type, const rc_node *target) {
    memset(args, 0, sizeof *args);
    rc_value_set_array(args);
    rc_value *o = rc_array_push(args);
    rc_value_set_object(o);
    rc_value_set_string(rc_object_set(o, "type"), type);
    rc_value *el = rc_object_set(o, "target");
    rc_value_set_object(el);
    char tag[32];
    size_t i = 0;
    for (const char *s = rc_node_get_tag(target); *s && i + 1 < sizeof tag; s++)
        tag[i++] = (*s >= 'a' && *s <= 'z') ? (char)(*s - 'a' + 'A') : *s; /* as the DOM has it */
    tag[i] = '\0';
    rc_value_set_string(rc_object_set(el, "tagName"), tag);
    const char *id = rc_sel_attr(target, "id");
    rc_value_set_string(rc_object_set(el, "id"), id ? id : "");
    return o;
}

static int send_to(rc_test *t, const rc_handler *h, rc_value *args) {
    int rc = rc_test_send(t, rc_handler_get_id(h), args);
    rc_value_free(args);
    return rc;
}

static int not_element(rc_test *t, const rc_node *n, const char *what) {
    if (n && rc_node_get_kind(n) == RC_NODE_ELEMENT) return 0;
    rc_test_report(t, "%s on %s", what, n ? "a node that is not an element" : "NULL (not found?)");
    return -1;
}

/* The nearest of chain[0..depth) (from the end) that is a <tag>. */
static size_t nearest_at(rc_node **chain, size_t depth, const char *tag) {
    while (depth > 0)
        if (!strcmp(rc_node_get_tag(chain[--depth]), tag)) return depth + 1;
    return 0;
}

/* The handlers one event reaches, as client/src/events.ts runs them: the
 * target's, then each ancestor's with a handler for it (bubbling), until
 * one that stops propagation. Their ids are copied before the first is
 * sent: the browser runs them all before the server answers, while the
 * kit renders after each, which may free the nodes. */
typedef struct route {
    char *ids[RC_QUERY_MAX_DEPTH];
    size_t n;
    bool prevented; /* one of them prevents the default action */
} route;

static void route_collect(route *r, rc_node **chain, size_t depth, const char *event,
                          bool bubbles) {
    r->n = 0;
    r->prevented = false;
    for (size_t i = depth; i-- > 0;) {
        const rc_handler *h = rc_test_handler(chain[i], event);
        if (h) {
            r->ids[r->n++] = rc_xstrdup(rc_handler_get_id(h));
            r->prevented |= rc_handler_get_prevent_default(h);
            if (rc_handler_get_stop_propagation(h)) return;
        }
        if (!bubbles) return;
    }
}

/* Sends args to each handler of r in order, then frees r's ids and args. */
static int route_send(rc_test *t, route *r, rc_value *args) {
    int rc = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (rc_test_send(t, r->ids[i], args) < 0) rc = -1;
        free(r->ids[i]);
    }
    r->n = 0;
    if (args) rc_value_free(args);
    return rc;
}

/* The submit event's arguments for form: its named fields, then the
 * name, value pairs given (NULL-terminated), which override them. */
static void submit_args(rc_value *args, const rc_node *form, va_list *pairs) {
    rc_value *o = event_args(args, "submit", form);
    rc_value *fields = rc_object_set(o, "elements");
    rc_value_set_object(fields);
    rc_form_fields(fields, form);
    for (const char *name; pairs && (name = va_arg(*pairs, const char *)) != NULL;)
        rc_value_set_string(rc_object_set(fields, name), va_arg(*pairs, const char *));
}

static int no_submit(rc_test *t, const rc_node *form) {
    char what[96];
    rc_test_describe(form, what, sizeof what);
    rc_test_report(t, "submit: no onSubmit on %s or above it", what);
    return -1;
}

int rc_test_submit(rc_test *t, const rc_node *n, ...) {
    t->prevented = false;
    if (not_element(t, n, "submit") < 0) return -1;
    rc_node *chain[RC_QUERY_MAX_DEPTH];
    size_t depth = rc_query_ancestors(t->layout, n, chain, RC_QUERY_MAX_DEPTH);
    size_t fdepth = nearest_at(chain, depth, "form");
    if (!fdepth) {
        rc_test_report(t, "submit: the node is in no form of the current tree");
        return -1;
    }
    route r;
    route_collect(&r, chain, fdepth, "onSubmit", true);
    if (!r.n) return no_submit(t, chain[fdepth - 1]);
    rc_value args;
    va_list ap;
    va_start(ap, n);
    submit_args(&args, chain[fdepth - 1], &ap);
    va_end(ap);
    t->prevented = r.prevented;
    return route_send(t, &r, &args);
}

static bool is_submit_button(const rc_node *n) {
    const char *tag = rc_node_get_tag(n), *type = rc_sel_attr(n, "type");
    if (!strcmp(tag, "button")) return !type || !strcmp(type, "submit");
    return !strcmp(tag, "input") && type && !strcmp(type, "submit");
}

/* The href of the innermost client link (<a data-reactc-link href>) of
 * chain, which client/src/router.ts follows unless the click's default
 * was prevented; NULL when there is none. */
static const char *link_href(rc_node **chain, size_t depth) {
    for (size_t i = depth; i-- > 0;) {
        const char *href = rc_sel_attr(chain[i], "href");
        if (!strcmp(rc_node_get_tag(chain[i]), "a") && rc_sel_attr(chain[i], "data-reactc-link"))
            return href;
    }
    return NULL;
}

int rc_test_click(rc_test *t, const rc_node *n) {
    t->prevented = false;
    if (not_element(t, n, "click") < 0) return -1;
    rc_node *chain[RC_QUERY_MAX_DEPTH];
    size_t depth = rc_query_ancestors(t->layout, n, chain, RC_QUERY_MAX_DEPTH);
    char what[96];
    rc_test_describe(n, what, sizeof what);
    if (!depth) {
        rc_test_report(t, "click: %s is not in the current tree (kept from before a render?)",
                       what);
        return -1;
    }
    /* The default actions are decided on the tree the click saw, as the
     * browser decides them before the server answers the handlers. */
    route clicks, submits = {.n = 0};
    rc_value args, sargs;
    route_collect(&clicks, chain, depth, "onClick", true);
    const char *href = link_href(chain, depth);
    char *go = href ? rc_xstrdup(href) : NULL;
    size_t fdepth = !go && is_submit_button(n) ? nearest_at(chain, depth, "form") : 0;
    if (fdepth) route_collect(&submits, chain, fdepth, "onSubmit", true);
    if (submits.n) submit_args(&sargs, chain[fdepth - 1], NULL);
    if (!clicks.n && !go && fdepth && !submits.n) return no_submit(t, chain[fdepth - 1]);
    if (!clicks.n && !go && !submits.n) {
        rc_test_report(t, "click: no onClick on %s or above it (nor a link or a submit button)",
                       what);
        return -1;
    }
    event_args(&args, "click", n);
    int rc = route_send(t, &clicks, &args);
    t->prevented = clicks.prevented;
    if (go && !clicks.prevented && rc_test_navigate(t, go) < 0) rc = -1;
    free(go);
    if (submits.n && clicks.prevented) {
        for (size_t i = 0; i < submits.n; i++) free(submits.ids[i]);
        rc_value_free(&sargs);
    } else if (submits.n) {
        t->prevented = submits.prevented;
        if (route_send(t, &submits, &sargs) < 0) rc = -1;
    }
    return rc;
}

static int field_event(rc_test *t, const rc_node *n, const char *value, int checked) {
    const char *what_event = "onInput";
    const rc_handler *h = rc_test_handler(n, what_event);
    if (!h) h = rc_test_handler(n, what_event = "onChange");
    if (checked >= 0) h = rc_test_handler(n, what_event = "onChange");
    if (!h) {
        char what[96];
        rc_test_describe(n, what, sizeof what);
        rc_test_report(t, "%s: no %s on %s", checked >= 0 ? "check" : "input",
                       checked >= 0 ? "onChange" : "onInput or onChange", what);
        return -1;
    }
    rc_value args;
    rc_value *o = event_args(&args, what_event + 2, n);
    if (value) rc_value_set_string(rc_object_set(o, "value"), value);
    if (checked >= 0) rc_value_set_bool(rc_object_set(o, "checked"), checked > 0);
    return send_to(t, h, &args);
}

int rc_test_input(rc_test *t, const rc_node *n, const char *value) {
    t->prevented = false;
    if (not_element(t, n, "input") < 0) return -1;
    return field_event(t, n, value ? value : "", -1);
}

int rc_test_check(rc_test *t, const rc_node *n, bool checked) {
    t->prevented = false;
    if (not_element(t, n, "check") < 0) return -1;
    const char *value = rc_sel_attr(n, "value");
    return field_event(t, n, value ? value : "on", checked);
}

/* Whether a DOM event of this name bubbles: client/src/events.ts's EXACT
 * list, the events it listens for on their target only. */
static bool bubbles(const char *event) {
    static const char *const exact[] = {
        "focus",  "blur",  "mouseenter", "mouseleave",  "pointerenter", "pointerleave",
        "scroll", "load",  "error",      "toggle",      "invalid",      "play",
        "pause",  "ended", "timeupdate", "volumechange"};
    const char *bare = strncmp(event, "on", 2) == 0 ? event + 2 : event;
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        if (!strcasecmp(bare, exact[i])) return false;
    return true;
}

int rc_test_fire(rc_test *t, const rc_node *n, const char *event, const rc_value *data) {
    t->prevented = false;
    if (not_element(t, n, "fire") < 0) return -1;
    rc_node *chain[RC_QUERY_MAX_DEPTH];
    size_t depth = rc_query_ancestors(t->layout, n, chain, RC_QUERY_MAX_DEPTH);
    route r = {.n = 0};
    if (event) route_collect(&r, chain, depth, event, bubbles(event));
    if (!r.n) {
        char what[96];
        rc_test_describe(n, what, sizeof what);
        rc_test_report(t, "fire: no %s on %s%s", event ? event : "(null)", what,
                       depth ? " or above it" : " (not in the current tree?)");
        return -1;
    }
    rc_value args = {0};
    if (data && data->kind == RC_ARRAY) rc_value_copy(&args, data);
    else if (data) {
        rc_value_set_array(&args);
        rc_value_copy(rc_array_push(&args), data);
    }
    t->prevented = r.prevented;
    return route_send(t, &r, data ? &args : NULL);
}

bool rc_test_default_prevented(const rc_test *t) { return t->prevented; }

int rc_test_navigate(rc_test *t, const char *url) {
    const char *q = url ? strchr(url, '?') : NULL;
    if (!url || url[0] != '/') {
        rc_test_report(t, "navigate: \"%s\" is not a path", url ? url : "(null)");
        return -1;
    }
    rc_value args = {0};
    rc_value_set_array(&args);
    rc_value *o = rc_array_push(&args);
    rc_value_set_object(o);
    rc_value_set_stringn(rc_object_set(o, "pathname"), url, q ? (size_t)(q - url) : strlen(url));
    rc_value_set_string(rc_object_set(o, "search"), q ? q : "");
    int rc = rc_test_send(t, "@location", &args);
    rc_value_free(&args);
    if (rc < 0) rc_test_report(t, "navigate: the layout refused \"%s\"", url);
    return rc;
}
