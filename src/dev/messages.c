/*
 * The dev messages to the pages. The runner writes them to the versions
 * that serve or are about to (src/server/dev_channel.c is their end), and
 * each passes them on to its pages: the status (the error the overlay
 * shows, or none) and restyle (refetch the stylesheets).
 */
#include <stdlib.h>

#include "dev/runner.h"

char *dev_status_now(void) { return dev_status_line(R.has_error ? &R.error : NULL); }

void dev_send_status(void) {
    char *line = dev_status_now();
    if (!line) return;
    if (R.cur) dev_child_send(R.cur, line);
    if (R.next) dev_child_send(R.next, line);
    free(line);
}

void dev_send_restyle(void) {
    static const char line[] = "{\"type\":\"restyle\"}\n";
    if (R.cur) dev_child_send(R.cur, line);
    if (R.next) dev_child_send(R.next, line);
}
