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

/* Keys go into addresses ("Type[key]"): escape the characters that
 * structure an address so no key can forge another instance's address. */
static size_t escape_key(char *out, const char *key) {
    size_t o = 0;
    for (const char *p = key; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '/' || c == '[' || c == ']' || c == '@' || c == '%' || c == '#' || c < 0x20) {
            static const char hex[] = "0123456789ABCDEF";
            if (out) {
                out[o] = '%';
                out[o + 1] = hex[c >> 4];
                out[o + 2] = hex[c & 15];
            }
            o += 3;
        } else {
            if (out) out[o] = (char)c;
            o++;
        }
    }
    return o;
}

char *rc_segment_new(const rc_node *placeholder) {
    const rc_comp_node *c = rc_comp(placeholder);
    const char *name = c->type->name;
    size_t tlen = strlen(name);
    if (!c->key) {
        char num[24];
        int nl = snprintf(num, sizeof num, "#%u", c->ordinal);
        char *seg = rc_xmalloc(tlen + (size_t)nl + 1);
        memcpy(seg, name, tlen);
        memcpy(seg + tlen, num, (size_t)nl + 1);
        return seg;
    }
    /* "Type[key]", or "Type[key]#n" for the n-th repeat of the key. */
    size_t klen = escape_key(NULL, c->key->s);
    char num[24] = "";
    if (c->ordinal) snprintf(num, sizeof num, "#%u", c->ordinal);
    size_t nlen = strlen(num);
    char *seg = rc_xmalloc(tlen + klen + nlen + 3);
    memcpy(seg, name, tlen);
    seg[tlen] = '[';
    escape_key(seg + tlen + 1, c->key->s);
    seg[tlen + 1 + klen] = ']';
    memcpy(seg + tlen + 2 + klen, num, nlen + 1);
    return seg;
}

/* An instance's address ("/App/List#0/Item[17]") is built once and cached:
 * snapshots name every slot by it, and a 1,000-slot session would otherwise
 * rebuild the same prefixes recursively a thousand times. The cache is
 * dropped when the instance moves (rc_instance_forget_address), which also
 * changes the path hash of every descendant, so theirs are dropped as they
 * re-render. */
static const char *instance_address(rc_instance *inst, size_t *len) {
    if (!inst->address) {
        size_t plen = 0;
        const char *prefix = inst->parent ? instance_address(inst->parent, &plen) : "";
        size_t slen = strlen(inst->segment ? inst->segment : "?");
        inst->address = rc_xmalloc(plen + slen + 2);
        memcpy(inst->address, prefix, plen);
        inst->address[plen] = '/';
        memcpy(inst->address + plen + 1, inst->segment ? inst->segment : "?", slen + 1);
        inst->address_len = plen + 1 + slen;
    }
    *len = inst->address_len;
    return inst->address;
}

void rc_instance_forget_address(rc_instance *inst) {
    free(inst->address);
    inst->address = NULL;
}

size_t rc_instance_address(const rc_instance *inst, char *buf, size_t cap) {
    size_t len;
    const char *a = instance_address((rc_instance *)(uintptr_t)inst, &len);
    if (cap) snprintf(buf, cap, "%s", a);
    return len;
}

size_t rc_slot_address(const rc_instance *inst, const rc_hook *h, char *buf, size_t cap) {
    size_t len;
    const char *a = instance_address((rc_instance *)(uintptr_t)inst, &len);
    char suffix[48];
    size_t sl;
    const char *sfx = suffix;
    if (h->name) {
        sfx = h->name;
        sl = strlen(h->name);
    } else {
        int n = snprintf(suffix, sizeof suffix, "#%u", h->index);
        sl = n > 0 ? (size_t)n : 0;
    }
    size_t total = len + 1 + sl;
    if (total < cap) {
        memcpy(buf, a, len);
        buf[len] = '@';
        memcpy(buf + len + 1, sfx, sl);
        buf[total] = '\0';
    }
    return total;
}
