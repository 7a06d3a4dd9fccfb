/*
 * bench/store_saved: what the server pays each time the stores say a file
 * was written or a batch decided (rc_store_saved -> post.c's
 * on_store_saved), with one session waiting (a token held for the file)
 * among 0 to 100,000 idle ones. It used to walk every session, so its cost
 * grew with the idle ones (O(sessions) per decided batch, quadratic with
 * many writers); it walks the sessions that wait (session_wait.c), so the
 * figure should stay flat as the idle sessions grow.
 *
 * The server is the smallest one post.c needs (tests/common/
 * bare_server.h: a loop, its wake-up and idle watchers); sessions are
 * bare structs, the waiting one flagged as session_tokens.c flags it.
 * Usage: store_saved [calls]. "RESULT key=value" lines carry the figures
 * (nanoseconds per call, median of 21 rounds).
 */
#include <stdio.h>
#include <stdlib.h>

#include "server/session.h"
#include "store/marks.h"
#include "timing.h"

#include "../tests/common/bare_server.h"

enum { ROUNDS = 21 };

static double measure(size_t idle, int calls) {
    rc_server *s = bare_server_new(NULL);
    rc_session *all = calloc(idle + 1, sizeof *all);
    if (!all) abort();
    for (size_t i = 0; i <= idle; i++) {
        all[i].server = s;
        all[i].next = s->sessions;
        s->sessions = &all[i];
    }
    rc_session *waiting = &all[idle / 2]; /* the walk cannot stop early */
    double per_round[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = bench_now_us();
        for (int c = 0; c < calls; c++) {
            waiting->token_held = true;
            rc_session_wait(waiting);
            rc_store_saved();
            waiting->pending = false; /* as the flush takes it */
            s->pending = NULL;
        }
        per_round[r] = (bench_now_us() - t0) * 1000.0 / calls;
    }
    free(all);
    bare_server_free(s);
    return bench_median(per_round, ROUNDS);
}

int main(int argc, char **argv) {
    int calls = argc > 1 ? atoi(argv[1]) : 200;
    if (calls < 1) calls = 1;
    static const size_t idle[] = {0, 1000, 10000, 100000};
    for (size_t i = 0; i < sizeof idle / sizeof *idle; i++) {
        double ns = measure(idle[i], calls);
        printf("stores saved, 1 session waiting among %zu idle: %.0f ns per call\n", idle[i], ns);
        printf("RESULT store_saved_ns_idle_%zu=%.0f\n", idle[i], ns);
    }
    return 0;
}
