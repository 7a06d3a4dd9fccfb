/*
 * Stores left out (RC_WITH_STORES=OFF, docs/size.md): the server's two
 * calls into the layer do nothing. The core's write scopes stay, with no
 * commit hook set, and cost a counter each.
 */
#include "reactc_layout.h"

void rc_store_set_wake(void (*wake)(void *arg), void *arg) {
    (void)wake;
    (void)arg;
}

size_t rc_store_drain(void) { return 0; }

/* No store can exist: nothing keeps --workers from starting. */
const char *rc_store_find_shared(void);
const char *rc_store_find_shared(void) { return NULL; }
