/*
 * Events as the client sends them (client/src/serialize.ts): the handler's
 * arguments are one object with the event's type, the field's value and
 * checked state, and a submit's named fields under "elements". The kit
 * does not run the browser's DOM: it finds the handler the browser would
 * reach (bubbling to the nearest ancestor for a click, a link, a submit
 * button's form) and sends the event to it.
 */
#include <stdarg.h>
#include <string.h>

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
static rc_node *nearest(rc_node **chain, size_t depth, const char *tag) {
    while (depth > 0)
        if (!strcmp(rc_node_get_tag(chain[--depth]), tag)) return chain[depth];
    return NULL;
}

static int submit_form(rc_test *t, rc_node *form, va_list *pairs) {
    const rc_handler *h = rc_test_handler(form, "onSubmit");
    if (!h) {
        char what[96];
        rc_test_describe(form, what, sizeof what);
        rc_test_report(t, "submit: no onSubmit on %s", what);
        return -1;
    }
    rc_value args;
    rc_value *o = event_args(&args, "submit", form);
    rc_value *fields = rc_object_set(o, "elements");
    rc_value_set_object(fields);
    rc_form_fields(fields, form);
    for (const char *name; pairs && (name = va_arg(*pairs, const char *)) != NULL;)
        rc_value_set_string(rc_object_set(fields, name), va_arg(*pairs, const char *));
    return send_to(t, h, &args);
}

int rc_test_submit(rc_test *t, const rc_node *n, ...) {
    if (not_element(t, n, "submit") < 0) return -1;
    rc_node *chain[RC_QUERY_MAX_DEPTH];
    size_t depth = rc_query_ancestors(t->layout, n, chain, RC_QUERY_MAX_DEPTH);
    rc_node *form = nearest(chain, depth, "form");
    if (!form) {
        rc_test_report(t, "submit: the node is in no form of the current tree");
        return -1;
    }
    va_list ap;
    va_start(ap, n);
    int rc = submit_form(t, form, &ap);
    va_end(ap);
    return rc;
}

static bool is_submit_button(const rc_node *n) {
    const char *tag = rc_node_get_tag(n), *type = rc_sel_attr(n, "type");
    if (!strcmp(tag, "button")) return !type || !strcmp(type, "submit");
    return !strcmp(tag, "input") && type && !strcmp(type, "submit");
}

int rc_test_click(rc_test *t, const rc_node *n) {
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
    for (size_t i = depth; i-- > 0;) { /* bubbling: the node, then its ancestors */
        const rc_handler *h = rc_test_handler(chain[i], "onClick");
        rc_value args;
        if (h) {
            event_args(&args, "click", n);
            return send_to(t, h, &args);
        }
        const char *href = rc_sel_attr(chain[i], "href");
        if (!strcmp(rc_node_get_tag(chain[i]), "a") && href &&
            rc_sel_attr(chain[i], "data-reactc-link"))
            return rc_test_navigate(t, href); /* the client's router takes it */
    }
    if (is_submit_button(n)) {
        rc_node *form = nearest(chain, depth, "form");
        if (form) return submit_form(t, form, NULL);
    }
    rc_test_report(t, "click: no onClick on %s or above it (nor a link or a submit button)", what);
    return -1;
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
    if (not_element(t, n, "input") < 0) return -1;
    return field_event(t, n, value ? value : "", -1);
}

int rc_test_check(rc_test *t, const rc_node *n, bool checked) {
    if (not_element(t, n, "check") < 0) return -1;
    const char *value = rc_sel_attr(n, "value");
    return field_event(t, n, value ? value : "on", checked);
}

int rc_test_fire(rc_test *t, const rc_node *n, const char *event, const rc_value *data) {
    if (not_element(t, n, "fire") < 0) return -1;
    const rc_handler *h = rc_test_handler(n, event);
    if (!h) {
        char what[96];
        rc_test_describe(n, what, sizeof what);
        rc_test_report(t, "fire: no %s on %s", event ? event : "(null)", what);
        return -1;
    }
    if (!data || data->kind == RC_ARRAY) return rc_test_send(t, rc_handler_get_id(h), data);
    rc_value args = {0};
    rc_value_set_array(&args);
    rc_value_copy(rc_array_push(&args), data);
    return send_to(t, h, &args);
}

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
