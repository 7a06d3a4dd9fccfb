/*
 * bench/load/pages: the big pages of the benchmarks, shared by the server
 * that serves them (bench/load/rows.c) and the in-process figures
 * (bench/diff.c), so that both measure the same page.
 *
 *   table: 1,000 keyed row components, each a <tr> with four cells, texts
 *          and a button, under a <button id="bump">; where the rows' data
 *          lives is a prop (PAGE_STATE_*), see rows.c.
 *   list:  ReactPy 1.1.0's 1,000-item list page: ONE component rendering a
 *          <button id="bump">, a <p> with the click count and a <ul> of
 *          1,000 keyed <li> "Row i: value v" (issue 20's anchor for a fair
 *          comparison, measured there at 0.94 MiB per idle session).
 *
 * Each click on "bump" changes one row's value, round robin (click k
 * changes row k mod 1000): a patch of one text.
 */
#ifndef BENCH_LOAD_PAGES_H
#define BENCH_LOAD_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include <reactc.h>
#include <reactc_layout.h>

enum { PAGE_ROWS = 1000 };

enum { PAGE_STATE_ROOT, PAGE_STATE_ROW, PAGE_STATE_ROW_SERVER };

/* The table's props: where the rows' data lives. */
typedef struct page_table_props {
    int32_t state; /* PAGE_STATE_* */
} page_table_props;

extern const rc_component page_table_component; /* props: page_table_props */
extern const rc_component page_list_component;  /* props: none */

/* What a mounted page holds, read through the embedder API. */
typedef struct page_count {
    size_t dom_nodes;  /* elements and texts: what the browser's DOM holds */
    size_t elements;   /* of which elements */
    size_t components; /* component nodes in the tree (transparent in the DOM) */
    size_t instances;  /* rc_layout_count_instances */
} page_count;

/* Counts the nodes of layout's current tree (after a flush); components are
 * followed to their output, as the wire layer does. */
void page_count_layout(const rc_layout *layout, page_count *out);

#endif
