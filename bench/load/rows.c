/*
 * rows: the big pages of the load benchmark (bench/load/run.sh), served.
 *
 * --shape table (default): a table of 1,000 keyed row components, each a
 * <tr> with a few cells and a button, and a <button id="bump"> above it.
 * Each click on "bump" changes the text of ONE row, round-robin (click k
 * changes row k mod 1000), so the client gets a patch of tens of bytes.
 * Where the rows' data lives is the choice that sets the server's cost per
 * click:
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
 * --shape list: ReactPy 1.1.0's 1,000-item list page (issue 20): one
 * component, a <button id="bump">, a <p> and 1,000 keyed <li> "Row i: value
 * v"; a click changes one item's value, round robin (pages.h).
 *
 * --count: instead of serving, mounts the page in process and prints what
 * it holds, "RESULT dom_nodes=N elements=N components=N instances=N"
 * (bench/load/run.sh divides the idle session's memory by these).
 *
 * Usage: rows [--shape table|list] [--state root|row|row-server] [--count]
 *             [rc_app options: --host ADDR --port N --log-level L --grace S ...]
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pages.h"

/* Prints the page's node counts (--count). */
static int count_page(const rc_component *root, const void *props, size_t props_size) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    rc_layout *l = rc_layout_new(root, props, props_size, &o);
    if (!l) return 1;
    rc_layout_flush(l);
    page_count c;
    page_count_layout(l, &c);
    rc_layout_commit(l);
    rc_layout_free(l);
    printf("RESULT dom_nodes=%zu elements=%zu components=%zu instances=%zu\n", c.dom_nodes,
           c.elements, c.components, c.instances);
    return 0;
}

int main(int argc, char **argv) {
    static page_table_props props = {0};
    bool list = false, count = false;
    /* Take our options out of argv; rc_app_parse_args parses the rest. */
    int n = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--state") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (strcmp(v, "root") == 0) props.state = PAGE_STATE_ROOT;
            else if (strcmp(v, "row") == 0) props.state = PAGE_STATE_ROW;
            else if (strcmp(v, "row-server") == 0) props.state = PAGE_STATE_ROW_SERVER;
            else {
                fprintf(stderr, "%s: --state must be root, row or row-server\n", argv[0]);
                return 2;
            }
            continue;
        }
        if (strcmp(argv[i], "--shape") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (strcmp(v, "table") == 0) list = false;
            else if (strcmp(v, "list") == 0) list = true;
            else {
                fprintf(stderr, "%s: --shape must be table or list\n", argv[0]);
                return 2;
            }
            continue;
        }
        if (strcmp(argv[i], "--count") == 0) {
            count = true;
            continue;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            printf("rows: --shape table|list (default table: 1,000-row table; list: ReactPy's\n"
                   "1,000-item list); --state root|row|row-server (table only, default root);\n"
                   "--count (print the page's node counts and exit); then:\n");
        argv[n++] = argv[i];
    }
    argv[n] = NULL;
    const rc_component *root = list ? &page_list_component : &page_table_component;
    const void *root_props = list ? NULL : &props;
    size_t root_props_size = list ? 0 : sizeof props;
    if (count) return count_page(root, root_props, root_props_size);
    rc_app app = {
        .title = list ? "list (1,000 items, ReactPy's page)" : "rows (1,000-row list)",
        .root = root,
        .root_props = root_props,
        .root_props_size = root_props_size,
    };
    int rc = rc_app_parse_args(&app, n, argv);
    if (rc) return rc > 0 ? 0 : 2;
    return rc_app_run(&app);
}
