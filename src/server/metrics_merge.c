/*
 * One scrape's text from many workers' (docs/deploy.md "Metrics"): every
 * worker renders its own counters (metrics.c); the supervisor merges them
 * into one exposition where each sample carries worker="<index>". The
 * text format asks for a metric family's lines to be together, under one
 * HELP and one TYPE, so the texts cannot just be concatenated: samples are
 * grouped by family, families kept in the order they first appear.
 *
 * The input is our own renderer's output (a worker is our code, not a
 * stranger), but it is read defensively anyway: a line that is not a
 * sample or a HELP/TYPE comment is skipped, never trusted to be one.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/metrics.h"
#include "util/alloc.h"

typedef struct family {
    const char *name; /* points into a part's text, valid during the merge */
    size_t name_len;
    const char *help, *type; /* whole lines, '\n' included, or NULL */
    size_t help_len, type_len;
    rc_buf samples;
} family;

typedef struct families {
    family *v;
    size_t n, cap;
} families;

static family *find(families *fs, const char *name, size_t len) {
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i].name_len == len && memcmp(fs->v[i].name, name, len) == 0) return &fs->v[i];
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 32;
        fs->v = rc_xrealloc(fs->v, fs->cap * sizeof *fs->v);
    }
    family *f = &fs->v[fs->n++];
    memset(f, 0, sizeof *f);
    f->name = name;
    f->name_len = len;
    rc_buf_init(&f->samples);
    return f;
}

/* "# HELP name ..." or "# TYPE name ...": the family it opens (its line
 * kept the first time), or NULL for any other comment. */
static family *header_line(families *fs, const char *line, size_t len) {
    bool help = len > 7 && memcmp(line, "# HELP ", 7) == 0;
    bool type = len > 7 && memcmp(line, "# TYPE ", 7) == 0;
    if (!help && !type) return NULL;
    const char *name = line + 7, *end = memchr(name, ' ', len - 7);
    if (!end || end == name) return NULL;
    family *f = find(fs, name, (size_t)(end - name));
    if (help && !f->help) {
        f->help = line;
        f->help_len = len + 1;
    } else if (type && !f->type) {
        f->type = line;
        f->type_len = len + 1;
    }
    return f;
}

/* `name value` or `name{labels} value`, the value a whole number (our
 * renderer writes no timestamps). */
static bool is_sample(const char *line, size_t len) {
    const char *sp = line + len;
    while (sp > line && sp[-1] != ' ') sp--;
    if (sp == line || sp == line + len || sp - 1 == line) return false;
    char num[48], *end;
    size_t vl = (size_t)(line + len - sp);
    if (vl >= sizeof num) return false;
    memcpy(num, sp, vl);
    num[vl] = '\0';
    strtod(num, &end);
    if (*end) return false;
    size_t nl = 0;
    while (nl < len && (isalnum((unsigned char)line[nl]) || line[nl] == '_' || line[nl] == ':'))
        nl++;
    if (nl == 0) return false;
    if (line[nl] == ' ') return line + nl + 1 == sp;
    return line[nl] == '{' && sp[-2] == '}';
}

/* name{labels} value -> name{worker="i",labels} value, in its family: the
 * one whose header came last when the name belongs to it (reactc_x_total
 * under reactc_x_total), else one of the sample's own name. */
static void sample_line(families *fs, family *cur, const char *line, size_t len, int worker) {
    if (!is_sample(line, len)) return;
    size_t nl = 0;
    while (line[nl] != '{' && line[nl] != ' ') nl++;
    if (!cur || cur->name_len > nl || memcmp(cur->name, line, cur->name_len) != 0)
        cur = find(fs, line, nl);
    char label[32];
    int ll = snprintf(label, sizeof label, "{worker=\"%d\"", worker);
    rc_buf_append(&cur->samples, line, nl);
    rc_buf_append(&cur->samples, label, (size_t)ll);
    if (line[nl] == '{') {
        if (line[nl + 1] != '}') rc_buf_putc(&cur->samples, ',');
        rc_buf_append(&cur->samples, line + nl + 1, len - nl - 1);
    } else {
        rc_buf_putc(&cur->samples, '}');
        rc_buf_append(&cur->samples, line + nl, len - nl);
    }
    rc_buf_putc(&cur->samples, '\n');
}

static void read_part(families *fs, const rc_metrics_part *p) {
    family *cur = NULL;
    const char *s = p->text, *end = p->text + p->len;
    while (s < end) {
        const char *eol = memchr(s, '\n', (size_t)(end - s));
        if (!eol) break; /* a cut last line: not a sample */
        size_t len = (size_t)(eol - s);
        if (len && s[0] == '#') cur = header_line(fs, s, len);
        else if (len) sample_line(fs, cur, s, len, p->worker);
        s = eol + 1;
    }
}

void rc_metrics_merge(const rc_metrics_part *parts, size_t n, rc_buf *out) {
    static const char up_head[] =
        "# HELP reactc_worker_up 1 when the worker answered this scrape in time, else 0 (its "
        "series are left out).\n# TYPE reactc_worker_up gauge\n";
    rc_buf_append(out, up_head, sizeof up_head - 1);
    for (size_t i = 0; i < n; i++) {
        char line[64];
        int l = snprintf(line, sizeof line, "reactc_worker_up{worker=\"%d\"} %d\n", parts[i].worker,
                         parts[i].up ? 1 : 0);
        rc_buf_append(out, line, (size_t)l);
    }
    families fs = {0};
    for (size_t i = 0; i < n; i++)
        if (parts[i].up) read_part(&fs, &parts[i]);
    for (size_t i = 0; i < fs.n; i++) {
        family *f = &fs.v[i];
        if (f->help) rc_buf_append(out, f->help, f->help_len);
        if (f->type) rc_buf_append(out, f->type, f->type_len);
        if (f->samples.len) rc_buf_append(out, f->samples.data, f->samples.len);
        rc_buf_free(&f->samples);
    }
    free(fs.v);
}
