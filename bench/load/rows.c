/*
 * rows: the 1,000-row list of the load benchmark (bench/load/run.sh).
 *
 * A table of 1,000 keyed row components, each a <tr> with a few cells and a
 * button, and a <button id="bump"> above it. Each click on "bump" changes the
 * text of ONE row, round-robin (click k changes row k mod 1000), so the
 * client gets a patch of tens of bytes. Where the rows' data lives is the
 * choice that sets the server's cost per click:
 *
 *   --state root (default): the list's data is the root's state, as a React
 *     app would keep it. A click re-renders the root, which re-creates the
 *     1,000 row children: 999 compare equal props and are skipped, one row
 *     renders. O(rows) per click.
 *   --state row: each row owns its text's state; the bump handler sets the
 *     state of one row directly, so only that row renders. O(changed). The
 *     1,000 rows' slots are restorable, so the state token sent with each
 *     patch (docs/resume.md) holds all of them.
 *   --state row-server: as row, but the rows' slots are RC_STATE_SERVER_ONLY
 *     (never in a token): a click changes no restorable state, so no token
 *     is sealed or sent. This isolates the cost of tokens.
 *
 * Usage: rows [--state root|row|row-server] [rc_app options: --host ADDR
 *             --port N --log-level L --grace S ...]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <reactc.h>

enum { NROWS = 1000 };

/* --state row: the root's table of the rows' own states. */
typedef struct row_table {
    rc_state *version[NROWS];
    int64_t cursor;   /* next row to bump */
    bool server_only; /* --state row-server */
} row_table;

/* No padding anywhere (props are compared by memcmp): two pointers, then
 * four 32-bit fields. */
typedef struct row_props {
    rc_state *selected; /* the root's selection, set by the row's button */
    row_table *table;   /* --state row: where the row registers its state */
    int32_t index;
    int32_t version; /* --state root: how many times the row was bumped */
    int32_t is_selected;
    int32_t reserved; /* always 0 */
} row_props;

enum { STATE_ROOT, STATE_ROW, STATE_ROW_SERVER };

typedef struct rows_props {
    int32_t state; /* STATE_* */
} rows_props;

/* What a row's handler needs; lives as long as the row instance. */
typedef struct row_ref {
    rc_state *selected;
    int64_t index;
} row_ref;

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
RC_COMPONENT(row);

/* --state root: one more click in the root's state. */
static void bump_root(rc_event *ev, void *bumps) {
    (void)ev;
    rc_state_set_int(bumps, rc_state_get_int(bumps) + 1);
}

/* --state row: one more click in the next row's own state. */
static void bump_row(rc_event *ev, void *user) {
    (void)ev;
    row_table *t = user;
    rc_state *s = t->version[t->cursor];
    t->cursor = (t->cursor + 1) % NROWS;
    if (s) rc_state_set_int(s, rc_state_get_int(s) + 1);
}

static void rows(rc_ctx *ctx, const void *props) {
    const rows_props *rp = props;
    rc_state *bumps = rc_use_int(ctx, "bumps", 0);
    rc_state *selected = rc_use_int(ctx, "selected", -1);
    row_table *table = rp->state != STATE_ROOT ? rc_use_ref(ctx, sizeof *table) : NULL;
    if (table) table->server_only = rp->state == STATE_ROW_SERVER;
    int64_t b = rc_state_get_int(bumps);
    int64_t sel = rc_state_get_int(selected);
    RC_EL(ctx, "div", .class_ = "rows") {
        rc_on on = table ? RC_ON("click", bump_row, table) : RC_ON("click", bump_root, bumps);
        RC_EL(ctx, "button", .id = "bump", .on = on) { rc_text(ctx, "Bump one row"); }
        RC_EL(ctx, "table") {
            RC_EL(ctx, "tbody") {
                for (int32_t i = 0; i < NROWS; i++) {
                    char key[16];
                    snprintf(key, sizeof key, "r%d", (int)i);
                    /* Row i has been bumped once per full round, plus once
                     * in the current round if the cursor passed it. */
                    row_props p = {
                        .selected = selected,
                        .table = table,
                        .index = i,
                        .version = table ? 0 : (int32_t)(b / NROWS + (i < b % NROWS ? 1 : 0)),
                        .is_selected = sel == i,
                        .reserved = 0,
                    };
                    RC_CHILD(ctx, &row_component, key, &p);
                }
            }
        }
    }
}
RC_COMPONENT(rows);

int main(int argc, char **argv) {
    static rows_props props = {0};
    /* Take --state out of argv; rc_app_parse_args parses the rest. */
    int n = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--state") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (strcmp(v, "root") == 0) props.state = STATE_ROOT;
            else if (strcmp(v, "row") == 0) props.state = STATE_ROW;
            else if (strcmp(v, "row-server") == 0) props.state = STATE_ROW_SERVER;
            else {
                fprintf(stderr, "%s: --state must be root, row or row-server\n", argv[0]);
                return 2;
            }
            continue;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            printf("rows: 1,000-row list; --state root|row|row-server (default root), then:\n");
        argv[n++] = argv[i];
    }
    argv[n] = NULL;
    rc_app app = {
        .title = "rows (1,000-row list)",
        .root = &rows_component,
        .root_props = &props,
        .root_props_size = sizeof props,
    };
    int rc = rc_app_parse_args(&app, n, argv);
    if (rc) return rc > 0 ? 0 : 2;
    return rc_app_run(&app);
}
