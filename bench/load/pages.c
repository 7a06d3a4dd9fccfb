/*
 * bench/load/pages: the big pages of the benchmarks (see pages.h).
 */
#include "pages.h"

#include <stdbool.h>
#include <stdio.h>

/* ---- table --------------------------------------------------------------- */

/* PAGE_STATE_ROW*: the root's table of the rows' own states. */
typedef struct row_table {
    rc_state *version[PAGE_ROWS];
    int64_t cursor;   /* next row to bump */
    bool server_only; /* PAGE_STATE_ROW_SERVER */
} row_table;

/* No padding anywhere (props are compared by memcmp): two pointers, then
 * four 32-bit fields. */
typedef struct row_props {
    rc_state *selected; /* the root's selection, set by the row's button */
    row_table *table;   /* PAGE_STATE_ROW*: where the row registers its state */
    int32_t index;
    int32_t version; /* PAGE_STATE_ROOT: how many times the row was bumped */
    int32_t is_selected;
    int32_t reserved; /* always 0 */
} row_props;

/* What a row's handler needs; lives as long as the row instance. */
typedef struct row_ref {
    rc_state *selected;
    int64_t index;
} row_ref;

/* Row i's value after `bumps` clicks: once per full round, plus once in the
 * current round if the cursor passed it. Deriving the 1,000 values from the
 * click count keeps the root's state one int (the token stays small) while
 * the page is what a list held in state would render. */
static int64_t value_after(int64_t bumps, int64_t i) {
    return bumps / PAGE_ROWS + (i < bumps % PAGE_ROWS ? 1 : 0);
}

static void select_row(rc_event *ev, void *user) {
    (void)ev;
    const row_ref *r = user;
    rc_state_set_int(r->selected, r->index);
}

static void row(rc_ctx *ctx, const void *props) {
    const row_props *p = props;
    row_ref *ref = rc_use_ref(ctx, sizeof *ref);
    ref->selected = p->selected;
    ref->index = p->index;
    int64_t version = p->version;
    if (p->table) { /* the same on every render of this instance */
        rc_state *own;
        if (p->table->server_only) {
            rc_value zero = {.kind = RC_INT, .as.i = 0};
            own = rc_use_state_ex(ctx, "version", &zero, RC_STATE_SERVER_ONLY);
        } else {
            own = rc_use_int(ctx, "version", 0);
        }
        p->table->version[p->index] = own;
        version = rc_state_get_int(own);
    }
    RC_EL(ctx, "tr", .class_ = p->is_selected ? "selected" : NULL) {
        RC_EL(ctx, "td", .class_ = "id") { rc_textf(ctx, "%d", (int)p->index + 1); }
        RC_EL(ctx, "td", .class_ = "label") { rc_textf(ctx, "Row %d", (int)p->index + 1); }
        RC_EL(ctx, "td", .class_ = "version") { rc_textf(ctx, "version %lld", (long long)version); }
        RC_EL(ctx, "td") {
            RC_EL(ctx, "button", .on = RC_ON("click", select_row, ref)) { rc_text(ctx, "select"); }
        }
    }
}
static RC_COMPONENT(row);

/* PAGE_STATE_ROOT (and the list): one more click in the root's state. */
static void bump_root(rc_event *ev, void *bumps) {
    (void)ev;
    rc_state_set_int(bumps, rc_state_get_int(bumps) + 1);
}

/* PAGE_STATE_ROW*: one more click in the next row's own state. */
static void bump_row(rc_event *ev, void *user) {
    (void)ev;
    row_table *t = user;
    rc_state *s = t->version[t->cursor];
    t->cursor = (t->cursor + 1) % PAGE_ROWS;
    if (s) rc_state_set_int(s, rc_state_get_int(s) + 1);
}

static void page_table(rc_ctx *ctx, const void *props) {
    const page_table_props *tp = props;
    rc_state *bumps = rc_use_int(ctx, "bumps", 0);
    rc_state *selected = rc_use_int(ctx, "selected", -1);
    row_table *table = tp->state != PAGE_STATE_ROOT ? rc_use_ref(ctx, sizeof *table) : NULL;
    if (table) table->server_only = tp->state == PAGE_STATE_ROW_SERVER;
    int64_t b = rc_state_get_int(bumps);
    int64_t sel = rc_state_get_int(selected);
    RC_EL(ctx, "div", .class_ = "rows") {
        rc_on on = table ? RC_ON("click", bump_row, table) : RC_ON("click", bump_root, bumps);
        RC_EL(ctx, "button", .id = "bump", .on = on) { rc_text(ctx, "Bump one row"); }
        RC_EL(ctx, "table") {
            RC_EL(ctx, "tbody") {
                for (int32_t i = 0; i < PAGE_ROWS; i++) {
                    /* Integer keys (RC_CHILD_INT), as a program keyed by a
                     * row id writes them since issue 20; bench/baseline.txt
                     * is of "r%d" keys made with snprintf, half the click. */
                    row_props p = {
                        .selected = selected,
                        .table = table,
                        .index = i,
                        .version = table ? 0 : (int32_t)value_after(b, i),
                        .is_selected = sel == i,
                        .reserved = 0,
                    };
                    RC_CHILD_INT(ctx, &row_component, i, &p);
                }
            }
        }
    }
}
/* Named "rows" as before the pages were shared: slot addresses, hence
 * token sizes, stay those of earlier runs. */
const rc_component page_table_component = {"rows", page_table, NULL, 0};

/* ---- list ---------------------------------------------------------------- */

/* ReactPy's page, as its programmer writes it: the state (here the click
 * count the values derive from) in the one component, keys from the index,
 * every <li> rebuilt on each render. */
static void page_list(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *bumps = rc_use_int(ctx, "bumps", 0);
    int64_t b = rc_state_get_int(bumps);
    RC_EL(ctx, "div", .class_ = "list") {
        RC_EL(ctx, "button", .id = "bump", .on = RC_ON("click", bump_root, bumps)) {
            rc_text(ctx, "Bump one item");
        }
        RC_EL(ctx, "p") { rc_textf(ctx, "%lld clicks", (long long)b); }
        RC_EL(ctx, "ul") {
            for (int i = 0; i < PAGE_ROWS; i++) {
                RC_EL(ctx, "li", RC_KEY_INT(i)) {
                    rc_textf(ctx, "Row %d: value %lld", i, (long long)value_after(b, i));
                }
            }
        }
    }
}
const rc_component page_list_component = {"list", page_list, NULL, 0};

/* ---- counting ------------------------------------------------------------ */

static void count_node(const rc_node *n, page_count *out) {
    switch (rc_node_get_kind(n)) {
    case RC_NODE_COMPONENT: out->components++; break;
    case RC_NODE_ELEMENT:
        out->elements++;
        out->dom_nodes++;
        break;
    case RC_NODE_TEXT:
    case RC_NODE_ERROR: out->dom_nodes++; break;
    }
    size_t k = rc_node_count_children(n);
    for (size_t i = 0; i < k; i++) count_node(rc_node_get_child(n, i), out);
}

void page_count_layout(const rc_layout *layout, page_count *out) {
    *out = (page_count){0};
    size_t roots = rc_layout_count_roots(layout);
    for (size_t i = 0; i < roots; i++) count_node(rc_layout_get_root(layout, i), out);
    out->instances = rc_layout_count_instances(layout);
}
