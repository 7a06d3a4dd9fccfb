/* The code of docs/guide/forms-and-validation.md: handler options, a submit
 * with the form's fields, errors per field once touched, handlers with
 * bound values. A complete app: build/examples/guide/forms --port 8000
 * (examples/form.c is the bigger version, in the gallery). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <reactc.h>

typedef struct form_refs {
    rc_state *values, *touched, *sent, *guests;
} form_refs;

static void on_link(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
}

static void on_key(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
}

/* guide:errors */
static const char *field_error(const rc_value *values, const char *name) {
    const char *s = rc_value_get_string(rc_object_get(values, name), "");
    if (strcmp(name, "name") == 0) return *s ? NULL : "Enter your name";
    if (strcmp(name, "email") == 0) return strchr(s, '@') ? NULL : "Enter an email address";
    return NULL;
}
/* end guide:errors */

static void touch_all(rc_value *touched, void *arg) {
    (void)arg;
    rc_value_set_bool(rc_object_set(touched, "name"), true);
    rc_value_set_bool(rc_object_set(touched, "email"), true);
}

/* guide:submit */
static void on_submit(rc_event *ev, void *user) {
    form_refs *t = user;
    rc_value values = {0};
    rc_value_set_object(&values);
    const char *fields[] = {"name", "email"};
    for (size_t i = 0; i < 2; i++) {
        const char *s = rc_value_get_string(rc_event_get_form_field(ev, fields[i]), "");
        rc_value_set_string(rc_object_set(&values, fields[i]), s);
    }
    const rc_value *langs = rc_event_get_form_field(ev, "langs"); /* RC_ARRAY */
    for (size_t i = 0; i < rc_array_count(langs); i++)
        fprintf(stderr, "speaks %s\n", rc_value_get_string(rc_array_get(langs, i), "?"));
    rc_state_set_value(t->values, &values);
    rc_state_update(t->touched, touch_all, NULL); /* a submit shows every error */
    bool ok = !field_error(&values, "name") && !field_error(&values, "email");
    rc_state_set_bool(t->sent, ok); /* accepted only if no error remains */
    rc_value_free(&values);
}
/* end guide:submit */

/* guide:blur */
static void set_key_true(rc_value *obj, void *key) {
    rc_value_set_bool(rc_object_set(obj, key), true);
}

static void set_key_value(rc_value *obj, void *kv) {
    const char **p = kv;
    rc_value_set_string(rc_object_set(obj, p[0]), p[1]);
}

static void on_blur(rc_event *ev, void *user) {
    form_refs *t = user;
    const char *field = rc_event_get_bound_key(ev); /* "email" */
    const char *value = rc_event_get_value(ev);     /* what the user typed */
    rc_state_update(t->values, set_key_value, (const char *[]){field, value ? value : ""});
    rc_state_update(t->touched, set_key_true, (void *)field);
}
/* end guide:blur */

static void text_field(rc_ctx *ctx, form_refs *t, const char *name) {
    RC_EL(ctx, "label") {
        rc_text(ctx, name);
        /* guide:field */
        RC_EL(ctx, "input", .id = name, .type = "text", .on = RC_ON_KEY("blur", on_blur, t, name)) {
            rc_attr(ctx, "name", name);
        }
        /* end guide:field */
        char id[32];
        snprintf(id, sizeof id, "error-%s", name);
        const char *err = field_error(rc_state_get_value(t->values), name);
        if (err && rc_value_get_bool(rc_object_get(rc_state_get_value(t->touched), name), false))
            RC_EL(ctx, "span", .id = id, .class_ = "alert") rc_text(ctx, err);
    }
}

static void email_error(rc_ctx *ctx, form_refs *t) {
    /* guide:show-error */
    const char *err = field_error(rc_state_get_value(t->values), "email");
    if (err && rc_value_get_bool(rc_object_get(rc_state_get_value(t->touched), "email"), false))
        RC_EL(ctx, "span", .id = "error-email", .class_ = "alert") rc_text(ctx, err);
    /* end guide:show-error */
}

/* guide:rows */
static void add_to(rc_value *guests, void *id) {
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)*(int64_t *)id);
    rc_value *v = rc_object_get(guests, key);
    if (v) rc_value_set_int(v, rc_value_get_int(v, 0) + 1);
}

static void on_more(rc_event *ev, void *guests) {
    int64_t id = rc_event_get_bound_int(ev);
    rc_state_update(guests, add_to, &id);
}

static void drop(rc_value *guests, void *key) { rc_object_remove(guests, key); }

static void on_remove(rc_event *ev, void *guests) {
    rc_state_update(guests, drop, (void *)rc_event_get_bound_key(ev));
}
/* end guide:rows */

static void guest_list(rc_ctx *ctx, rc_state *guests) {
    const rc_value *g = rc_state_get_value(guests);
    RC_EL(ctx, "ul", .id = "guests") {
        for (size_t i = 0; i < rc_object_count(g); i++) {
            const char *name = g->as.obj.items[i].key;
            int64_t id = strtoll(name, NULL, 10),
                    n = rc_value_get_int(&g->as.obj.items[i].value, 0);
            /* guide:row */
            RC_EL(ctx, "li", .key = name) {
                RC_EL(ctx, "button", .on = RC_ON_INT("click", on_more, guests, id))
                    rc_text(ctx, "+1");
                RC_EL(ctx, "button", .on = RC_ON_KEY("click", on_remove, guests, name)) {
                    rc_text(ctx, "remove");
                }
                RC_EL(ctx, "span", .class_ = "count") rc_textf(ctx, "%s: %lld", name, (long long)n);
            }
            /* end guide:row */
        }
    }
}

static void form(rc_ctx *ctx, const void *props) {
    (void)props;
    form_refs *t = rc_use_ref(ctx, sizeof *t);
    rc_value empty = {.kind = RC_OBJECT}, guests = {0};
    rc_value_set_object(&guests);
    rc_value_set_int(rc_object_set(&guests, "1"), 1);
    rc_value_set_int(rc_object_set(&guests, "2"), 1);
    t->values = rc_use_value(ctx, "values", &empty);
    t->touched = rc_use_value(ctx, "touched", &empty);
    t->sent = rc_use_bool(ctx, "sent", false);
    t->guests = rc_use_value(ctx, "guests", &guests);
    rc_value_free(&guests);
    /* guide:options */
    RC_EL(ctx, "form", .on = RC_ON_SUBMIT(on_submit, t)) { /* "submit", default prevented */
        text_field(ctx, t, "name");
        text_field(ctx, t, "email");
        RC_EL(ctx, "button", .type = "submit") rc_text(ctx, "Send");
    }
    RC_EL(ctx, "a", .href = "#", .on = RC_ON_OPTS("click", on_link, t, RC_STOP_PROPAGATION)) {
        rc_text(ctx, "help");
    }
    RC_EL(ctx, "div", .id = "keys") {
        rc_on_event(ctx,
                    RC_ON_OPTS("keydown", on_key, t, RC_PREVENT_DEFAULT | RC_STOP_PROPAGATION));
    }
    /* end guide:options */
    email_error(ctx, t);
    if (rc_state_get_bool(t->sent))
        RC_EL(ctx, "p", .id = "sent") rc_text(ctx, "Thank you!");
    guest_list(ctx, t->guests);
}
RC_COMPONENT(form);

int main(int argc, char **argv) {
    rc_app a = {.title = "Forms", .root = &form_component};
    if (rc_app_parse_args(&a, argc, argv) != 0) return 2;
    return rc_app_run(&a);
}
