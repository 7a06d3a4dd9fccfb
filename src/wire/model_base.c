/*
 * The base protocol's half of the model writer (model_base.h): React's
 * attribute forms and the layout-update message. Left out with
 * RC_WITH_REACTPY=OFF (model_base_off.c): reactc's own client never reads
 * them.
 */
#include "wire/model_base.h"

#include <string.h>

#include "wire/model.h"

/* React wants style as an object: "font-size: 12px; color: red" becomes
 * {"fontSize":"12px","color":"red"} (custom properties keep their name). */
static void write_style_object(rc_buf *b, const char *s) {
    rc_buf_putc(b, '{');
    bool first = true;
    while (*s) {
        const char *decl_end = strchr(s, ';');
        if (!decl_end) decl_end = s + strlen(s);
        const char *colon = memchr(s, ':', (size_t)(decl_end - s));
        if (colon) {
            const char *ns = s, *ne = colon, *vs = colon + 1, *ve = decl_end;
            while (ns < ne && (*ns == ' ' || *ns == '\t' || *ns == '\n')) ns++;
            while (ne > ns && (ne[-1] == ' ' || ne[-1] == '\t' || ne[-1] == '\n')) ne--;
            while (vs < ve && (*vs == ' ' || *vs == '\t' || *vs == '\n')) vs++;
            while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\n')) ve--;
            if (ne > ns) {
                char name[128];
                size_t o = 0;
                bool custom = ne - ns > 2 && ns[0] == '-' && ns[1] == '-';
                for (const char *p = ns; p < ne && o + 1 < sizeof name; p++) {
                    if (!custom && *p == '-' && p + 1 < ne) {
                        char c = *++p;
                        name[o++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
                    } else {
                        name[o++] = *p;
                    }
                }
                if (!first) rc_buf_putc(b, ',');
                first = false;
                rc_jw_string(b, name, o);
                rc_buf_putc(b, ':');
                rc_jw_string(b, vs, (size_t)(ve - vs));
            }
        }
        s = *decl_end ? decl_end + 1 : decl_end;
    }
    rc_buf_putc(b, '}');
}

void rc_wire_base_attribute(rc_buf *b, const char *name, const char *value) {
    if (strcmp(name, "class") == 0) name = "className";
    else if (strcmp(name, "for") == 0) name = "htmlFor";
    rc_jw_key(b, name);
    if (strcmp(name, "style") == 0) write_style_object(b, value);
    else rc_jw_str(b, value);
}

void rc_wire_layout_update(rc_buf *b, const rc_layout *l, const rc_region *r) {
    rc_jw_raw(b, "{\"type\":\"layout-update\",\"path\":\"");
    for (uint32_t i = 0; i < r->path_len; i++) {
        rc_jw_raw(b, "/children/");
        rc_jw_uint(b, r->path[i]);
    }
    rc_jw_raw(b, "\",\"model\":");
    const rc_node *n = r->path_len ? rc_wire_node_at(l, r->path, r->path_len) : NULL;
    if (n) rc_wire_model(b, n, RC_WIRE_BASE);
    else rc_wire_root_model(b, l, RC_WIRE_BASE);
    rc_buf_putc(b, '}');
}
