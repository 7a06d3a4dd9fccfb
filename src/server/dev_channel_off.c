/*
 * The dev channel left out (cmake -DRC_WITH_DEV_CHANNEL=OFF): compiled
 * instead of dev_channel.c, so a device build carries no hot-reload code.
 *
 * An app built this way never talks to `reactc-dev`: it ignores
 * REACTC_LISTEN_FD and REACTC_DEV_FD, listens on its own port as usual and
 * sends its pages no dev overlay (dev_status stays empty). Under the runner
 * it still serves, but a saved edit does not reach its pages.
 */
#include "server/server.h"

int rc_dev_listen_fd(void) { return -1; /* never the runner's socket */ }

void rc_dev_init(rc_server *s) {
    s->dev_fd = -1; /* no channel: rc_server's "or -1" */
    rc_buf_init(&s->dev_in);
    rc_buf_init(&s->dev_status); /* empty: not in dev */
}

void rc_dev_ready(rc_server *s) { (void)s; }

void rc_dev_free(rc_server *s) { (void)s; }
