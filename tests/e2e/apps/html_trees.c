/*
 * Random component trees for the property test of the server-rendered
 * first paint (tests/e2e/html_property.test.mjs). Not an app: a test
 * helper that, for each seed, renders a random tree once on a throwaway
 * layout (as a page request does) and prints one JSON line
 *   {"seed":N,"exact":true,"html":"...","model":{...}}
 * with the HTML of src/wire/html.c and the model of src/wire/model.c as
 * the first tree carries it (RC_WIRE_REACTC). The test parses the HTML in
 * a browser and compares it with what the client builds from the model.
 *
 *   html_trees FIRST COUNT [--loose]
 *
 * The trees follow the HTML content model where a parser would otherwise
 * move content (a block in a <p>, a <li> in a <li>, text straight in a
 * <table>, an HTML element in <svg>...): those cases cost only node
 * identity (docs/guide/first-paint.md) and are not what this test checks.
 * The same goes for what the writer leaves to the first tree (children
 * of void elements, several texts in a <textarea>, a <style> text with
 * "</", <script> content, unwritable tags): avoided in exact mode.
 * --loose makes trees with all of those too ("exact":false): for them the
 * test checks only that the first tree's reconcile repairs the page.
 *
 * Seeds are reproducible: the same seed makes the same tree on every
 * machine (xorshift64*, no libc rand).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reactc.h"
#include "reactc_layout.h"
#include "util/buf.h"
#include "wire/html.h"
#include "wire/json_writer.h"
#include "wire/model.h"

#include "../../common/rng.h" /* xorshift64*, shared with tests/unit/tree_gen.c */

/* ---- random numbers -------------------------------------------------------- */

static uint64_t g_rng = 1; /* tests/common/rng.h's state */

static size_t rndn(size_t n) { return test_rng_below(&g_rng, n); }
static bool chance(unsigned pct) { return rndn(100) < pct; }
static void seed_rng(uint64_t seed) { test_rng_seed(&g_rng, seed); }
#define PICK(a) ((a)[rndn(sizeof(a) / sizeof *(a))])

/* ---- description trees ------------------------------------------------------ */

enum { G_EL, G_TEXT, G_COMP };
#define MAXATTR 6

typedef struct gnode gnode;
typedef struct glist {
    gnode **v;
    size_t n;
} glist;

struct gnode {
    int kind;
    const char *tag; /* G_EL */
    const char *key; /* G_EL, G_COMP; NULL: unkeyed */
    const char *text;
    int nattrs;
    const char *an[MAXATTR], *av[MAXATTR];
    glist kids; /* element children or a component's roots */
};

/* Every node of one seed, freed together. */
static gnode **g_pool;
static size_t g_npool;

static gnode *node_new(int kind) {
    gnode *n = calloc(1, sizeof *n);
    gnode **pool = realloc(g_pool, (g_npool + 1) * sizeof *g_pool);
    if (!n || !pool) abort();
    g_pool = pool;
    g_pool[g_npool++] = n;
    n->kind = kind;
    return n;
}

static void push(glist *l, gnode *n) {
    gnode **v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v) abort();
    l->v = v;
    l->v[l->n++] = n;
}

static void pool_free(void) {
    for (size_t i = 0; i < g_npool; i++) {
        free(g_pool[i]->kids.v);
        free(g_pool[i]);
    }
    free(g_pool);
    g_pool = NULL;
    g_npool = 0;
}

/* ---- what trees are made of -------------------------------------------------- */

/* Texts: escapes, CR, leading newlines, comment-like and tag-like text,
 * non-ASCII, whitespace only. */
static const char *const TEXTS[] = {
    "a",      "hello world", "",        " ",         "x y", "<b>&amp;\"'</b>",
    "\nlead", "\n\nlead2",   "\n",      "a\r\nb\rc", "\r",  "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80",
    "&",      "<!--",        "-->",     "</p>",      "]]>", "\t tab",
    "&lt;",   "a&b;c",       "<!---->", "<!--,-->",  "0",   "trailing\n"};
/* Text that a table, row section or row takes where it stands. */
static const char *const TABLE_TEXTS[] = {"", " ", "\n", "\t", " \n "};
/* Raw text (<style>) the parser reads back as it is: no "</", no CR. */
static const char *const STYLE_TEXTS[] = {"p{color:red}", "a>b{x:\"&amp;\"}", "\n.c{}",
                                          "<!-- x -->"};
static const char *const KEYS[] = {"k1", "k2", "a\"b", "&amp;", "\xc3\xa9", "1", " ", "x y"};
static const char *const VALUES[] = {"",
                                     "a",
                                     "x\"y",
                                     "a&b",
                                     "&amp;",
                                     "<tag>",
                                     "\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
                                     "x\r\ny",
                                     " lead",
                                     "false",
                                     "true",
                                     "'single'",
                                     "a\nb"};
static const char *const HREFS[] = {"/rel",
                                    "https://example.org/?a=1&b=2",
                                    "mailto:a@b",
                                    "javascript:x",
                                    " JAVAscript:alert(1)",
                                    "java\tscript:x",
                                    "data:text/html,<b>",
                                    "#frag",
                                    "?q=\"1\""};
/* Attribute names any element may take. Names a parser or setAttribute
 * would not take are in BAD_NAMES (exact mode only when the client agrees,
 * see pick_attrs). */
static const char *const NAMES[] = {"id",          "className", "title",      "data-x",
                                    "lang",        "DATA-Up",   "aria-label", "onclick",
                                    "onMouseOver", "hidden",    "style",      "class"};
static const char *const BAD_NAMES[] = {"bad name", "a\"b", "x=y", "a/b", "a>b", "a<b", "a'b"};

/* What an element's children may be: the parser's view of where they stand. */
typedef enum ctx_kind {
    C_FLOW,     /* anything */
    C_PHRASING, /* inside a <p>: nothing that closes it */
    C_LIST,     /* <ul>, <ol>: <li> */
    C_TABLE,    /* <table>: caption, colgroup, sections, rows */
    C_SECTION,  /* <tbody>, <thead>, <tfoot>: rows */
    C_ROW,      /* <tr>: cells */
    C_COLGROUP, /* <colgroup>: col */
    C_SELECT,   /* <select>: options, optgroups */
    C_OPTGROUP, /* <optgroup>: options (another optgroup would close it) */
    C_OPTION,   /* <option>: text */
    C_SVG,      /* SVG elements */
    C_MATH,     /* MathML elements */
    C_MATHTEXT, /* <mi>, <mn>, <mo>: text */
} ctx_kind;

typedef struct gctx {
    ctx_kind kind;
    bool in_a;      /* an <a> is open (a second one would close it) */
    bool in_button; /* a <button> is open in scope */
    int depth;
} gctx;

typedef struct genp {
    int budget; /* nodes left */
    bool loose; /* also what the writer leaves to the first tree */
} genp;

static genp g;

static gnode *text_node(const char *t) {
    gnode *n = node_new(G_TEXT);
    n->text = t;
    return n;
}

static bool has_attr(const gnode *n, const char *name) {
    const char *alias = strcmp(name, "className") == 0 ? "class"
                        : strcmp(name, "class") == 0   ? "className"
                        : strcmp(name, "htmlFor") == 0 ? "for"
                        : strcmp(name, "for") == 0     ? "htmlFor"
                                                       : name;
    for (int i = 0; i < n->nattrs; i++)
        if (strcmp(n->an[i], name) == 0 || strcmp(n->an[i], alias) == 0) return true;
    return false;
}

static void add_attr(gnode *n, const char *name, const char *value) {
    if (n->nattrs == MAXATTR || has_attr(n, name)) return;
    n->an[n->nattrs] = name;
    n->av[n->nattrs] = value;
    n->nattrs++;
}

/* Attributes by tag: URLs, form fields' values, booleans as strings. */
static void pick_attrs(gnode *n, bool foreign) {
    const char *t = n->tag;
    if (strcmp(t, "a") == 0 && chance(70)) add_attr(n, "href", PICK(HREFS));
    if (strcmp(t, "img") == 0 && chance(60)) add_attr(n, "src", PICK(HREFS));
    if (strcmp(t, "label") == 0 && chance(60)) add_attr(n, "htmlFor", PICK(VALUES));
    if (strcmp(t, "input") == 0) {
        static const char *const TYPES[] = {"text", "checkbox", "radio", "hidden"};
        const char *type = PICK(TYPES);
        if (chance(80)) add_attr(n, "type", type);
        if (chance(50)) add_attr(n, "value", PICK(VALUES));
        if (chance(50)) add_attr(n, "checked", chance(50) ? "false" : PICK(VALUES));
    }
    if (strcmp(t, "option") == 0) {
        if (chance(40)) add_attr(n, "selected", chance(50) ? "false" : "true");
        if (chance(40)) add_attr(n, "value", PICK(VALUES));
    }
    /* A textarea's and a select's value: not in the HTML (the first tree
     * sets them, docs/guide/first-paint.md). */
    if (g.loose && strcmp(t, "textarea") == 0 && chance(30)) add_attr(n, "value", PICK(VALUES));
    if (strcmp(t, "svg") == 0 && chance(50)) add_attr(n, "viewBox", "0 0 10 10");
    if (strcmp(t, "rect") == 0 && chance(50)) add_attr(n, "fill", PICK(VALUES));
    int count = (int)rndn(4);
    for (int i = 0; i < count; i++) {
        const char *name = PICK(NAMES);
        /* On SVG and MathML elements a parser lowercases names it does not
         * know (DATA-Up), setAttribute keeps them: the first tree repairs
         * the attribute (loose trees only). */
        if (foreign && !g.loose && strcmp(name, "DATA-Up") == 0) continue;
        add_attr(n, name, PICK(VALUES));
    }
    if (g.loose && chance(10)) add_attr(n, PICK(BAD_NAMES), "v");
}

static const char *pick_key(const glist *siblings) {
    if (!chance(40)) return NULL;
    const char *k = PICK(KEYS);
    for (size_t i = 0; i < siblings->n; i++)
        if (siblings->v[i]->key && strcmp(siblings->v[i]->key, k) == 0) return NULL;
    return k;
}

static glist gen_list(gctx c, size_t maxlen);

static gnode *element(const char *tag, gctx inner, size_t maxkids, bool foreign) {
    gnode *n = node_new(G_EL);
    n->tag = tag;
    pick_attrs(n, foreign);
    if (maxkids && g.budget > 0) n->kids = gen_list(inner, maxkids);
    return n;
}

static gctx in(gctx c, ctx_kind k) {
    c.kind = k;
    c.depth++;
    return c;
}

/* One text child at most (RCDATA), starting with a newline now and then. */
static gnode *rcdata(const char *tag) {
    gnode *n = node_new(G_EL);
    n->tag = tag;
    pick_attrs(n, false);
    size_t count = g.loose ? rndn(4) : rndn(2);
    for (size_t i = 0; i < count; i++) {
        const char *t = PICK(TEXTS);
        /* an empty text alone: no comment can stand for it in RCDATA */
        if (!*t && !g.loose) t = "a";
        push(&n->kids, text_node(t));
    }
    return n;
}

static gnode *style_el(bool foreign) {
    gnode *n = node_new(G_EL);
    n->tag = "style";
    if (chance(70)) push(&n->kids, text_node(foreign || g.loose ? PICK(TEXTS) : PICK(STYLE_TEXTS)));
    return n;
}

/* A select's value that one of its options has (the HTML can say only
 * those: src/wire/html.c marks that option selected): an option's value
 * attribute, or its text. */
static const char *option_value(const gnode *o) {
    static const char *const PLAIN[] = {"a", "hello world", "x y", "0", "&", "-->"};
    for (int a = 0; a < o->nattrs; a++)
        if (strcmp(o->an[a], "value") == 0) return o->av[a];
    if (o->kids.n != 1 || o->kids.v[0]->kind != G_TEXT) return NULL;
    const char *t = o->kids.v[0]->text;
    for (size_t p = 0; p < sizeof PLAIN / sizeof *PLAIN; p++)
        if (strcmp(t, PLAIN[p]) == 0) return PLAIN[p];
    /* white space round a text: the value is the text stripped */
    if (strcmp(t, "\t tab") == 0) return "tab";
    if (strcmp(t, "\n\nlead2") == 0) return "lead2";
    return NULL;
}

static void pick_select_value(gnode *s) {
    for (size_t i = 0; i < s->kids.n; i++) {
        const gnode *o = s->kids.v[rndn(s->kids.n)];
        const char *v = o->kind == G_EL && strcmp(o->tag, "option") == 0 ? option_value(o) : NULL;
        if (v) {
            add_attr(s, "value", v);
            return;
        }
    }
}

/* An element that may stand in flow (phrasing false) or phrasing content. */
static gnode *html_element(gctx c, bool phrasing) {
    gctx flow = in(c, phrasing ? C_PHRASING : C_FLOW);
    unsigned r = (unsigned)rndn(phrasing ? 48 : 100); /* 0..11: phrasing */
    switch (r / 4) {
    case 0: return element("span", flow, 3, false);
    case 1:
        if (c.in_a) return element("b", flow, 3, false);
        flow.in_a = true;
        return element("a", flow, 3, false);
    case 2:
        return element(PICK(((const char *const[]){"b", "em", "code", "label"})), flow, 3, false);
    case 3:
        return element(PICK(((const char *const[]){"br", "img", "input", "wbr"})), flow, 0, false);
    case 4: return rcdata("textarea");
    case 5: return style_el(false);
    case 6: {
        gnode *s = element("select", in(c, C_SELECT), 4, false);
        if (g.loose && chance(30)) add_attr(s, "value", PICK(VALUES));
        else if (chance(40)) pick_select_value(s);
        return s;
    }
    case 7: return element("svg", in(c, C_SVG), 4, true);
    case 8: return element("math", in(c, C_MATH), 3, true);
    case 9:
        if (c.in_button) return element("span", flow, 3, false);
        flow.in_button = true;
        flow.kind = C_FLOW; /* a button is a scope: a <p> in it is its own */
        return element("button", flow, 3, false);
    case 10: return element("span", flow, 2, false);
    case 11: return element("code", flow, 2, false);
    case 12: return element("div", in(c, C_FLOW), 4, false);
    case 13: return element("p", in(c, C_PHRASING), 4, false);
    case 14: return element(PICK(((const char *const[]){"ul", "ol"})), in(c, C_LIST), 4, false);
    case 15: return element("table", in(c, C_TABLE), 4, false);
    case 16:
        return element(PICK(((const char *const[]){"pre", "listing"})), in(c, C_FLOW), 3, false);
    case 17:
        return element(PICK(((const char *const[]){"section", "blockquote"})), in(c, C_FLOW), 3,
                       false);
    case 19: /* a heading in a heading would close it: phrasing only */
        return element(PICK(((const char *const[]){"h2", "h3"})), in(c, C_PHRASING), 3, false);
    case 18: return element("hr", flow, 0, false);
    default: return element("div", in(c, C_FLOW), 3, false);
    }
}

/* A cell, caption: a fresh scope (and a marker: an <a> in it is its own). */
static gctx cell(gctx c) {
    gctx k = in(c, C_FLOW);
    k.in_a = k.in_button = false;
    return k;
}

static gnode *gen_node(gctx c, const glist *siblings) {
    g.budget--;
    bool leaf = c.depth >= 6 || g.budget <= 0;
    if (chance(12) && !leaf) { /* a component: its roots are spliced here */
        gnode *n = node_new(G_COMP);
        n->key = pick_key(siblings);
        n->kids = gen_list(c, 3);
        return n;
    }
    gnode *n = NULL;
    switch (c.kind) {
    case C_FLOW:
    case C_PHRASING:
        if (leaf || chance(35)) return text_node(PICK(TEXTS));
        n = html_element(c, c.kind == C_PHRASING);
        break;
    case C_LIST:
        if (chance(15)) return text_node(PICK(TABLE_TEXTS));
        n = element("li", in(c, C_FLOW), leaf ? 0 : 3, false);
        break;
    case C_TABLE:
        if (chance(15)) return text_node(PICK(TABLE_TEXTS));
        switch (rndn(8)) {
        case 0: n = element("caption", cell(c), leaf ? 0 : 2, false); break;
        case 1: n = element("colgroup", in(c, C_COLGROUP), 2, false); break;
        case 2:
            n = element(PICK(((const char *const[]){"tbody", "thead", "tfoot"})), in(c, C_SECTION),
                        leaf ? 0 : 3, false);
            break;
        default: n = element("tr", in(c, C_ROW), leaf ? 0 : 3, false);
        }
        break;
    case C_SECTION:
        if (chance(15)) return text_node(PICK(TABLE_TEXTS));
        n = element("tr", in(c, C_ROW), leaf ? 0 : 3, false);
        break;
    case C_ROW:
        if (chance(15)) return text_node(PICK(TABLE_TEXTS));
        n = element(chance(70) ? "td" : "th", cell(c), leaf ? 0 : 3, false);
        break;
    case C_COLGROUP:
        if (chance(20)) return text_node(PICK(TABLE_TEXTS));
        n = element("col", c, 0, false);
        break;
    case C_SELECT:
    case C_OPTGROUP:
        if (chance(10)) return text_node("");
        if (c.kind == C_SELECT && chance(15) && !leaf)
            n = element("optgroup", in(c, C_OPTGROUP), 3, false);
        else n = element("option", in(c, C_OPTION), 2, false);
        break;
    case C_OPTION: return text_node(PICK(TEXTS));
    case C_SVG:
        if (leaf || chance(30)) return text_node(PICK(TEXTS));
        switch (rndn(8)) {
        case 0: n = element("g", in(c, C_SVG), 3, true); break;
        case 1: n = element("rect", in(c, C_SVG), 1, true); break;
        case 2: n = element("text", in(c, C_SVG), 3, true); break;
        case 3: n = element("linearGradient", in(c, C_SVG), 2, true); break;
        case 4: n = style_el(true); break;
        case 5: n = element("clipPath", in(c, C_SVG), 2, true); break;
        default: {
            gctx html = in(c, C_FLOW);
            html.in_button = false; /* foreignObject is a scope */
            n = element("foreignObject", html, 3, true);
        }
        }
        break;
    case C_MATH:
        if (leaf || chance(25)) return text_node(PICK(TEXTS));
        switch (rndn(4)) {
        case 0: n = element("mrow", in(c, C_MATH), 3, true); break;
        case 1: n = element("mfrac", in(c, C_MATH), 2, true); break;
        default:
            n = element(PICK(((const char *const[]){"mi", "mn", "mo"})), in(c, C_MATHTEXT), 2,
                        true);
        }
        break;
    case C_MATHTEXT: return text_node(PICK(TEXTS));
    }
    n->key = pick_key(siblings);
    return n;
}

/* What exact mode leaves out: written differently by design, repaired by
 * the first tree (docs/guide/first-paint.md). */
static gnode *loose_node(gctx c) {
    switch (rndn(6)) {
    case 0: return element("div", in(c, C_FLOW), 3, false); /* in a <p>: the parser closes it */
    case 1: {
        gnode *n = element("br", c, 0, false);
        push(&n->kids, text_node("void child"));
        return n;
    }
    case 2: return element("script", c, 0, false);
    case 3:
        return element(PICK(((const char *const[]){"template", "body", "image", "plaintext"})),
                       in(c, C_FLOW), 2, false);
    case 4: return text_node("text in a table?");
    default: {
        gnode *n = style_el(false);
        push(&n->kids, text_node("</style><b>x</b>"));
        return n;
    }
    }
}

static glist gen_list(gctx c, size_t maxlen) {
    glist l = {0};
    size_t n = rndn(maxlen + 1);
    for (size_t i = 0; i < n && g.budget > 0; i++) {
        if (g.loose && chance(4)) push(&l, loose_node(c));
        else push(&l, gen_node(c, &l));
    }
    return l;
}

/* ---- rendering a description --------------------------------------------------- */

typedef struct gprops {
    const gnode *n;
} gprops;

static const glist *g_roots;

static void render_list(rc_ctx *ctx, const glist *l);

static void Part(rc_ctx *ctx, const void *props) {
    render_list(ctx, &((const gprops *)props)->n->kids);
}
static RC_COMPONENT(Part);

static void Root(rc_ctx *ctx, const void *props) {
    (void)props;
    render_list(ctx, g_roots);
}
static RC_COMPONENT(Root);

static void render_list(rc_ctx *ctx, const glist *l) {
    for (size_t i = 0; i < l->n; i++) {
        const gnode *n = l->v[i];
        if (n->kind == G_TEXT) {
            rc_text(ctx, n->text);
        } else if (n->kind == G_COMP) {
            gprops p = {n};
            rc_child(ctx, &Part_component, n->key, &p, sizeof p);
        } else {
            rc_open(ctx, n->tag, &(rc_el_opts){.key = n->key});
            for (int a = 0; a < n->nattrs; a++) rc_attr(ctx, n->an[a], n->av[a]);
            render_list(ctx, &n->kids);
            rc_close(ctx);
        }
    }
}

static void quiet(void *user, rc_log_level level, const char *message) {
    (void)user, (void)level, (void)message;
}

/* One seed: the tree, its HTML and model as one JSON line on stdout. */
static int one(uint64_t seed, bool loose) {
    seed_rng(seed);
    g.budget = 20 + (int)rndn(60);
    g.loose = loose;
    gctx top = {.kind = C_FLOW};
    glist roots = gen_list(top, 6);
    g_roots = &roots;
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = quiet;
    o.hide_errors = true;
    rc_layout *l = rc_layout_new(&Root_component, NULL, 0, &o);
    if (!l) return -1;
    rc_layout_flush(l);
    rc_buf html, out;
    rc_buf_init(&html);
    rc_buf_init(&out);
    int rc = rc_wire_html(&html, l, (size_t)1 << 22);
    rc_jw_raw(&out, "{\"seed\":");
    rc_jw_uint(&out, seed);
    rc_jw_raw(&out, loose ? ",\"exact\":false,\"html\":" : ",\"exact\":true,\"html\":");
    rc_jw_string(&out, html.data ? html.data : "", html.len);
    rc_jw_raw(&out, ",\"model\":");
    rc_wire_root_model(&out, l, RC_WIRE_COMPACT); /* as reactc's client asks */
    rc_jw_raw(&out, "}\n");
    fwrite(out.data, 1, out.len, stdout);
    rc_buf_free(&html);
    rc_buf_free(&out);
    rc_layout_free(l);
    free(roots.v);
    pool_free();
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s FIRST COUNT [--loose]\n", argv[0]);
        return 2;
    }
    uint64_t first = strtoull(argv[1], NULL, 10), count = strtoull(argv[2], NULL, 10);
    bool loose = argc > 3 && strcmp(argv[3], "--loose") == 0;
    for (uint64_t s = first; s < first + count; s++)
        if (one(s, loose) != 0) return 1;
    return fflush(stdout) == 0 ? 0 : 1;
}
