/*
 * form: a sign-up form validated on the server, and a guest list whose rows
 * share their handlers (docs/guide/forms-and-validation.md).
 *
 * The form is uncontrolled: the browser keeps what the user types, and the
 * server learns it when a field loses focus (that field is then "touched")
 * and when the form is submitted (RC_ON_SUBMIT: the event carries every
 * named field, read with rc_event_get_form_field). Errors are computed from
 * the values on every render, never stored: only the values and the touched
 * set are state, so a resumed session shows the same errors. A field's
 * error shows once it is touched, and a submit touches them all.
 *
 * The guest rows bind a value to one shared handler function: "+1" binds the
 * guest's id (RC_ON_INT), "remove" binds the guest's name (RC_ON_KEY). The
 * bound value is part of each handler's id, so every row's handler has its
 * own id, the same after a restart and resume, with no per-row struct.
 */
#include <stdio.h>
#include <string.h>

#include "example.h"

typedef struct form_refs {
    rc_state *values;  /* object: field name -> what the browser last sent */
    rc_state *touched; /* object: field name -> true */
    rc_state *sent;    /* object: the last submit that validated, or null */
    rc_state *guests;  /* array of {id, name, count} */
} form_refs;

/* ---- validation: errors are a function of the values -------------------- */

static const char *const field_names[] = {"name", "email", "plan", "contact", "agree"};
#define NFIELDS (sizeof field_names / sizeof *field_names)

static bool blank(const char *s) {
    while (*s == ' ') s++;
    return *s == '\0';
}

/* The error for one field, or NULL when its value is fine. */
static const char *field_error(const rc_value *values, const char *name) {
    const rc_value *v = rc_object_get(values, name);
    const char *s = rc_value_get_string(v, "");
    if (strcmp(name, "name") == 0) return blank(s) ? "Enter your name" : NULL;
    if (strcmp(name, "email") == 0) {
        const char *at = strchr(s, '@');
        return at && at != s && strchr(at, '.') ? NULL : "Enter an email address like a@b.org";
    }
    if (strcmp(name, "plan") == 0) return *s ? NULL : "Choose a plan";
    if (strcmp(name, "contact") == 0) return *s ? NULL : "Choose how we reach you";
    if (strcmp(name, "agree") == 0) return rc_value_get_bool(v, false) ? NULL : "Please agree";
    return NULL;
}

/* ---- handlers ----------------------------------------------------------- */

static void set_field(rc_value *obj, void *arg) {
    const rc_value *kv = arg; /* [name, value] */
    if (obj->kind != RC_OBJECT) rc_value_set_object(obj);
    rc_value_copy(rc_object_set(obj, rc_value_get_string(rc_array_get(kv, 0), "")),
                  rc_array_get(kv, 1));
}

/* A text field lost focus: the field named by the bound key is touched. */
static void on_blur(rc_event *ev, void *user) {
    form_refs *t = user;
    const char *name = rc_event_get_bound_key(ev);
    rc_value kv = {0};
    rc_value_set_array(&kv);
    rc_value_set_string(rc_array_push(&kv), name);
    rc_value_set_string(rc_array_push(&kv), rc_event_get_value(ev));
    rc_state_update(t->values, set_field, &kv);
    rc_value_set_bool(rc_array_get(&kv, 1), true);
    rc_state_update(t->touched, set_field, &kv);
    rc_value_free(&kv);
}

static void on_submit(rc_event *ev, void *user) {
    form_refs *t = user;
    rc_value values = {0}, touched = {0};
    rc_value_set_object(&values);
    rc_value_set_object(&touched);
    /* Every named field the browser sent, whatever its kind. */
    const rc_value *fields = rc_event_get_field(ev, "elements");
    if (!fields || fields->kind != RC_OBJECT) return;
    for (size_t i = 0; i < rc_object_count(fields); i++) {
        const rc_member *m = &fields->as.obj.items[i];
        rc_value_copy(rc_object_set(&values, m->key), rc_event_get_form_field(ev, m->key));
    }
    bool ok = true;
    for (size_t i = 0; i < NFIELDS; i++) {
        rc_value_set_bool(rc_object_set(&touched, field_names[i]), true);
        ok = ok && !field_error(&values, field_names[i]);
    }
    rc_state_set_value(t->values, &values);
    rc_state_set_value(t->touched, &touched);
    if (ok) rc_state_set_value(t->sent, &values);
    rc_value_free(&values);
    rc_value_free(&touched);
}

static void add_one(rc_value *guests, void *arg) {
    int64_t id = *(const int64_t *)arg;
    for (size_t i = 0; i < rc_array_count(guests); i++) {
        rc_value *g = rc_array_get(guests, i);
        if (rc_value_get_int(rc_object_get(g, "id"), -1) != id) continue;
        rc_value *count = rc_object_set(g, "count");
        rc_value_set_int(count, rc_value_get_int(count, 0) + 1);
    }
}

static void remove_named(rc_value *guests, void *arg) {
    for (size_t i = 0; i < rc_array_count(guests); i++)
        if (strcmp(rc_value_get_string(rc_object_get(rc_array_get(guests, i), "name"), ""), arg) ==
            0) {
            rc_array_remove(guests, i);
            return;
        }
}

/* One function for every row's "+1": the row is the bound id. */
static void on_more(rc_event *ev, void *guests) {
    int64_t id = rc_event_get_bound_int(ev);
    rc_state_update(guests, add_one, &id);
}

/* One function for every row's "remove": the row is the bound name. */
static void on_remove(rc_event *ev, void *guests) {
    rc_state_update(guests, remove_named, (void *)rc_event_get_bound_key(ev));
}

/* ---- rendering ---------------------------------------------------------- */

/* A labelled field's error line, shown once the field is touched. */
static void error_line(rc_ctx *ctx, const form_refs *t, const char *name) {
    const rc_value *touched = rc_state_get_value(t->touched);
    const char *err = field_error(rc_state_get_value(t->values), name);
    if (!err || !rc_value_get_bool(rc_object_get(touched, name), false)) return;
    char id[32];
    snprintf(id, sizeof id, "error-%s", name);
    RC_EL(ctx, "span", .id = id, .class_ = "alert") { rc_text(ctx, err); }
}

static void text_field(rc_ctx *ctx, form_refs *t, const char *name, const char *label) {
    RC_EL(ctx, "label") {
        rc_text(ctx, label);
        RC_EL(ctx, "input", .id = name, .type = "text", .on = RC_ON_KEY("blur", on_blur, t, name)) {
            rc_attr(ctx, "name", name);
        }
        error_line(ctx, t, name);
    }
}

static void option(rc_ctx *ctx, const char *value, const char *label) {
    RC_EL(ctx, "option", .value = value) { rc_text(ctx, label); }
}

static void choice(rc_ctx *ctx, const char *type, const char *name, const char *value) {
    char id[32];
    snprintf(id, sizeof id, "%s-%s", name, value);
    RC_EL(ctx, "label") {
        RC_EL(ctx, "input", .id = id, .type = type, .value = value) { rc_attr(ctx, "name", name); }
        rc_text(ctx, value);
    }
}

static void signup(rc_ctx *ctx, form_refs *t) {
    RC_EL(ctx, "form", .id = "signup", .class_ = "settings", .on = RC_ON_SUBMIT(on_submit, t)) {
        text_field(ctx, t, "name", "Name ");
        text_field(ctx, t, "email", "Email ");
        RC_EL(ctx, "label") {
            rc_text(ctx, "About you ");
            RC_EL(ctx, "textarea", .id = "bio") { rc_attr(ctx, "name", "bio"); }
        }
        RC_EL(ctx, "label") {
            rc_text(ctx, "Plan ");
            RC_EL(ctx, "select", .id = "plan") {
                rc_attr(ctx, "name", "plan");
                option(ctx, "", "Choose...");
                option(ctx, "free", "Free");
                option(ctx, "pro", "Pro");
            }
            error_line(ctx, t, "plan");
        }
        RC_EL(ctx, "label") {
            rc_text(ctx, "Topics ");
            RC_EL(ctx, "select", .id = "topics") {
                rc_attr(ctx, "name", "topics");
                rc_attr_bool(ctx, "multiple", true);
                option(ctx, "c", "C");
                option(ctx, "web", "Web");
                option(ctx, "db", "Databases");
            }
        }
        RC_EL(ctx, "fieldset") {
            rc_text(ctx, "Reach me by ");
            choice(ctx, "radio", "contact", "email");
            choice(ctx, "radio", "contact", "phone");
            error_line(ctx, t, "contact");
        }
        RC_EL(ctx, "fieldset") {
            rc_text(ctx, "Languages ");
            choice(ctx, "checkbox", "langs", "en");
            choice(ctx, "checkbox", "langs", "fr");
            choice(ctx, "checkbox", "langs", "de");
        }
        RC_EL(ctx, "label") {
            RC_EL(ctx, "input", .id = "agree", .type = "checkbox") {
                rc_attr(ctx, "name", "agree");
            }
            rc_text(ctx, "I agree ");
            error_line(ctx, t, "agree");
        }
        RC_EL(ctx, "button", .id = "send", .type = "submit") { rc_text(ctx, "Sign up"); }
    }
}

/* What the last valid submit carried, one line per field, arrays joined. */
static void sent_summary(rc_ctx *ctx, const rc_value *sent) {
    if (sent->kind != RC_OBJECT) return;
    RC_EL(ctx, "ul", .id = "sent") {
        for (size_t i = 0; i < rc_object_count(sent); i++) {
            const rc_member *m = &sent->as.obj.items[i];
            RC_EL(ctx, "li", .key = m->key) {
                rc_textf(ctx, "%s=", m->key);
                const rc_value *v = &m->value;
                if (v->kind == RC_BOOL)
                    rc_text(ctx, rc_value_get_bool(v, false) ? "true" : "false");
                else if (v->kind == RC_NULL) rc_text(ctx, "null");
                else if (v->kind != RC_ARRAY) rc_text(ctx, rc_value_get_string(v, "?"));
                for (size_t j = 0; v->kind == RC_ARRAY && j < rc_array_count(v); j++)
                    rc_textf(ctx, "%s%s", j ? "," : "[",
                             rc_value_get_string(rc_array_get(v, j), "?"));
                if (v->kind == RC_ARRAY) rc_text(ctx, rc_array_count(v) ? "]" : "[]");
            }
        }
    }
}

static void guest_list(rc_ctx *ctx, rc_state *guests) {
    const rc_value *list = rc_state_get_value(guests);
    RC_EL(ctx, "ul", .id = "guests") {
        for (size_t i = 0; i < rc_array_count(list); i++) {
            const rc_value *g = rc_array_get(list, i);
            const char *name = rc_value_get_string(rc_object_get(g, "name"), "");
            int64_t id = rc_value_get_int(rc_object_get(g, "id"), 0);
            RC_EL(ctx, "li", .key = name) {
                RC_EL(ctx, "span", .class_ = "name") { rc_text(ctx, name); }
                RC_EL(ctx, "span", .class_ = "count") {
                    rc_textf(ctx, "%lld",
                             (long long)rc_value_get_int(rc_object_get(g, "count"), 0));
                }
                RC_EL(ctx, "button", .class_ = "more",
                      .on = RC_ON_INT("click", on_more, guests, id)) {
                    rc_text(ctx, "+1");
                }
                RC_EL(ctx, "button", .class_ = "remove",
                      .on = RC_ON_KEY("click", on_remove, guests, name)) {
                    rc_text(ctx, "remove");
                }
            }
        }
    }
}

static void initial_guests(rc_value *v) {
    static const char *const names[] = {"Ada", "Grace", "Linus"};
    rc_value_set_array(v);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        rc_value *g = rc_array_push(v);
        rc_value_set_object(g);
        rc_value_set_int(rc_object_set(g, "id"), (int64_t)i + 1);
        rc_value_set_string(rc_object_set(g, "name"), names[i]);
        rc_value_set_int(rc_object_set(g, "count"), 0);
    }
}

static void form(rc_ctx *ctx, const void *props) {
    (void)props;
    form_refs *t = rc_use_ref(ctx, sizeof *t);
    rc_value empty = {.kind = RC_OBJECT}, none = {.kind = RC_NULL}, guests = {0};
    t->values = rc_use_value(ctx, "values", &empty);
    t->touched = rc_use_value(ctx, "touched", &empty);
    t->sent = rc_use_value(ctx, "sent", &none);
    initial_guests(&guests);
    t->guests = rc_use_value(ctx, "guests", &guests);
    rc_value_free(&guests);

    RC_EL(ctx, "section", .class_ = "form") {
        RC_EL(ctx, "h1") { rc_text(ctx, "Sign up"); }
        signup(ctx, t);
        sent_summary(ctx, rc_state_get_value(t->sent));
        RC_EL(ctx, "h1") { rc_text(ctx, "Guests"); }
        guest_list(ctx, t->guests);
    }
}
RC_COMPONENT(form);

RC_EXAMPLE_MAIN(form_component, "reactc form")
