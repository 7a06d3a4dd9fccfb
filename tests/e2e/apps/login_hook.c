/*
 * A test app that checks passwords itself (rc_app.check_login, no
 * --auth-file): "hook" with "hook-pw" signs in, anything else is refused.
 * The check records whether it ran on the loop thread (it must not), and
 * the page shows it with the user. tests/e2e/login.test.mjs signs in.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <reactc.h>

static pthread_t loop_thread;
static atomic_int checks_on_loop;

static int check(rc_app *app, const char *user, const char *password) {
    (void)app;
    if (pthread_equal(pthread_self(), loop_thread)) atomic_fetch_add(&checks_on_loop, 1);
    return strcmp(user, "hook") == 0 && strcmp(password, "hook-pw") == 0;
}

static void who(rc_ctx *ctx, const void *props) {
    (void)props;
    const char *user = rc_use_user(ctx);
    RC_EL(ctx, "p", .id = "user") { rc_text(ctx, user ? user : "(nobody)"); }
    RC_EL(ctx, "p", .id = "on-loop") { rc_textf(ctx, "%d", atomic_load(&checks_on_loop)); }
}
static RC_COMPONENT(who);

int main(int argc, char **argv) {
    loop_thread = pthread_self(); /* rc_app_run's loop runs on this thread */
    rc_app app = {.title = "Hook", .root = &who_component, .check_login = check};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    return rc_app_run(&app);
}
