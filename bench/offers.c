/*
 * bench/offers: what a session showing an upload input costs the offers
 * table (src/server/transfer.c, its index transfer_offers.c) among 0 to
 * 100,000 other sessions that each show one: mounting it (a token drawn,
 * the offer claimed and indexed) and freeing it (its cleanup finds and
 * drops the offer), and looking a token up as a request does. The table
 * used to be scanned for each (up to 4,096 offers, sodium_memcmp each), so
 * both grew with the sessions; indexed by token, they should stay flat.
 *
 * Sessions are bare structs with a layout and a handle, as
 * test_transfer_offers.c makes them (no server or socket). Usage: offers
 * [calls]. "RESULT key=value" lines carry the figures (nanoseconds per
 * call, median of 21 rounds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/session.h"
#include "server/transfer.h"
#include "timing.h"

enum { ROUNDS = 21 };

static char last_token[RC_XFER_TOKEN_LEN + 1];

static void uploader(rc_ctx *ctx, const void *props) {
    (void)props;
    const char *url = rc_use_upload(ctx, &(rc_upload_opts){.max_bytes = 1024});
    const char *t = url ? strstr(url, "?t=") : NULL;
    snprintf(last_token, sizeof last_token, "%s", t ? t + 3 : "");
    RC_EL(ctx, "input", .type = "file") {}
}
static RC_COMPONENT(uploader);

static rc_session *session_new(void) {
    rc_session *se = calloc(1, sizeof *se);
    if (!se) abort();
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    se->layout = rc_layout_new(&uploader_component, NULL, 0, &o);
    rc_handle_acquire(se);
    rc_layout_flush(se->layout);
    rc_layout_commit(se->layout);
    return se;
}

static void session_free(rc_session *se) {
    rc_handle_release(se);
    rc_layout_free(se->layout);
    free(se);
}

static void measure(size_t others, int calls, double *mount_ns, double *get_ns) {
    rc_session **all = calloc(others + 1, sizeof *all);
    if (!all) abort();
    for (size_t i = 0; i < others; i++) all[i] = session_new();
    char probe[RC_XFER_TOKEN_LEN + 1];
    memcpy(probe, last_token, sizeof probe); /* the newest's: the scan's last */
    double mount[ROUNDS], get[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = bench_now_us();
        for (int c = 0; c < calls; c++) session_free(session_new());
        mount[r] = (bench_now_us() - t0) * 1000.0 / calls;
        size_t found = 0;
        t0 = bench_now_us();
        for (int c = 0; c < calls; c++) found += rc_xfer_offers_get(probe) != NULL;
        get[r] = (bench_now_us() - t0) * 1000.0 / calls;
        if (others && found != (size_t)calls) abort(); /* the bench measures a lookup that finds */
    }
    for (size_t i = 0; i < others; i++) session_free(all[i]);
    free(all);
    *mount_ns = bench_median(mount, ROUNDS);
    *get_ns = bench_median(get, ROUNDS);
}

int main(int argc, char **argv) {
    int calls = argc > 1 ? atoi(argv[1]) : 200;
    if (calls < 1) calls = 1;
    static const size_t others[] = {0, 1000, 4000, 10000, 100000};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        double mount, get;
        measure(others[i], calls, &mount, &get);
        printf("an upload input among %zu others: mount and free %.0f ns, token lookup %.0f ns\n",
               others[i], mount, get);
        printf("RESULT offers_mount_ns_%zu=%.0f offers_get_ns_%zu=%.0f\n", others[i], mount,
               others[i], get);
    }
    return 0;
}
