/*
 * A test app for background work (tests/e2e/background.test.mjs):
 *
 *  - Session handles: #job starts a thread holding the session's handle; it
 *    waits until some tab clicks #release, then posts to the session. The
 *    post sets the root's "result" slot ("job N done") when the session is
 *    still there; either way the thread records what the post returned in
 *    the collection "jobs" (item "N": "delivered" or "gone"), which every
 *    tab shows: a result meant to outlive the session lives in a store.
 *  - An app-wide timer (every 1 ms): while #burst has asked for changes,
 *    each tick moves the store "n" and rewrites the 4 KB string store
 *    "blob", 1,000 changes a second, for the slow-tab test.
 *  - --local-stores (taken out before rc_app_parse_args): every store is
 *    declared process-local, so --workers N > 1 may start.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <reactc.h>

static rc_store *n_store, *blob, *jobs;

/* ---- the firehose: an app-wide timer writing two stores ----------------- */

static int64_t remaining, n; /* loop thread */

static void tick(void *arg) {
    (void)arg;
    if (remaining <= 0) return;
    remaining--;
    n++;
    char text[4096];
    int len = snprintf(text, sizeof text, "n=%lld ", (long long)n);
    memset(text + len, 'a' + (int)(n % 26), sizeof text - (size_t)len - 1);
    text[sizeof text - 1] = '\0';
    rc_store_set_int(n_store, n); /* one batch with the next write */
    rc_store_set_string(blob, text);
}

static void on_burst(rc_event *ev, void *user) {
    (void)user;
    remaining += rc_value_get_int(rc_event_get_field(ev, "count"), 3000);
}

/* ---- jobs: a thread posting to a session handle -------------------------- */

static pthread_mutex_t release_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t release_cond = PTHREAD_COND_INITIALIZER;
static int releases; /* under release_lock */

typedef struct job {
    rc_session_handle session;
    rc_state *result; /* the root's slot: lives as long as the session */
    int64_t id;
} job;

/* On the loop thread: the session is there (layout) or went (NULL). */
static void job_done(rc_layout *layout, void *arg) {
    job *j = arg;
    if (layout) {
        char text[48];
        snprintf(text, sizeof text, "job %lld done", (long long)j->id);
        rc_state_set_string(j->result, text);
    }
    free(j);
}

static void *job_thread(void *arg) {
    job *j = arg;
    pthread_mutex_lock(&release_lock);
    while (releases == 0) pthread_cond_wait(&release_cond, &release_lock);
    releases--;
    pthread_mutex_unlock(&release_lock);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)j->id);
    rc_value v = {0};
    if (rc_session_handle_post(j->session, job_done, j) == 0) {
        rc_value_set_string(&v, "delivered"); /* job_done frees j */
    } else {
        rc_value_set_string(&v, "gone");
        free(j); /* refused: still ours */
    }
    rc_store_publish_item(jobs, key, &v);
    rc_value_free(&v);
    return NULL;
}

static int64_t next_job = 1; /* loop thread */

static void on_job(rc_event *ev, void *result) {
    job *j = malloc(sizeof *j);
    if (!j) abort();
    j->session = rc_layout_get_session_handle(rc_event_get_layout(ev));
    j->result = result;
    j->id = next_job++;
    pthread_t t;
    if (pthread_create(&t, NULL, job_thread, j) != 0) abort();
    pthread_detach(t);
}

static void on_release(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
    pthread_mutex_lock(&release_lock);
    releases++;
    pthread_cond_signal(&release_cond);
    pthread_mutex_unlock(&release_lock);
}

/* ---- the page -------------------------------------------------------------- */

static void background(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *result = rc_use_string(ctx, "result", "");
    RC_EL(ctx, "main") {
        RC_EL(ctx, "button", .id = "burst", .on = RC_ON("click", on_burst, NULL)) {
            rc_text(ctx, "burst");
        }
        RC_EL(ctx, "span", .id = "n") rc_textf(ctx, "%lld", (long long)rc_store_get_int(n_store));
        RC_EL(ctx, "p", .id = "blob") rc_text(ctx, rc_store_get_string(blob));
        RC_EL(ctx, "button", .id = "job", .on = RC_ON("click", on_job, result)) rc_text(ctx, "job");
        RC_EL(ctx, "button", .id = "release", .on = RC_ON("click", on_release, NULL)) {
            rc_text(ctx, "release");
        }
        RC_EL(ctx, "span", .id = "result") rc_text(ctx, rc_state_get_string(result));
        RC_EL(ctx, "ul", .id = "jobs") {
            for (size_t i = 0; i < rc_store_count_items(jobs); i++) {
                const char *key = rc_store_get_key(jobs, i);
                RC_EL(ctx, "li", .key = key) {
                    rc_textf(ctx, "%s:%s", key,
                             rc_value_get_string(rc_store_get_item(jobs, key), ""));
                }
            }
        }
    }
}
static RC_COMPONENT(background);

int main(int argc, char **argv) {
    bool local = false;
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--local-stores") == 0) local = true;
        else argv[kept++] = argv[i];
    }
    argc = kept;
    rc_app app = {.title = "Background", .root = &background_component};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    n_store = rc_store_new("n", &(rc_value){.kind = RC_INT, .as.i = 0});
    blob = rc_store_new("blob", NULL);
    jobs = rc_store_new_collection("jobs");
    rc_store_set_local(n_store, local);
    rc_store_set_local(blob, local);
    rc_store_set_local(jobs, local);
    rc_timer *timer = rc_app_start_timer(&app, 1, true, tick, NULL);
    rc = rc_app_run(&app);
    rc_timer_stop(timer);
    rc_store_free(jobs);
    rc_store_free(blob);
    rc_store_free(n_store);
    return rc;
}
