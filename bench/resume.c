/*
 * bench/resume: the cost of resuming a session from its state token, and
 * token sizes (docs/resume.md; targets in docs/architecture.md).
 *
 *   resume of a session with 1,000 restorable values, server CPU time:
 *     token open (base64url, XChaCha20-Poly1305, zstd) + snapshot decode +
 *     rebuilding the layout with restore + first flush
 *     (target: <= 1 ms), with each stage alone, and what the server adds
 *     before the first message goes out (whole-tree model + commit)
 *   the seal side: snapshot write + seal (what each state change costs)
 *   token sizes (characters) of a counter, a todo-like app with 3 items and
 *   a draft, a dashboard-like app (ints, floats, an 80-byte settings
 *   struct), the 1,000-row list of bench/load/rows.c --state row (1,000 row
 *   components with a slot each) and the 1,000-value session
 *
 * CPU time of this thread (CLOCK_THREAD_CPUTIME_ID), medians over many runs.
 * Usage: resume [runs]
 * Besides the lines for people, "RESULT key=value ..." lines carry the same
 * figures for bench/run.sh (which fills docs/performance.md from them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reactc_layout.h"
#include "resume/snapshot.h"
#include "resume/token.h"
#include "wire/model.h"
#include "timing.h"

#define ROWS          100
#define SLOTS_PER_ROW 10
#define TARGET_US     1000.0
#define APP_TAG       0x0a9b1c2du
#define MAX_TOKEN     ((size_t)64 << 10) /* rc_app's default */
#define MAX_PLAIN     ((size_t)4 << 20)  /* what session.c passes */

static void quiet(void *u, rc_log_level lv, const char *m) {
    (void)u;
    (void)lv;
    (void)m;
}

static void on_inc(rc_event *ev, void *s) {
    (void)ev;
    rc_state_set_int(s, rc_state_get_int(s) + 1);
}

/* ---- the 1,000-value session: 100 keyed rows of 10 slots ------------------- */

typedef struct row_props {
    int64_t id;
} row_props;

static void row(rc_ctx *ctx, const void *p) {
    const row_props *rp = p;
    rc_state *n[4], *f[2], *b[2], *s[2];
    static const char *const ni[] = {"clicks", "views", "rank", "owner"};
    static const char *const nf[] = {"score", "ratio"};
    static const char *const nb[] = {"done", "starred"};
    static const char *const ns[] = {"title", "note"};
    for (int k = 0; k < 4; k++) n[k] = rc_use_int(ctx, ni[k], 0);
    for (int k = 0; k < 2; k++) f[k] = rc_use_float(ctx, nf[k], 0);
    for (int k = 0; k < 2; k++) b[k] = rc_use_bool(ctx, nb[k], false);
    for (int k = 0; k < 2; k++) s[k] = rc_use_string(ctx, ns[k], "");
    RC_EL(ctx, "li", .class_ = rc_state_get_bool(b[0]) ? "row done" : "row") {
        RC_EL(ctx, "span", .class_ = "title") { rc_text(ctx, rc_state_get_string(s[0])); }
        RC_EL(ctx, "span", .class_ = "note") { rc_text(ctx, rc_state_get_string(s[1])); }
        RC_EL(ctx, "button", .on = RC_ON("click", on_inc, n[0])) {
            rc_textf(ctx, "%lld/%lld", (long long)rc_state_get_int(n[0]),
                     (long long)rc_state_get_int(n[1]));
        }
        RC_EL(ctx, "em") {
            rc_textf(ctx, "#%lld %lld %.2f %.3f%s", (long long)rc_state_get_int(n[2]),
                     (long long)rc_state_get_int(n[3]), rc_state_get_float(f[0]),
                     rc_state_get_float(f[1]), rc_state_get_bool(b[1]) ? " *" : "");
        }
    }
    (void)rp;
}
RC_COMPONENT(row);

static void session(rc_ctx *ctx, const void *p) {
    (void)p;
    RC_EL(ctx, "ul", .id = "rows") {
        for (int64_t i = 0; i < ROWS; i++) {
            char key[16];
            snprintf(key, sizeof key, "%lld", (long long)i);
            row_props rp = {i};
            RC_CHILD(ctx, &row_component, key, &rp);
        }
    }
}
RC_COMPONENT(session);

/* Gives every slot of the source layout a value unlike its initial one,
 * derived from its address, so that the token carries real state. */
static rc_value seed;

static const rc_value *seed_value(void *user, const char *address) {
    rc_value *v = &seed;
    static char text[64];
    (void)user;
    unsigned h = 0;
    for (const char *c = address; *c; c++) h = h * 31u + (unsigned char)*c;
    const char *name = strrchr(address, '@');
    name = name ? name + 1 : address;
    if (!strcmp(name, "score") || !strcmp(name, "ratio")) {
        rc_value_set_float(v, (double)(h % 100000) / 7.0);
    } else if (!strcmp(name, "done") || !strcmp(name, "starred")) {
        rc_value_set_bool(v, h & 1);
    } else if (!strcmp(name, "title") || !strcmp(name, "note")) {
        snprintf(text, sizeof text, "%s %u", name[0] == 't' ? "Item" : "remember", h % 10007);
        rc_value_set_string(v, text);
    } else {
        rc_value_set_int(v, (int64_t)(h % 100000));
    }
    return v;
}

/* ---- the apps whose token sizes are reported ------------------------------- */

static rc_state *counter_count;

static void counter(rc_ctx *ctx, const void *p) {
    (void)p;
    counter_count = rc_use_int(ctx, "count", 0);
    RC_EL(ctx, "div", .class_ = "counter") {
        RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", on_inc, counter_count)) {
            rc_text(ctx, "+1");
        }
        RC_EL(ctx, "span", .id = "count") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(counter_count));
        }
    }
}
RC_COMPONENT(counter);

static rc_state *todo_items, *todo_next, *todo_draft;

static void todo(rc_ctx *ctx, const void *p) {
    (void)p;
    rc_value empty = {.kind = RC_ARRAY};
    todo_items = rc_use_value(ctx, "items", &empty);
    todo_next = rc_use_int(ctx, "next_id", 1);
    todo_draft = rc_use_string(ctx, "draft", "");
    RC_EL(ctx, "ul", .id = "todos") {
        const rc_value *items = rc_state_get_value(todo_items);
        for (size_t i = 0; i < rc_array_count(items); i++) {
            RC_EL(ctx, "li") {
                rc_text(ctx,
                        rc_value_get_string(rc_object_get(rc_array_get(items, i), "text"), ""));
            }
        }
    }
}
RC_COMPONENT(todo);

typedef struct settings { /* 80 bytes */
    char name[64];
    int32_t sample_ms;
    int32_t threshold;
    char unit;
    bool alerts;
    bool fan;
    char pad[5];
} settings;

static const rc_struct_type settings_type = {"dashboard.settings", sizeof(settings), 1};
static rc_state *dash_uptime, *dash_temp, *dash_humidity, *dash_cfg, *dash_alarms;

static void dashboard(rc_ctx *ctx, const void *p) {
    (void)p;
    dash_uptime = rc_use_int(ctx, "uptime", 0);
    dash_temp = rc_use_float(ctx, "temperature", 21.5);
    dash_humidity = rc_use_float(ctx, "humidity", 40);
    dash_alarms = rc_use_int(ctx, "alarms", 0);
    settings initial;
    memset(&initial, 0, sizeof initial);
    snprintf(initial.name, sizeof initial.name, "greenhouse-1");
    initial.sample_ms = 100;
    initial.unit = 'C';
    dash_cfg = rc_use_struct(ctx, "settings", &settings_type, &initial);
    RC_EL(ctx, "div", .class_ = "dashboard") {
        rc_textf(ctx, "%lld s, %.1f, %.0f %%", (long long)rc_state_get_int(dash_uptime),
                 rc_state_get_float(dash_temp), rc_state_get_float(dash_humidity));
    }
}
RC_COMPONENT(dashboard);

/* The 1,000-row list of bench/load/rows.c --state row, as far as its token
 * is concerned: the same component names, keys and slots (each row's own
 * "version", the root's "bumps" and "selected"), so its addresses and
 * values, hence its token, are the same as the load benchmark's server's. */
enum { LIST_ROWS = 1000 };
static rc_state *list_versions[LIST_ROWS];

typedef struct list_row_props {
    int64_t index;
} list_row_props;

static void list_row(rc_ctx *ctx, const void *p) {
    const list_row_props *rp = p;
    rc_state *version = rc_use_int(ctx, "version", 0);
    list_versions[rp->index] = version;
    RC_EL(ctx, "tr") {
        RC_EL(ctx, "td", .class_ = "id") { rc_textf(ctx, "%lld", (long long)rp->index + 1); }
        RC_EL(ctx, "td", .class_ = "version") {
            rc_textf(ctx, "version %lld", (long long)rc_state_get_int(version));
        }
    }
}
static const rc_component list_row_component = {"row", list_row, NULL, 0};

static void list_root(rc_ctx *ctx, const void *p) {
    (void)p;
    rc_use_int(ctx, "bumps", 0);
    rc_use_int(ctx, "selected", -1);
    RC_EL(ctx, "table") {
        for (int64_t i = 0; i < LIST_ROWS; i++) {
            char key[24];
            snprintf(key, sizeof key, "r%lld", (long long)i);
            list_row_props rp = {i};
            RC_CHILD(ctx, &list_row_component, key, &rp);
        }
    }
}
static const rc_component list_root_component = {"rows", list_root, NULL, 0};

/* ---- helpers ---------------------------------------------------------------- */

static rc_layout *mount(const rc_component *root, rc_restore_fn restore, void *user) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = quiet;
    o.restore = restore;
    o.restore_user = user;
    rc_layout *l = rc_layout_new(root, NULL, 0, &o);
    rc_layout_flush(l);
    rc_layout_commit(l);
    return l;
}

/* One issue time for the whole run, so snapshots of equal state are equal. */
static rc_snapshot_meta bench_meta(void) {
    static uint32_t issued;
    if (!issued) issued = (uint32_t)time(NULL);
    rc_snapshot_meta meta = {issued, 86400, 7, 12, "5f3a8-6565f0e1", 14};
    return meta;
}

/* What write_token() in session.c does: snapshot, then seal. */
static void seal_layout(const rc_keyring *kr, const rc_layout *l, rc_buf *snap, rc_buf *token) {
    rc_snapshot_meta meta = bench_meta();
    rc_token_claims claims;
    memset(&claims, 0, sizeof claims);
    claims.app_tag = APP_TAG;
    claims.build_tag = 0x1234abcdu;
    for (int i = 0; i < RC_SESSION_ID_BYTES; i++) claims.session[i] = (unsigned char)(i * 37 + 11);
    claims.version = meta.version;
    rc_buf_reset(snap);
    rc_buf_reset(token);
    rc_snapshot_write(snap, l, &meta);
    rc_token_seal(kr, &claims, snap->data, snap->len, token);
}

static void count_slot(void *user, const char *address, const rc_value *value) {
    (void)address;
    (void)value;
    (*(size_t *)user)++;
}

static size_t slot_count(const rc_layout *l) {
    size_t n = 0;
    rc_layout_foreach_slot(l, count_slot, &n);
    return n;
}

static void die(const char *what, const char *err) {
    fprintf(stderr, "bench/resume: %s: %s\n", what, err);
    exit(1);
}

static void report_size(const rc_keyring *kr, const char *key, const char *what,
                        const rc_layout *l) {
    rc_buf snap, token;
    rc_buf_init(&snap);
    rc_buf_init(&token);
    seal_layout(kr, l, &snap, &token);
    /* In the message: ,"token":"..." */
    size_t wire = token.len + strlen(",\"token\":\"\"");
    printf("  %-44s %6zu chars  (%zu slots, snapshot %zu bytes, %zu on the wire)\n", what,
           token.len, slot_count(l), snap.len, wire);
    printf("RESULT token_%s_chars=%zu token_%s_slots=%zu token_%s_snapshot_bytes=%zu "
           "token_%s_wire_bytes=%zu\n",
           key, token.len, key, slot_count(l), key, snap.len, key, wire);
    rc_buf_free(&snap);
    rc_buf_free(&token);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 2000;
    if (runs < 5) runs = 5;
    rc_keyring kr;
    char err[160];
    if (rc_keyring_init(&kr, "hex:be4c000000000000000000000000000000000000000000000000000000000001",
                        "bench-app", err, sizeof err) != 0)
        die("keyring", err);
    /* A pass: secret costs one Argon2id at start (3 passes over 64 MiB,
     * src/resume/secret.h): what a server (or a supervisor) waits. */
    double pass_ms[3];
    for (int i = 0; i < 3; i++) {
        rc_keyring kp;
        double t0 = bench_now_us();
        if (rc_keyring_init(&kp, "pass:correct horse battery staple", "bench-app", err,
                            sizeof err) != 0)
            die("keyring", err);
        pass_ms[i] = (bench_now_us() - t0) / 1e3;
        rc_keyring_wipe(&kp);
    }
    qsort(pass_ms, 3, sizeof *pass_ms, bench_cmp_double);
    printf("  %-44s %8.1f ms (median of 3)\nRESULT keyring_pass_ms=%.1f\n",
           "keyring from a pass: secret (Argon2id)", pass_ms[1], pass_ms[1]);

    /* The source session: 1,000 values that differ from the initial ones. */
    rc_layout *src = mount(&session_component, seed_value, NULL);
    size_t nslots = slot_count(src);
    if (nslots != ROWS * SLOTS_PER_ROW) die("slots", "the session does not hold 1,000 values");
    rc_buf snap, token;
    rc_buf_init(&snap);
    rc_buf_init(&token);
    seal_layout(&kr, src, &snap, &token);
    if (token.len > MAX_TOKEN) die("token", "over max_token");

    double *t_total = malloc(sizeof(double) * (size_t)runs);
    double *t_open = malloc(sizeof(double) * (size_t)runs);
    double *t_decode = malloc(sizeof(double) * (size_t)runs);
    double *t_build = malloc(sizeof(double) * (size_t)runs);
    double *t_flush = malloc(sizeof(double) * (size_t)runs);
    double *t_send = malloc(sizeof(double) * (size_t)runs);
    double *t_seal = malloc(sizeof(double) * (size_t)runs);
    double *t_write = malloc(sizeof(double) * (size_t)runs);
    double *t_fresh = malloc(sizeof(double) * (size_t)runs);
    if (!t_total || !t_open || !t_decode || !t_build || !t_flush || !t_send || !t_seal ||
        !t_write || !t_fresh)
        die("malloc", "out of memory");

    rc_buf plain, model;
    rc_buf_init(&plain);
    rc_buf_init(&model);
    size_t model_bytes = 0;
    for (int r = -runs / 10; r < runs; r++) { /* the first tenth warms up */
        rc_buf_reset(&plain);
        rc_token_claims claims;
        rc_snapshot s;
        double t0 = bench_cpu_us();
        if (rc_token_open(&kr, token.data, token.len, APP_TAG, MAX_TOKEN, MAX_PLAIN, &claims,
                          &plain, err, sizeof err) != 0)
            die("open", err);
        double t1 = bench_cpu_us();
        if (rc_snapshot_read(&s, plain.data, plain.len, err, sizeof err) != 0) die("decode", err);
        double t2 = bench_cpu_us();
        rc_layout_opts o;
        rc_layout_opts_init(&o);
        o.log = quiet;
        o.restore = rc_snapshot_restore;
        o.restore_user = &s;
        rc_layout *l = rc_layout_new(&session_component, NULL, 0, &o);
        double t3 = bench_cpu_us();
        rc_layout_flush(l);
        double t4 = bench_cpu_us();
        /* What start() adds before the first message leaves: the whole
         * tree as a model, then commit. */
        rc_buf_reset(&model);
        rc_wire_root_model(&model, l, RC_WIRE_REACTC);
        rc_layout_commit(l);
        double t5 = bench_cpu_us();
        model_bytes = model.len;
        if (r == 0) {
            /* Correctness once: the same values and the same snapshot. */
            rc_buf again, again_token;
            rc_buf_init(&again);
            rc_buf_init(&again_token);
            seal_layout(&kr, l, &again, &again_token);
            if (again.len != snap.len || memcmp(again.data, snap.data, snap.len) != 0)
                die("restore", "the resumed session does not hold the same values");
            rc_buf_free(&again);
            rc_buf_free(&again_token);
        }
        rc_layout_free(l);
        rc_snapshot_free(&s);
        if (r >= 0) {
            t_open[r] = t1 - t0;
            t_decode[r] = t2 - t1;
            t_build[r] = t3 - t2;
            t_flush[r] = t4 - t3;
            t_total[r] = t4 - t0;
            t_send[r] = t5 - t4;
        }
    }

    /* For comparison: the same tree mounted fresh (no restore). */
    for (int r = -runs / 10; r < runs; r++) {
        rc_layout_opts o;
        rc_layout_opts_init(&o);
        o.log = quiet;
        rc_layout *l = rc_layout_new(&session_component, NULL, 0, &o);
        double t0 = bench_cpu_us();
        rc_layout_flush(l);
        double t1 = bench_cpu_us();
        rc_layout_commit(l);
        rc_layout_free(l);
        if (r >= 0) t_fresh[r] = t1 - t0;
    }

    rc_buf snap2, token2;
    rc_buf_init(&snap2);
    rc_buf_init(&token2);
    for (int r = -runs / 10; r < runs; r++) {
        double t0 = bench_cpu_us();
        seal_layout(&kr, src, &snap2, &token2);
        double t1 = bench_cpu_us();
        rc_buf_reset(&snap2);
        rc_snapshot_meta meta = bench_meta();
        double t2 = bench_cpu_us();
        rc_snapshot_write(&snap2, src, &meta);
        double t3 = bench_cpu_us();
        if (r >= 0) {
            t_seal[r] = t1 - t0;
            t_write[r] = t3 - t2;
        }
    }

    double total = bench_median(t_total, runs);
    printf("bench/resume: a session of %zu restorable values (%d keyed rows x %d slots), "
           "median of %d runs, thread CPU time\n",
           nslots, ROWS, SLOTS_PER_ROW, runs);
    printf("  token %zu chars, snapshot %zu bytes, first model %zu bytes\n", token.len, snap.len,
           model_bytes);
    printf("resume (open + decode + rebuild with restore + first flush): %8.1f us   "
           "target <= %.0f us (1 ms): %.2fx of the budget\n",
           total, TARGET_US, total / TARGET_US);
    printf("  token open (base64url + AEAD + zstd):    %8.1f us\n", bench_median(t_open, runs));
    printf("  snapshot decode:                         %8.1f us\n", bench_median(t_decode, runs));
    printf("  rc_layout_new:                           %8.1f us\n", bench_median(t_build, runs));
    printf("  first flush (renders, restores slots):   %8.1f us\n", bench_median(t_flush, runs));
    printf("  + whole-tree model and commit (start()): %8.1f us\n", bench_median(t_send, runs));
    printf("  (first flush of a fresh session, no restore: %.1f us)\n",
           bench_median(t_fresh, runs));
    printf("seal (snapshot write + seal):               %8.1f us\n", bench_median(t_seal, runs));
    printf("  snapshot write alone:                    %8.1f us\n", bench_median(t_write, runs));
    {
        double open = bench_median(t_open, runs), decode = bench_median(t_decode, runs);
        double build = bench_median(t_build, runs), flush = bench_median(t_flush, runs);
        double send = bench_median(t_send, runs), fresh = bench_median(t_fresh, runs);
        double seal = bench_median(t_seal, runs), write = bench_median(t_write, runs);
        printf("RESULT runs=%d slots=%zu token_chars=%zu snapshot_bytes=%zu model_bytes=%zu "
               "total_us=%.1f total_ms=%.2f target_us=%.0f\n",
               runs, nslots, token.len, snap.len, model_bytes, total, total / 1000, TARGET_US);
        printf(
            "RESULT open_us=%.1f open_pct=%.0f decode_us=%.1f new_us=%.1f flush_us=%.1f "
            "send_us=%.1f fresh_flush_us=%.1f restore_extra_us=%.1f seal_us=%.1f write_us=%.1f\n",
            open, 100.0 * open / total, decode, build, flush, send, fresh, flush - fresh, seal,
            write);
    }

    printf("token sizes (base64url characters; target: counter <= 200 bytes on the wire)\n");
    rc_layout *c = mount(&counter_component, NULL, NULL);
    rc_state_set_int(counter_count, 42);
    rc_layout_flush(c);
    rc_layout_commit(c);
    report_size(&kr, "counter", "counter (1 int slot)", c);

    rc_layout *t = mount(&todo_component, NULL, NULL);
    rc_value items = {0};
    rc_value_set_array(&items);
    static const char *const texts[] = {"buy milk", "write the resume benchmark",
                                        "call the plumber"};
    for (int i = 0; i < 3; i++) {
        rc_value *it = rc_array_push(&items);
        rc_value_set_object(it);
        rc_value_set_int(rc_object_set(it, "id"), i + 1);
        rc_value_set_string(rc_object_set(it, "text"), texts[i]);
        rc_value_set_bool(rc_object_set(it, "done"), i == 1);
    }
    rc_state_set_value(todo_items, &items);
    rc_value_free(&items);
    rc_state_set_int(todo_next, 4);
    rc_state_set_string(todo_draft, "pick up the");
    rc_layout_flush(t);
    rc_layout_commit(t);
    report_size(&kr, "todo", "todo (3 items + draft)", t);

    rc_layout *d = mount(&dashboard_component, NULL, NULL);
    rc_state_set_int(dash_uptime, 86399);
    rc_state_set_float(dash_temp, 23.71875);
    rc_state_set_float(dash_humidity, 51.2);
    rc_state_set_int(dash_alarms, 3);
    settings cfg = *(const settings *)rc_state_get_struct(dash_cfg);
    snprintf(cfg.name, sizeof cfg.name, "greenhouse-7 north bay");
    cfg.sample_ms = 250;
    cfg.threshold = 30;
    cfg.fan = true;
    rc_state_set_struct(dash_cfg, &cfg);
    rc_layout_flush(d);
    rc_layout_commit(d);
    report_size(&kr, "dashboard", "dashboard (4 ints/floats + 80-byte struct)", d);

    /* The 1,000-row list after 2,500 clicks, round-robin as rows.c does:
     * rows bumped two or three times. */
    rc_layout *rl = mount(&list_root_component, NULL, NULL);
    for (int k = 0; k < 2500; k++)
        rc_state_set_int(list_versions[k % LIST_ROWS],
                         rc_state_get_int(list_versions[k % LIST_ROWS]) + 1);
    rc_layout_flush(rl);
    rc_layout_commit(rl);
    report_size(&kr, "rows", "1,000-row list, row state (2,500 clicks)", rl);
    /* What the load benchmark's rows --state row server pays per token. */
    {
        rc_buf s1, s2;
        rc_buf_init(&s1);
        rc_buf_init(&s2);
        for (int r = -runs / 10; r < runs; r++) {
            double t0 = bench_cpu_us();
            seal_layout(&kr, rl, &s1, &s2);
            if (r >= 0) t_seal[r] = bench_cpu_us() - t0;
        }
        double rows_seal = bench_median(t_seal, runs);
        printf("  sealing it (snapshot write + seal):      %8.1f us\n", rows_seal);
        printf("RESULT token_rows_seal_us=%.1f\n", rows_seal);
        rc_buf_free(&s1);
        rc_buf_free(&s2);
    }

    report_size(&kr, "session", "session of 1,000 values", src);

    rc_layout_free(c);
    rc_layout_free(t);
    rc_layout_free(d);
    rc_layout_free(rl);
    rc_layout_free(src);
    rc_value_free(&seed);
    rc_buf_free(&snap);
    rc_buf_free(&token);
    rc_buf_free(&snap2);
    rc_buf_free(&token2);
    rc_buf_free(&plain);
    rc_buf_free(&model);
    free(t_total);
    free(t_open);
    free(t_decode);
    free(t_build);
    free(t_flush);
    free(t_send);
    free(t_seal);
    free(t_write);
    free(t_fresh);
    rc_keyring_wipe(&kr);
    return 0;
}
