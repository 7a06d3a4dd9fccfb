/*
 * Run by scripts/size.sh against the build with stores and without their
 * persistence (RC_WITH_STORES=ON, RC_WITH_STORE_PERSIST=OFF, every other
 * option off): rc_store_persist must refuse (-1, the API's error), not
 * keep the store in memory as if it were saved; size.sh checks that the
 * logged reason names RC_WITH_STORE_PERSIST. The file must not appear.
 */
#include <stdio.h>
#include <unistd.h>

#include "reactc.h"

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "store_persist_off.store";
    unlink(path);
    rc_store *st = rc_store_new("settings", &(rc_value){.kind = RC_INT, .as.i = 0});
    if (!st) {
        fprintf(stderr, "store_persist_off: rc_store_new failed\n");
        return 1;
    }
    int rc = rc_store_persist(st, path);
    rc_store_free(st);
    if (rc != -1) {
        fprintf(stderr, "store_persist_off: rc_store_persist returned %d, not -1\n", rc);
        return 1;
    }
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "store_persist_off: %s was written\n", path);
        return 1;
    }
    return 0;
}
