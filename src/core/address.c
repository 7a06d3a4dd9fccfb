/*
 * Addresses: stable, readable names of instances and slots. An instance's
 * segment is its type and key ("Item[17]") or its ordinal among unkeyed
 * siblings of its type ("TodoList#0"); its address chains the segments from
 * the root; a state slot's address adds the slot's explicit name or hook
 * index:
 *
 *     /App/TodoList#0/Item[17]@done     /Counter@#0
 *
 * Not file names or line numbers: those change with every edit and differ
 * between machines. Snapshots name slots by these addresses (slots.c), and
 * error messages name components by them.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "util/buf.h"

/* Keys go into addresses ("Type[key]"): escape the characters that
 * structure an address so no key can forge another instance's address. */
static void append_key(rc_buf *b, const rc_key *key) {
    static const char hex[] = "0123456789ABCDEF";
    for (uint32_t i = 0; i < key->len; i++) {
        unsigned char c = (unsigned char)key->s[i];
        if (c == '/' || c == '[' || c == ']' || c == '@' || c == '%' || c == '#' || c < 0x20) {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc_buf_append(b, esc, 3);
        } else {
            rc_buf_putc(b, (char)c);
        }
    }
}

static void append_number(rc_buf *b, char prefix, unsigned n) {
    char num[16];
    int len = snprintf(num, sizeof num, "%c%u", prefix, n);
    rc_buf_append(b, num, len > 0 ? (size_t)len : 0);
}

/* Why no instance keeps its segment or address: they were two strings per
 * instance (a list of 1,000 rows: 1,000 of each, ~80 bytes a row with
 * malloc's own), made from what the placeholder holds anyway. The slot
 * walk that names every slot of a snapshot (slots.c) builds the prefixes
 * as it descends, once per instance, so tokens do not rebuild them. */
void rc_segment_append(rc_buf *b, const rc_instance *inst) {
    const rc_comp_node *c = rc_comp(inst->placeholder);
    if (!inst->parent) { /* the root */
        rc_buf_append(b, c->type->name, strlen(c->type->name));
        return;
    }
    rc_buf_append(b, c->type->name, strlen(c->type->name));
    if (!c->key) {
        append_number(b, '#', c->ordinal);
        return;
    }
    /* "Type[key]", or "Type[key]#n" for the n-th repeat of the key. */
    rc_buf_putc(b, '[');
    append_key(b, c->key);
    rc_buf_putc(b, ']');
    if (c->ordinal) append_number(b, '#', c->ordinal);
}

void rc_slot_suffix_append(rc_buf *b, const rc_hook *h) {
    rc_buf_putc(b, '@');
    if (h->name) rc_buf_append(b, h->name, strlen(h->name));
    else append_number(b, '#', h->index);
}

static void append_address(rc_buf *b, const rc_instance *inst) {
    if (inst->parent) append_address(b, inst->parent);
    rc_buf_putc(b, '/');
    rc_segment_append(b, inst);
}

/* Copies b into buf as snprintf would and returns b's length. */
static size_t give(rc_buf *b, char *buf, size_t cap) {
    size_t len = b->len;
    if (cap) {
        size_t n = len < cap ? len : cap - 1;
        if (n) memcpy(buf, b->data, n);
        buf[n] = '\0';
    }
    rc_buf_free(b);
    return len;
}

size_t rc_instance_address(const rc_instance *inst, char *buf, size_t cap) {
    rc_buf b;
    rc_buf_init(&b);
    append_address(&b, inst);
    return give(&b, buf, cap);
}

size_t rc_slot_address(const rc_instance *inst, const rc_hook *h, char *buf, size_t cap) {
    rc_buf b;
    rc_buf_init(&b);
    append_address(&b, inst);
    rc_slot_suffix_append(&b, h);
    return give(&b, buf, cap);
}
