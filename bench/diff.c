/*
 * bench/diff: the core engine's render and diff costs (docs/architecture.md, Targets).
 *
 *   first render of a 10,000-node tree (1,000 keyed row components)
 *   one changed text in that tree:
 *     - the row's own state changes (only that row renders: O(changed))
 *     - the parent's data changes one row (1,000 props compared, 1 row renders)
 *     - one component renders all 10,000 nodes (no component boundaries: O(n))
 *   reverse of a keyed 1,000-row list
 *   serialising: the whole 10,000-node model, and one one-row patch
 *   memory per 1,000-node tree
 *   memory of the load benchmark's big pages (bench/load/pages.c: the
 *     1,000-row table, root and row state, and ReactPy's 1,000-item list),
 *     per DOM node and per component instance
 *
 * Prints medians over many runs. Usage: diff [runs]
 * Besides the lines for people, "RESULT key=value ..." lines carry the same
 * figures for bench/run.sh (which fills docs/performance.md from them).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/internal.h" /* struct rc_instance, for its size */
#include "reactc_layout.h"
#include "vdom/node.h"
#include "wire/model.h"
#include "pages.h"
#include "timing.h"

#define ROWS 1000

/* Where the timed snprintf loop stores a byte, so that it is not optimised away. */
static volatile char keys_sink;

/* ---- the app: a list of rows ------------------------------------------- */

typedef struct row_props {
    int id;
    int label; /* the parent's data for this row */
} row_props;

static rc_state *row_states[ROWS]; /* each row's own counter, to poke it */

static void row(rc_ctx *ctx, const void *p) {
    const row_props *rp = p;
    rc_state *clicks = rc_use_int(ctx, "clicks", 0);
    row_states[rp->id] = clicks;
    /* 10 DOM nodes per row. */
    RC_EL(ctx, "li", .class_ = "row") {
        RC_EL(ctx, "span", .class_ = "id") { rc_textf(ctx, "%d", rp->id); }
        RC_EL(ctx, "span", .class_ = "label") { rc_textf(ctx, "row %d", rp->label); }
        RC_EL(ctx, "button", .class_ = "clicks") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(clicks));
        }
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

static void quiet(void *u, rc_log_level lv, const char *m) {
    (void)u;
    (void)lv;
    (void)m;
}

static rc_layout *mount(const rc_component *c) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = quiet;
    rc_layout *l = rc_layout_new(c, NULL, 0, &o);
    rc_layout_flush(l);
    rc_layout_commit(l);
    return l;
}

/* Heap in use for one mounted page of bench/load/pages.c (what a session of
 * build/bench/rows keeps for its tree and instances, without the server's
 * own per-session state), per DOM node and per component instance; prints
 * "RESULT page_NAME_bytes=... page_NAME_dom_nodes=..." and the rest. */
static int page_memory(const char *name, const rc_component *c, const void *props, size_t size) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = quiet;
    malloc_trim(0);
    struct mallinfo2 m0 = mallinfo2();
    rc_layout *l = rc_layout_new(c, props, size, &o);
    if (!l) return -1;
    rc_layout_flush(l);
    rc_layout_commit(l);
    struct mallinfo2 m1 = mallinfo2();
    page_count n;
    page_count_layout(l, &n);
    rc_layout_free(l);
    size_t bytes = m1.uordblks - m0.uordblks;
    double per_node = (double)bytes / (double)(n.dom_nodes ? n.dom_nodes : 1);
    double per_inst = (double)bytes / (double)(n.instances ? n.instances : 1);
    printf("memory, page %-9s %zu bytes: %zu DOM nodes (%.0f bytes each), %zu instances "
           "(%.0f bytes each)\n",
           name, bytes, n.dom_nodes, per_node, n.instances, per_inst);
    printf("RESULT page_%s_bytes=%zu page_%s_kib=%.0f page_%s_dom_nodes=%zu page_%s_components=%zu "
           "page_%s_instances=%zu page_%s_bytes_per_node=%.0f page_%s_bytes_per_instance=%.0f\n",
           name, bytes, name, (double)bytes / 1024, name, n.dom_nodes, name, n.components, name,
           n.instances, name, per_node, name, per_inst);
    return 0;
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 200;
    if (runs < 5) runs = 5;
    double *t = malloc(sizeof(double) * (size_t)runs);
    double *t2 = malloc(sizeof(double) * (size_t)runs);
    rc_buf b;
    rc_buf_init(&b);
    reset_data();

    printf("bench/diff: %d rows x 10 DOM nodes = %d nodes, median of %d runs\n", ROWS, ROWS * 10,
           runs);

    /* First render and serialisation of the whole model. */
    size_t model_bytes = 0, vdom_bytes = 0;
    double *t3 = malloc(sizeof(double) * (size_t)runs);
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now_us();
        rc_layout_opts o;
        rc_layout_opts_init(&o);
        o.log = quiet;
        rc_layout *l = rc_layout_new(&list_component, NULL, 0, &o);
        rc_layout_flush(l);
        double t1 = bench_now_us();
        rc_buf_reset(&b);
        rc_wire_root_model(&b, l, RC_WIRE_COMPACT);
        double t2v = bench_now_us();
        model_bytes = b.len;
        /* The same tree as VDOM JSON (reactc flavour), for comparison:
         * what a client without the "compact" extension gets. */
        rc_buf_reset(&b);
        rc_wire_root_model(&b, l, RC_WIRE_REACTC);
        t3[r] = bench_now_us() - t2v;
        vdom_bytes = b.len;
        rc_layout_commit(l);
        rc_layout_free(l);
        t[r] = t1 - t0;
        t2[r] = t2v - t1;
    }
    double first_us = bench_median(t, runs), model_us = bench_median(t2, runs);
    double vdom_us = bench_median(t3, runs);
    free(t3);
    printf("first render, 10,000 nodes:               %9.1f us\n", first_us);
    printf("serialise whole model (%zu bytes):      %9.1f us (compact)\n", model_bytes, model_us);
    printf("serialise whole model (%zu bytes):      %9.1f us (VDOM JSON)\n", vdom_bytes, vdom_us);
    printf("RESULT runs=%d nodes=%d first_render_us=%.1f first_render_ms=%.2f model_bytes=%zu "
           "model_kb=%.0f model_us=%.1f model_ms=%.2f vdom_model_kb=%.0f vdom_model_ms=%.2f\n",
           runs, ROWS * 10, first_us, first_us / 1000, model_bytes, (double)model_bytes / 1000,
           model_us, model_us / 1000, (double)vdom_bytes / 1000, vdom_us / 1000);

    /* One changed text, the row's own state. */
    rc_layout *l = mount(&list_component);
    size_t patch_bytes = 0;
    for (int r = 0; r < runs; r++) {
        rc_state *s = row_states[(r * 37) % ROWS];
        rc_state_set_int(s, rc_state_get_int(s) + 1);
        double t0 = bench_now_us();
        const rc_patch *p = rc_layout_flush(l);
        double t1 = bench_now_us();
        rc_buf_reset(&b);
        rc_wire_patch(&b, p, RC_WIRE_COMPACT);
        double t2v = bench_now_us();
        patch_bytes = b.len;
        if (p->nops != 1 || p->rendered != 1) {
            fprintf(stderr, "unexpected patch: %zu ops, %u renders\n", p->nops, p->rendered);
            return 1;
        }
        rc_layout_commit(l);
        t[r] = t1 - t0;
        t2[r] = t2v - t1;
    }
    double row_us = bench_median(t, runs), patch_us = bench_median(t2, runs);
    printf("one text, row state (1 render):            %9.2f us   target <= 50 us\n", row_us);
    printf("serialise that patch (%zu bytes):          %9.2f us\n", patch_bytes, patch_us);
    printf("RESULT row_state_us=%.2f patch_bytes=%zu patch_us=%.2f\n", row_us, patch_bytes,
           patch_us);

    /* One changed text, from the parent's data. */
    for (int r = 0; r < runs; r++) {
        data.labels[(r * 37) % ROWS] += 1000;
        rc_state_set_int(list_version, rc_state_get_int(list_version) + 1);
        double t0 = bench_now_us();
        const rc_patch *p = rc_layout_flush(l);
        double t1 = bench_now_us();
        if (p->nops != 1 || p->rendered != 2) {
            fprintf(stderr, "unexpected patch: %zu ops, %u renders\n", p->nops, p->rendered);
            return 1;
        }
        rc_layout_commit(l);
        t[r] = t1 - t0;
    }
    double parent_us = bench_median(t, runs);
    printf("one text, parent data (1,000 props cmp):   %9.2f us\n", parent_us);
    /* Part of that is list()'s own snprintf of the 1,000 keys, which an app
     * with ready-made keys would not pay: timed alone here. */
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now_us();
        for (int i = 0; i < ROWS; i++) {
            char key[16];
            snprintf(key, sizeof key, "%d", data.order[i]);
            keys_sink = key[0];
        }
        t[r] = bench_now_us() - t0;
    }
    double keys_us = bench_median(t, runs);
    printf("  of which the benchmark's snprintf of the keys: %6.2f us\n", keys_us);
    printf("RESULT parent_data_us=%.1f parent_data_per_child_us=%.3f keys_snprintf_us=%.1f "
           "keys_snprintf_pct=%.0f\n",
           parent_us, parent_us / ROWS, keys_us, 100.0 * keys_us / parent_us);

    /* Reverse the keyed list. */
    for (int r = 0; r < runs; r++) {
        for (int i = 0; i < ROWS / 2; i++) {
            int tmp = data.order[i];
            data.order[i] = data.order[ROWS - 1 - i];
            data.order[ROWS - 1 - i] = tmp;
        }
        rc_state_set_int(list_version, rc_state_get_int(list_version) + 1);
        double t0 = bench_now_us();
        const rc_patch *p = rc_layout_flush(l);
        double t1 = bench_now_us();
        rc_buf_reset(&b);
        rc_wire_patch(&b, p, RC_WIRE_COMPACT);
        patch_bytes = b.len;
        rc_layout_commit(l);
        t[r] = t1 - t0;
    }
    double reverse_us = bench_median(t, runs);
    printf("reverse keyed 1,000 rows (999 moves):      %9.1f us   (%zu bytes of ops)\n", reverse_us,
           patch_bytes);
    printf("RESULT reverse_us=%.1f reverse_bytes=%zu reverse_kb=%.1f\n", reverse_us, patch_bytes,
           (double)patch_bytes / 1000);
    rc_layout_free(l);
    reset_data();

    /* No component boundaries: the whole tree re-renders and is diffed. */
    l = mount(&flat_component);
    for (int r = 0; r < runs; r++) {
        data.labels[(r * 37) % ROWS] += 1000;
        rc_state_set_int(list_version, rc_state_get_int(list_version) + 1);
        double t0 = bench_now_us();
        const rc_patch *p = rc_layout_flush(l);
        double t1 = bench_now_us();
        if (p->nops != 1) {
            fprintf(stderr, "unexpected patch: %zu ops\n", p->nops);
            return 1;
        }
        rc_layout_commit(l);
        t[r] = t1 - t0;
    }
    double flat_us = bench_median(t, runs);
    printf("one text, one flat 10,000-node component:  %9.1f us   (O(n): split into components)\n",
           flat_us);
    printf("RESULT flat_us=%.1f flat_ms=%.2f flat_per_node_us=%.3f\n", flat_us, flat_us / 1000,
           flat_us / (ROWS * 10));
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
    printf("RESULT mem_rows_bytes=%zu mem_rows_kib_per_1000=%.0f mem_rows_bytes_per_node=%.0f\n",
           per_tree, (double)per_tree / 10 / 1024, (double)per_tree / (ROWS * 10));
    rc_layout_free(l);
    malloc_trim(0);
    m0 = mallinfo2();
    l = mount(&flat_component);
    m1 = mallinfo2();
    per_tree = m1.uordblks - m0.uordblks;
    printf("memory, one component:  %zu bytes for 10,000 nodes = %.1f KiB per 1,000 nodes\n",
           per_tree, (double)per_tree / 10 / 1024);
    printf("RESULT mem_flat_bytes=%zu mem_flat_kib_per_1000=%.0f mem_flat_bytes_per_node=%.0f\n",
           per_tree, (double)per_tree / 10 / 1024, (double)per_tree / (ROWS * 10));
    /* The sizes the memory figures are made of (see docs/performance.md). */
    printf("RESULT element_struct_bytes=%zu text_struct_bytes=%zu placeholder_struct_bytes=%zu "
           "instance_struct_bytes=%zu\n",
           sizeof(rc_el_node), sizeof(rc_text_node), sizeof(rc_comp_node),
           sizeof(struct rc_instance));
    rc_layout_free(l);

    /* The load benchmark's pages, as build/bench/rows serves them. */
    page_table_props root_state = {PAGE_STATE_ROOT}, row_state = {PAGE_STATE_ROW};
    if (page_memory("table", &page_table_component, &root_state, sizeof root_state) ||
        page_memory("table_row", &page_table_component, &row_state, sizeof row_state) ||
        page_memory("list", &page_list_component, NULL, 0)) {
        fprintf(stderr, "a page did not mount\n");
        return 1;
    }

    rc_buf_free(&b);
    free(t);
    free(t2);
    return 0;
}
