/*
 * A build without the worker supervisor (RC_WITH_WORKERS=OFF,
 * docs/size.md): one process serves. --workers N (or auto, on a machine
 * of N cores) with N > 1 is refused at start, before anything listens: a
 * deployment sized for N processes must not run silently on one.
 */
#include <stdio.h>

#include "server/server.h"

int rc_run_supervisor(rc_app *cfg, int nworkers, rc_worker_fn worker, void *arg) {
    (void)cfg;
    (void)worker;
    (void)arg;
    fprintf(stderr,
            "reactc: --workers %d refused: this build of reactc runs one process (built without "
            "RC_WITH_WORKERS); run with --workers 1\n",
            nworkers);
    return 1;
}
