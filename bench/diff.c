/*
 * bench/diff: the core engine's render and diff costs (DESIGN.md §7).
 *
 *   first render of a 10,000-node tree (1,000 keyed row components)
 *   one changed text in that tree:
 *     - the row's own state changes (only that row renders: O(changed))
 *     - the parent's data changes one row (1,000 props compared, 1 row renders)
 *     - one component renders all 10,000 nodes (no component boundaries: O(n))
 *   reverse of a keyed 1,000-row list
 *   serialising: the whole 10,000-node model, and one one-row patch
 *   memory per 1,000-node tree
 *
 * Prints medians over many runs. Usage: diff [runs]
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reactc.h"
#include "wire/model.h"

#define ROWS 1000

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* ---- the app: a list of rows ------------------------------------------- */

typedef struct row_props {
    int id;
    int label;              /* the parent's data for this row */
} row_props;

static rc_state *row_states[ROWS];   /* each row's own counter, to poke it */

static void row(rc_ctx *ctx, const void *p) {
    const row_props *rp = p;
    rc_state *clicks = rc_use_int(ctx, "clicks", 0);
    row_states[rp->id] = clicks;
    /* 10 DOM nodes per row. */
    RC_EL(ctx, "li", .class_ = "row") {
        RC_EL(ctx, "span", .class_ = "id") { rc_textf(ctx, "%d", rp->id); }
        RC_EL(ctx, "span", .class_ = "label") { rc_textf(ctx, "row %d", rp->label); }
        RC_EL(ctx, "button", .class_ = "clicks") { rc_textf(ctx, "%lld", (long long)rc_get_int(clicks)); }
        RC_EL(ctx, "em", .class_ = "x") { rc_text(ctx, "x"); }
        RC_EL(ctx, "i", .class_ = "end") {}
    }
}
RC_COMPONENT(row);

typedef struct list_data {
    int labels[ROWS];
    int order[ROWS];
} list_data;

static list_data data;
static rc_state *list_version;

static void list(rc_ctx *ctx, const void *p) {
    (void)p;
    list_version = rc_use_int(ctx, "version", 0);
    RC_EL(ctx, "ul", .id = "rows") {
        for (int i = 0; i < ROWS; i++) {
            int id = data.order[i];
            char key[16];
            snprintf(key, sizeof key, "%d", id);
            row_props rp = {id, data.labels[id]};
            RC_CHILD(ctx, &row_component, key, &rp);
        }
    }
}
RC_COMPONENT(list);

/* The same 10,000 nodes from one component. */
static void flat(rc_ctx *ctx, const void *p) {
    (void)p;
    list_version = rc_use_int(ctx, "version", 0);
    RC_EL(ctx, "ul", .id = "rows") {
        for (int i = 0; i < ROWS; i++) {
            char key[16];
            snprintf(key, sizeof key, "%d", i);
            RC_EL(ctx, "li", .key = key, .class_ = "row") {
                RC_EL(ctx, "span", .class_ = "id") { rc_textf(ctx, "%d", i); }
                RC_EL(ctx, "span", .class_ = "label") { rc_textf(ctx, "row %d", data.labels[i]); }
                RC_EL(ctx, "button", .class_ = "clicks") { rc_text(ctx, "0"); }
                RC_EL(ctx, "em", .class_ = "x") { rc_text(ctx, "x"); }
                RC_EL(ctx, "i", .class_ = "end") {}
            }
        }
    }
}
RC_COMPONENT(flat);

static void reset_data(void) {
    for (int i = 0; i < ROWS; i++) {
        data.labels[i] = i;
        data.order[i] = i;
    }
}

static void quiet(void *u, rc_log_level lv, const char *m) { (void)u; (void)lv; (void)m; }

static rc_layout *mount(const rc_component *c) {
    rc_layout_opts o = rc_layout_opts_default();
    o.log = quiet;
    rc_layout *l = rc_layout_new(c, NULL, 0, &o);
    rc_layout_flush(l);
    rc_layout_commit(l);
    return l;
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 200;
    if (runs < 5) runs = 5;
    double *t = malloc(sizeof(double) * (size_t)runs);
    double *t2 = malloc(sizeof(double) * (size_t)runs);
    rc_buf b;
    rc_buf_init(&b);
    reset_data();

    printf("bench/diff: %d rows x 10 DOM nodes = %d nodes, median of %d runs\n", ROWS, ROWS * 10, runs);

    /* First render and serialisation of the whole model. */
    size_t model_bytes = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now_us();
        rc_layout_opts o = rc_layout_opts_default();
        o.log = quiet;
        rc_layout *l = rc_layout_new(&list_component, NULL, 0, &o);
        rc_layout_flush(l);
        double t1 = now_us();
        rc_buf_reset(&b);
        rc_wire_root_model(&b, l, RC_WIRE_REACTC);
        double t2v = now_us();
        model_bytes = b.len;
        rc_layout_commit(l);
        rc_layout_free(l);
        t[r] = t1 - t0;
        t2[r] = t2v - t1;
    }
    printf("first render, 10,000 nodes:               %9.1f us\n", median(t, runs));
    printf("serialise whole model (%zu bytes):      %9.1f us\n", model_bytes, median(t2, runs));

    /* One changed text, the row's own state. */
    rc_layout *l = mount(&list_component);
    size_t patch_bytes = 0;
    for (int r = 0; r < runs; r++) {
        rc_state *s = row_states[(r * 37) % ROWS];
        rc_set_int(s, rc_get_int(s) + 1);
        double t0 = now_us();
        const rc_patch *p = rc_layout_flush(l);
        double t1 = now_us();
        rc_buf_reset(&b);
        rc_wire_patch(&b, p);
        double t2v = now_us();
        patch_bytes = b.len;
        if (p->nops != 1 || p->rendered != 1) {
            fprintf(stderr, "unexpected patch: %zu ops, %u renders\n", p->nops, p->rendered);
            return 1;
        }
        rc_layout_commit(l);
        t[r] = t1 - t0;
        t2[r] = t2v - t1;
    }
    printf("one text, row state (1 render):            %9.2f us   target <= 50 us\n", median(t, runs));
    printf("serialise that patch (%zu bytes):          %9.2f us\n", patch_bytes, median(t2, runs));

    /* One changed text, from the parent's data. */
    for (int r = 0; r < runs; r++) {
        data.labels[(r * 37) % ROWS] += 1000;
        rc_set_int(list_version, rc_get_int(list_version) + 1);
        double t0 = now_us();
        const rc_patch *p = rc_layout_flush(l);
        double t1 = now_us();
        if (p->nops != 1 || p->rendered != 2) {
            fprintf(stderr, "unexpected patch: %zu ops, %u renders\n", p->nops, p->rendered);
            return 1;
        }
        rc_layout_commit(l);
        t[r] = t1 - t0;
    }
    printf("one text, parent data (1,000 props cmp):   %9.2f us\n", median(t, runs));

    /* Reverse the keyed list. */
    for (int r = 0; r < runs; r++) {
        for (int i = 0; i < ROWS / 2; i++) {
            int tmp = data.order[i];
            data.order[i] = data.order[ROWS - 1 - i];
            data.order[ROWS - 1 - i] = tmp;
        }
        rc_set_int(list_version, rc_get_int(list_version) + 1);
        double t0 = now_us();
        const rc_patch *p = rc_layout_flush(l);
        double t1 = now_us();
        rc_buf_reset(&b);
        rc_wire_patch(&b, p);
        patch_bytes = b.len;
        rc_layout_commit(l);
        t[r] = t1 - t0;
    }
    printf("reverse keyed 1,000 rows (999 moves):      %9.1f us   (%zu bytes of ops)\n",
           median(t, runs), patch_bytes);
    rc_layout_free(l);
    reset_data();

    /* No component boundaries: the whole tree re-renders and is diffed. */
    l = mount(&flat_component);
    for (int r = 0; r < runs; r++) {
        data.labels[(r * 37) % ROWS] += 1000;
        rc_set_int(list_version, rc_get_int(list_version) + 1);
        double t0 = now_us();
        const rc_patch *p = rc_layout_flush(l);
        double t1 = now_us();
        if (p->nops != 1) {
            fprintf(stderr, "unexpected patch: %zu ops\n", p->nops);
            return 1;
        }
        rc_layout_commit(l);
        t[r] = t1 - t0;
    }
    printf("one text, one flat 10,000-node component:  %9.1f us   (O(n): split into components)\n",
           median(t, runs));
    rc_layout_free(l);
    reset_data();

    /* Memory: heap in use for a mounted 10,000-node tree, per 1,000 nodes. */
    malloc_trim(0);
    struct mallinfo2 m0 = mallinfo2();
    l = mount(&list_component);
    struct mallinfo2 m1 = mallinfo2();
    size_t per_tree = m1.uordblks - m0.uordblks;
    printf("memory, row components: %zu bytes for 10,000 nodes = %.1f KiB per 1,000 nodes\n",
           per_tree, (double)per_tree / 10 / 1024);
    rc_layout_free(l);
    malloc_trim(0);
    m0 = mallinfo2();
    l = mount(&flat_component);
    m1 = mallinfo2();
    per_tree = m1.uordblks - m0.uordblks;
    printf("memory, one component:  %zu bytes for 10,000 nodes = %.1f KiB per 1,000 nodes\n",
           per_tree, (double)per_tree / 10 / 1024);
    rc_layout_free(l);

    rc_buf_free(&b);
    free(t);
    free(t2);
    return 0;
}
