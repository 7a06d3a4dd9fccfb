/*
 * rc_use_user: the signed-in user of the server's login (--auth-file or
 * the app's check_login; docs/security.md, "Login"). A plain read, not a
 * context: a session's user is fixed for its life, so nothing re-renders.
 */
#include <stdlib.h>

#include "core/host.h"
#include "core/internal.h"

void rc_layout_set_user_name(rc_layout *l, const char *user) {
    free(l->user_name);
    l->user_name = user && *user ? rc_xstrdup(user) : NULL;
}

const char *rc_use_user(rc_ctx *ctx) {
    rc_layout *l = rc_ctx_get_layout(ctx);
    return l ? l->user_name : NULL;
}
