/*
 * Fuzz target: state tokens and snapshots (src/resume/).
 *
 * The first byte selects what the rest is:
 *   even: token text, opened with a fixed keyring and app tag the way
 *         hello_resume() opens it (size caps included). Forging is not
 *         expected; this covers base64url, the header, key lookup, the
 *         caps and the refusal paths. If it does open (the seed tokens do),
 *         its plaintext goes on as below.
 *   odd:  snapshot bytes for rc_snapshot_read. If they decode, they are
 *         restored into a small app with a slot of each type (some keyed
 *         children, a server-only slot, a reducer), which is flushed,
 *         serialised as the server would, sent an event, and flushed again.
 *         Then its state is written, decoded again, sealed and opened again:
 *         each of those must succeed (abort otherwise).
 *
 * Any crash, leak or sanitizer report is a bug. The new snapshot is written
 * while the decoded one is still alive: freeing it first exposes a known
 * defect outside src/resume (a struct nested in an untyped value slot keeps
 * a pointer to the snapshot's struct type; see test_token_restore.c,
 * test_known_bug_struct_in_value_slot).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reactc_layout.h"
#include "resume/snapshot.h"
#include "resume/token.h"
#include "wire/model.h"

#define FUZZ_SECRET    "hex:f0220000000000000000000000000000000000000000000000000000000000ff"
#define FUZZ_APP_TAG   0x5eedf00du
#define FUZZ_MAX_TOKEN ((size_t)64 << 10)
#define FUZZ_MAX_PLAIN ((size_t)1 << 20)

typedef struct fz_pt {
    int32_t x, y;
    char name[8];
} fz_pt;

static const rc_struct_type fz_pt_type = {"fuzz.pt", sizeof(fz_pt), 1};

static void on_inc(rc_event *ev, void *s) {
    (void)ev;
    rc_state_set_int(s, rc_state_get_int(s) + 1);
}

static void on_toggle(rc_event *ev, void *s) {
    (void)ev;
    rc_state_set_bool(s, !rc_state_get_bool(s));
}

static void on_grow(rc_event *ev, void *s) {
    (void)ev;
    /* Reads the restored value whatever its shape, and changes it. */
    const rc_value *v = rc_state_get_value(s);
    rc_value copy = {0};
    rc_value_copy(&copy, v);
    if (copy.kind != RC_ARRAY) rc_value_set_array(&copy);
    rc_value_set_int(rc_array_push(&copy), (int64_t)rc_array_count(v));
    rc_state_set_value(s, &copy);
    rc_value_free(&copy);
}

static void reduce(rc_value *state, int action, const void *payload) {
    (void)payload;
    rc_value_set_int(state, rc_value_get_int(state, 0) % 1000 + action);
}

typedef struct fz_row_props { /* no padding: compared by memcmp */
    size_t n;
} fz_row_props;

static void fz_row(rc_ctx *ctx, const void *props) {
    const fz_row_props *p = props;
    rc_state *label = rc_use_string(ctx, "label", "row");
    rc_state *on = rc_use_bool(ctx, NULL, false);
    RC_EL(ctx, "li", .on = RC_ON("click", on_toggle, on)) {
        rc_textf(ctx, "%zu %s %d", p->n, rc_state_get_string(label), (int)rc_state_get_bool(on));
    }
}
RC_COMPONENT(fz_row);

/* Counts the nodes of a value, so rendering depends on all of it. */
static size_t value_size(const rc_value *v) {
    size_t n = 1;
    if (v->kind == RC_ARRAY)
        for (size_t i = 0; i < v->as.arr.len; i++) n += value_size(&v->as.arr.items[i]);
    else if (v->kind == RC_OBJECT)
        for (size_t i = 0; i < v->as.obj.len; i++) n += value_size(&v->as.obj.items[i].value);
    return n;
}

static void fz_app(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *i = rc_use_int(ctx, "i", 0);
    rc_state *f = rc_use_float(ctx, "f", 0.5);
    rc_state *b = rc_use_bool(ctx, "b", false);
    rc_state *s = rc_use_string(ctx, "s", "");
    rc_state *by = rc_use_bytes(ctx, "by", NULL, 0);
    rc_state *v = rc_use_value(ctx, "v", NULL);
    fz_pt p0 = {1, 2, "p"};
    rc_state *st = rc_use_struct(ctx, "st", &fz_pt_type, &p0);
    rc_state *idx = rc_use_int(ctx, NULL, 7);
    rc_state *secret = rc_use_string(ctx, "secret", "server");
    rc_state_set_flags(secret, RC_STATE_SERVER_ONLY);
    rc_value zero = {.kind = RC_INT};
    rc_state *red = rc_use_reducer(ctx, "red", reduce, &zero);
    size_t by_len = 0;
    (void)rc_state_get_bytes(by, &by_len);
    const fz_pt *pt = rc_state_get_struct(st);
    RC_EL(ctx, "div", .id = "app") {
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", on_inc, i)) {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(i));
        }
        RC_EL(ctx, "button", .id = "grow", .on = RC_ON("click", on_grow, v)) {
            rc_textf(ctx, "%zu", value_size(rc_state_get_value(v)));
        }
        RC_EL(ctx, "input", .id = "s", .value = rc_state_get_string(s)) {}
        RC_EL(ctx, "p") {
            rc_textf(ctx, "%g %d %zu %d %.8s %lld %lld", rc_state_get_float(f),
                     (int)rc_state_get_bool(b), by_len, (int)pt->x, pt->name,
                     (long long)rc_state_get_int(idx),
                     (long long)rc_value_get_int(rc_state_get_value(red), -1));
        }
        RC_EL(ctx, "ul") {
            /* As many rows as i says (bounded): restored state shapes the tree. */
            size_t rows = (size_t)(rc_state_get_int(i) & 3);
            for (size_t k = 0; k < rows; k++) {
                char key[8];
                snprintf(key, sizeof key, "r%zu", k);
                RC_CHILD(ctx, &fz_row_component, k == 1 ? NULL : key, (&(fz_row_props){k}));
            }
        }
    }
}
RC_COMPONENT(fz_app);

static void quiet(void *u, rc_log_level l, const char *m) {
    (void)u;
    (void)l;
    (void)m;
}

static const rc_keyring *fuzz_keyring(void) {
    static rc_keyring kr;
    static int ready;
    if (!ready) {
        char err[128];
        if (rc_keyring_init(&kr, FUZZ_SECRET, "fuzz-app", err, sizeof err) != 0) {
            fprintf(stderr, "fuzz_token: %s\n", err);
            abort();
        }
        ready = 1;
    }
    return &kr;
}

static void collect_ids(const rc_node *n, char ids[][32], size_t *count, size_t max) {
    for (size_t i = 0; i < rc_node_count_handlers(n) && *count < max; i++)
        snprintf(ids[(*count)++], 32, "%s", rc_handler_get_id(rc_node_get_handler(n, i)));
    for (size_t i = 0; i < rc_node_count_children(n); i++)
        collect_ids(rc_node_get_child(n, i), ids, count, max);
}

/* Restores a decoded snapshot into the app and exercises it (mode b). */
static void restore_and_run(rc_snapshot *snap) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = quiet;
    o.restore = rc_snapshot_restore;
    o.restore_user = snap;
    rc_layout *l = rc_layout_new(&fz_app_component, NULL, 0, &o);
    rc_buf b;
    rc_buf_init(&b);
    rc_layout_flush(l);
    rc_wire_root_model(&b, l, RC_WIRE_REACTC);
    rc_layout_commit(l);

    /* Every handler once, then the patch, as a session would send it. */
    char ids[16][32];
    size_t nids = 0;
    for (size_t r = 0; r < rc_layout_count_roots(l); r++)
        collect_ids(rc_layout_get_root(l, r), ids, &nids, 16);
    for (size_t k = 0; k < nids; k++) rc_layout_dispatch(l, ids[k], NULL, k + 1);
    const rc_patch *p = rc_layout_flush(l);
    rc_buf_reset(&b);
    rc_wire_patch(&b, p, RC_WIRE_REACTC);
    rc_layout_commit(l);

    /* The state written again decodes, seals and opens. */
    rc_buf again;
    rc_buf_init(&again);
    rc_snapshot_meta meta = snap->meta;
    meta.version++;
    rc_snapshot_write(&again, l, &meta);
    rc_snapshot back;
    char err[160];
    if (rc_snapshot_read(&back, again.data, again.len, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_token: a written snapshot does not decode: %s\n", err);
        abort();
    }
    rc_snapshot_free(&back);
    rc_token_claims claims;
    memset(&claims, 0, sizeof claims);
    claims.app_tag = FUZZ_APP_TAG;
    claims.version = meta.version;
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    rc_token_seal(fuzz_keyring(), &claims, again.data, again.len, &token);
    if (rc_token_open(fuzz_keyring(), token.data, token.len, FUZZ_APP_TAG, SIZE_MAX, SIZE_MAX,
                      &claims, &plain, err, sizeof err) != 0 ||
        plain.len != again.len || memcmp(plain.data, again.data, again.len) != 0) {
        fprintf(stderr, "fuzz_token: a sealed token does not open back: %s\n", err);
        abort();
    }
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_buf_free(&again);
    rc_buf_free(&b);
    rc_layout_free(l);
}

static void run_snapshot(const uint8_t *data, size_t size) {
    rc_snapshot snap;
    char err[160];
    if (rc_snapshot_read(&snap, data, size, err, sizeof err) != 0) {
        if (!err[0] || !memchr(err, 0, sizeof err)) abort(); /* every refusal has a reason */
        return;
    }
    restore_and_run(&snap);
    rc_snapshot_free(&snap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    const uint8_t *rest = data + 1;
    size_t len = size - 1;
    if (data[0] & 1) {
        run_snapshot(rest, len);
        return 0;
    }
    rc_token_claims claims;
    rc_buf plain;
    rc_buf_init(&plain);
    char err[160] = "";
    if (rc_token_open(fuzz_keyring(), (const char *)rest, len, FUZZ_APP_TAG, FUZZ_MAX_TOKEN,
                      FUZZ_MAX_PLAIN, &claims, &plain, err, sizeof err) == 0) {
        /* hello_resume() passes the buffer on even when it is empty. */
        run_snapshot((const uint8_t *)(plain.data ? plain.data : ""), plain.len);
    } else if (!err[0] || plain.len != 0) {
        abort(); /* a refusal has a reason and yields nothing */
    }
    rc_buf_free(&plain);
    return 0;
}
