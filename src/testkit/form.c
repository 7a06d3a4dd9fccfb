/*
 * A form's named fields as the client sends them with a submit
 * (formFields in client/src/serialize.ts; docs/protocol.md): text fields,
 * textareas and single selects as their value; a lone checkbox as a
 * boolean, checkboxes sharing a name as the array of the checked ones'
 * values; a radio group as its checked value, null when none is; a
 * `multiple` select as the array of its selected options' values. Buttons
 * and file inputs are not fields.
 *
 * The kit has no DOM, so a field's live value is what the render says:
 * the value, checked and selected attributes (a controlled field has
 * them); a select without a value takes its selected option, else its
 * first, as a browser does.
 */
#include <string.h>

#include "testkit/testkit.h"
#include "util/alloc.h"

typedef struct fields {
    const rc_node **v;
    size_t n, cap;
} fields;

static bool is(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

static void collect(fields *f, const rc_node *n) {
    rc_node_kind kind = rc_node_get_kind(n);
    if (kind == RC_NODE_ELEMENT) {
        const char *tag = rc_node_get_tag(n), *name = rc_sel_attr(n, "name");
        const char *type = rc_sel_attr(n, "type");
        bool field = is(tag, "input") || is(tag, "select") || is(tag, "textarea");
        bool button = is(type, "submit") || is(type, "button") || is(type, "reset") ||
                      is(type, "image") || is(type, "file");
        if (field && name && *name && !button) {
            if (f->n == f->cap) {
                f->cap = f->cap ? 2 * f->cap : 16;
                f->v = rc_xrealloc(f->v, f->cap * sizeof *f->v);
            }
            f->v[f->n++] = n;
        }
    }
    if (kind != RC_NODE_ELEMENT && kind != RC_NODE_COMPONENT) return;
    for (size_t i = 0; i < rc_node_count_children(n); i++) collect(f, rc_node_get_child(n, i));
}

/* An option's value: its value attribute, else its text. */
static void option_value(const rc_node *o, rc_buf *b) {
    const char *v = rc_sel_attr(o, "value");
    b->len = 0;
    if (v) rc_buf_append(b, v, strlen(v));
    else rc_query_text(o, b);
    rc_buf_putc(b, '\0');
}

static bool option_selected(const rc_node *o) {
    const char *s = rc_sel_attr(o, "selected");
    return s && strcmp(s, "false") != 0;
}

/* The options of a select, in order (inside optgroups too). */
static void options(const rc_node *n, fields *out) {
    for (size_t i = 0; i < rc_node_count_children(n); i++) {
        const rc_node *c = rc_node_get_child(n, i);
        if (rc_node_get_kind(c) == RC_NODE_COMPONENT) {
            options(c, out);
        } else if (rc_node_get_kind(c) == RC_NODE_ELEMENT) {
            if (is(rc_node_get_tag(c), "option")) {
                if (out->n == out->cap) {
                    out->cap = out->cap ? 2 * out->cap : 16;
                    out->v = rc_xrealloc(out->v, out->cap * sizeof *out->v);
                }
                out->v[out->n++] = c;
            } else if (is(rc_node_get_tag(c), "optgroup")) {
                options(c, out);
            }
        }
    }
}

static void select_value(rc_value *slot, const rc_node *sel) {
    fields opts = {0};
    options(sel, &opts);
    rc_buf b;
    rc_buf_init(&b);
    const char *value = rc_sel_attr(sel, "value"), *multiple = rc_sel_attr(sel, "multiple");
    if (multiple && strcmp(multiple, "false") != 0) {
        rc_value_set_array(slot);
        for (size_t i = 0; i < opts.n; i++) {
            if (!option_selected(opts.v[i])) continue;
            option_value(opts.v[i], &b);
            rc_value_set_string(rc_array_push(slot), b.data);
        }
    } else if (value) {
        rc_value_set_string(slot, value);
    } else {
        size_t pick = 0;
        while (pick < opts.n && !option_selected(opts.v[pick])) pick++;
        if (pick == opts.n) pick = 0;
        if (pick < opts.n) option_value(opts.v[pick], &b);
        rc_value_set_string(slot, pick < opts.n ? b.data : "");
    }
    rc_buf_free(&b);
    free(opts.v);
}

void rc_form_fields(rc_value *out, const rc_node *form) {
    fields f = {0};
    collect(&f, form);
    for (size_t i = 0; i < f.n; i++) {
        const rc_node *n = f.v[i];
        const char *name = rc_sel_attr(n, "name"), *type = rc_sel_attr(n, "type");
        const char *value = rc_sel_attr(n, "value"), *ck = rc_sel_attr(n, "checked");
        bool checked = ck && strcmp(ck, "false") != 0;
        if (is(type, "checkbox")) {
            size_t same = 0;
            for (size_t j = 0; j < f.n; j++)
                same += is(rc_sel_attr(f.v[j], "type"), "checkbox") &&
                        is(rc_sel_attr(f.v[j], "name"), name);
            if (same == 1) {
                rc_value_set_bool(rc_object_set(out, name), checked);
                continue;
            }
            rc_value *arr = rc_object_get(out, name);
            if (!arr) rc_value_set_array(arr = rc_object_set(out, name));
            /* A checkbox's value defaults to "on", as in the DOM. */
            if (checked) rc_value_set_string(rc_array_push(arr), value ? value : "on");
        } else if (is(type, "radio")) {
            if (checked) rc_value_set_string(rc_object_set(out, name), value ? value : "on");
            else if (!rc_object_get(out, name)) rc_object_set(out, name); /* null */
        } else if (is(rc_node_get_tag(n), "select")) {
            select_value(rc_object_set(out, name), n);
        } else {
            rc_value_set_string(rc_object_set(out, name), value ? value : "");
        }
    }
    free(f.v);
}
