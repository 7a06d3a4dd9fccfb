/*
 * tally: the app of the chaos test with Redis (tests/chaos/redis.test.mjs)
 * and of bench/redis. One click does three things in one handler, so that
 * the test can compare them:
 *
 *   - the tab's own counter, a state slot (in the tab's token): #count;
 *   - the shared counter every tab increments, a store: #total;
 *   - one item per event in the collection "log", keyed by the event's
 *     idempotency key ("<session id>:<seq>"), incremented by 1.
 *
 * The two store writes are one batch: committed together (through Redis
 * with --redis) or refused together. A refused batch (completion -1, e.g.
 * while Redis is down) adds 1 to the slot "refused" (#refused), so the tab
 * can tell its clicks whose shared write never happened (and the slot
 * "refused_seqs", #refused-seqs, keeps their seqs). A batch that
 * commits leaves its event in the log with the value 1; an item of 2 would
 * be a store write applied twice.
 *
 * /audit renders what this process holds of the log: the number of items,
 * their sum, the items that are not 1, the items per session, and the
 * shared counter (the chaos test compares it with Redis and with the
 * tabs). --bench: no log (bench/redis measures the shared counter alone).
 * --probe prints whether the library shares stores through Redis (built
 * with TALLY_REDIS_STORES: the Redis store backend, src/redis/stores.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <reactc.h>

static rc_store *total; /* RC_INT: every tab's confirmed clicks */
static rc_store *log_;  /* collection: "<session>:<seq>" -> times committed */
static bool bench_mode;

typedef struct slots {
    rc_state *count;
    rc_state *refused;
    rc_state *refused_seqs;
} slots;

/* A completion may come after its session went away: the slot is used only
 * while the session is there (a post to a gone session returns -1 at once,
 * and the session, its root and its slots live as long as one another). */
typedef struct pending {
    rc_session_handle session;
    rc_state *refused, *refused_seqs;
    uint64_t seq;
    char key[96]; /* the event's idempotency key, for the trace */
} pending;

/* TALLY_TRACE=1: every decided batch on stderr, "tally: KEY status S", so
 * that a failing test can tell which process decided an event how. */
static bool trace;

/* The seqs of the last refused events, " 12 13 14" (at most about
 * REFUSED_SEQS_MAX bytes: the oldest go first), so that a test can name
 * the events it finds both refused and committed. */
#define REFUSED_SEQS_MAX 480

static void nothing(rc_layout *layout, void *arg) {
    (void)layout;
    (void)arg;
}

static void decided(int status, void *user) {
    pending *p = user;
    if (trace) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(stderr, "tally: %s status %d at %lld\n", p->key, status,
                (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    }
    if (status != 0 && rc_session_handle_post(p->session, nothing, NULL) == 0) {
        rc_state_set_int(p->refused, rc_state_get_int(p->refused) + 1);
        char buf[REFUSED_SEQS_MAX + 32];
        const char *old = rc_state_get_string(p->refused_seqs);
        size_t len = strlen(old);
        if (len > REFUSED_SEQS_MAX) { /* drop the oldest, up to a space */
            const char *cut = strchr(old + len - REFUSED_SEQS_MAX, ' ');
            old = cut ? cut : old + len;
        }
        snprintf(buf, sizeof buf, "%s %llu", old, (unsigned long long)p->seq);
        rc_state_set_string(p->refused_seqs, buf);
    }
    free(p);
}

#ifdef TALLY_REDIS_STORES
/* Atomic adds: done in Redis with --redis, so they never conflict. */
static void add_total(void) { rc_store_add_int(total, 1); }
static void add_log(const char *key) { rc_store_add_item_int(log_, key, 1); }
#else
/* Without the Redis backend in the library: +1 by read-modify-write. */
static void plus_one(rc_value *v, void *arg) {
    (void)arg;
    int64_t n = rc_value_get_int(v, 0);
    rc_value_free(v);
    *v = (rc_value){.kind = RC_INT, .as.i = n + 1};
}
static void add_total(void) { rc_store_update(total, plus_one, NULL); }
static void add_log(const char *key) { rc_store_update_item(log_, key, plus_one, NULL); }
#endif

static void increment(rc_event *ev, void *user) {
    slots *s = user;
    pending *p = malloc(sizeof *p);
    if (!p) abort();
    rc_event_get_idempotency_key(ev, p->key, sizeof p->key);
    rc_state_set_int(s->count, rc_state_get_int(s->count) + 1);
    add_total();
    if (!bench_mode) add_log(p->key);
    p->session = rc_layout_get_session_handle(rc_event_get_layout(ev));
    p->refused = s->refused;
    p->refused_seqs = s->refused_seqs;
    p->seq = rc_event_get_seq(ev);
    rc_store_batch_on_done(decided, p);
}

static void tab(rc_ctx *ctx) {
    slots *s = rc_use_ref(ctx, sizeof *s);
    s->count = rc_use_int(ctx, "count", 0);
    s->refused = rc_use_int(ctx, "refused", 0);
    s->refused_seqs = rc_use_string(ctx, "refused_seqs", "");
    RC_EL(ctx, "main") {
        RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", increment, s)) {
            rc_text(ctx, "+1");
        }
        RC_EL(ctx, "p") {
            rc_text(ctx, "mine ");
            RC_EL(ctx, "span", .id = "count") {
                rc_textf(ctx, "%lld", (long long)rc_state_get_int(s->count));
            }
            rc_text(ctx, ", refused ");
            RC_EL(ctx, "span", .id = "refused") {
                rc_textf(ctx, "%lld", (long long)rc_state_get_int(s->refused));
            }
            RC_EL(ctx, "span", .id = "refused-seqs", .class_ = "seqs") {
                rc_text(ctx, rc_state_get_string(s->refused_seqs));
            }
            rc_text(ctx, ", everyone's ");
            RC_EL(ctx, "span", .id = "total") {
                rc_textf(ctx, "%lld", (long long)rc_value_get_int(rc_use_store(ctx, total), 0));
            }
        }
    }
}

/* Items per session id (the part of the key before ':'). */
typedef struct per_session {
    char id[64];
    long long items;
} per_session;

static void audit(rc_ctx *ctx) {
    size_t n = rc_store_count_items(log_);
    long long sum = 0, odd = 0;
    per_session *ps = NULL;
    size_t nps = 0, cap = 0;
    RC_EL(ctx, "main") {
        RC_EL(ctx, "ul", .id = "audit-odd") {
            for (size_t i = 0; i < n; i++) {
                const char *key = rc_store_get_key(log_, i);
                long long v = (long long)rc_value_get_int(rc_store_get_item(log_, key), 0);
                sum += v;
                if (v != 1) {
                    if (odd++ < 20)
                        RC_EL(ctx, "li", .key = key) rc_textf(ctx, "%s=%lld", key, v);
                }
                const char *colon = strchr(key, ':');
                size_t len = colon ? (size_t)(colon - key) : strlen(key);
                if (len >= sizeof ps->id) len = sizeof ps->id - 1;
                size_t j = 0;
                while (j < nps && !(strncmp(ps[j].id, key, len) == 0 && ps[j].id[len] == '\0')) j++;
                if (j == nps) {
                    if (nps == cap) {
                        cap = cap ? cap * 2 : 64;
                        ps = realloc(ps, cap * sizeof *ps);
                        if (!ps) abort();
                    }
                    memcpy(ps[nps].id, key, len);
                    ps[nps].id[len] = '\0';
                    ps[nps++].items = 0;
                }
                ps[j].items += v;
            }
        }
        RC_EL(ctx, "span", .id = "audit-items") rc_textf(ctx, "%zu", n);
        RC_EL(ctx, "span", .id = "audit-sum") rc_textf(ctx, "%lld", sum);
        RC_EL(ctx, "span", .id = "audit-odd-count") rc_textf(ctx, "%lld", odd);
        RC_EL(ctx, "span", .id = "audit-total") {
            rc_textf(ctx, "%lld", (long long)rc_store_get_int(total));
        }
        RC_EL(ctx, "ul", .id = "audit-sessions") {
            for (size_t j = 0; j < nps; j++)
                RC_EL(ctx, "li", .key = ps[j].id) rc_textf(ctx, "%s %lld", ps[j].id, ps[j].items);
        }
    }
    free(ps);
}

static void tally(rc_ctx *ctx, const void *props) {
    (void)props;
    if (strcmp(rc_use_location(ctx)->pathname, "/audit") == 0) audit(ctx);
    else tab(ctx);
}
static RC_COMPONENT(tally);

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--probe") == 0) {
        /* For the tests: whether stores can be shared through Redis. */
#ifdef TALLY_REDIS_STORES
        puts("redis-stores yes");
#else
        puts("redis-stores no");
#endif
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bench") == 0) {
            bench_mode = true;
            memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof *argv);
            argc--;
            break;
        }
    }
    const char *t = getenv("TALLY_TRACE");
    trace = t && strcmp(t, "1") == 0;
    rc_app app = {.title = "Tally", .root = &tally_component};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    total = rc_store_new("total", &(rc_value){.kind = RC_INT, .as.i = 0});
    log_ = rc_store_new_collection("log");
    rc = rc_app_run(&app);
    rc_store_free(log_);
    rc_store_free(total);
    return rc;
}
