/*
 * Unit tests for reactc-dev's command line (src/dev/options.c): the build
 * command and watch folder found from the CMake build tree the app is in,
 * and an explicit --build that wins over that default (it was overwritten).
 * Each test makes its own build tree in a temp folder. Also the Host rule
 * on the runner's own page (src/dev/host.c) and the lists it passes to
 * the app (--allow-host, --allow-origin, --trusted-proxy).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dev/runner.h"

typedef struct tree {
    char root[256]; /* a temp folder */
    char top[512];  /* root, or a folder in it the build tree is in */
    char app[1024]; /* top/build/examples/app */
} tree;

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* top/build with a CMakeCache.txt naming top/src, and a build.ninja when
 * ninja is set; top is root/sub (sub not NULL) or root. */
static void make_tree_in(tree *t, bool ninja, const char *sub) {
    snprintf(t->root, sizeof t->root, "/tmp/reactc-dev-options-XXXXXX");
    assert_non_null(mkdtemp(t->root));
    snprintf(t->top, sizeof t->top, "%s%s%s", t->root, sub ? "/" : "", sub ? sub : "");
    if (sub) assert_int_equal(mkdir(t->top, 0700), 0);
    char path[1200];
    snprintf(path, sizeof path, "%s/build", t->top);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/build/examples", t->top);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/build/CMakeCache.txt", t->top);
    char cache[700];
    snprintf(cache, sizeof cache, "# cache\nCMAKE_HOME_DIRECTORY:INTERNAL=%s/src\n", t->top);
    write_file(path, cache);
    if (ninja) {
        snprintf(path, sizeof path, "%s/build/build.ninja", t->top);
        write_file(path, "# ninja\n");
    }
    snprintf(t->app, sizeof t->app, "%s/build/examples/app", t->top);
}

static void make_tree(tree *t, bool ninja) { make_tree_in(t, ninja, NULL); }

static void remove_tree(const tree *t) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->root);
    assert_int_equal(system(cmd), 0);
}

/* Parses into o. What a parse allocates is kept here and freed at the
 * next one (tests parse into the same o several times, and a failed
 * assertion leaves a test early). */
static int parse(dev_options *o, int argc, const char **argv) {
    static dev_options held;
    dev_options_free(&held);
    memset(o, 0, sizeof *o);
    int rc = dev_parse_args(argc, (char **)(uintptr_t)argv, o);
    held.child_argv = o->child_argv;
    held.rules = o->rules;
    return rc;
}

static void test_defaults_from_the_build_tree(void **state) {
    (void)state;
    tree t;
    make_tree(&t, true);
    dev_options o;
    const char *argv[] = {"reactc-dev", "--port", "9001", t.app, "--title", "x"};
    assert_int_equal(parse(&o, 6, argv), 0);
    char want[1200];
    assert_string_equal(o.build.shell, ""); /* no shell: an argument vector */
    assert_int_equal(o.build.argc, 4);
    assert_string_equal(o.build.argv[0], "ninja");
    assert_string_equal(o.build.argv[1], "-C");
    snprintf(want, sizeof want, "%s/build", t.root);
    assert_string_equal(o.build.argv[2], want);
    assert_string_equal(o.build.argv[3], "examples/app");
    snprintf(want, sizeof want, "%s/src", t.root);
    assert_string_equal(o.cmake_home, want);
    assert_int_equal(o.nwatch, 1);
    assert_string_equal(o.watch[0], o.cmake_home);
    assert_int_equal(o.port, 9001);
    assert_string_equal(o.app_argv[0], t.app);
    assert_string_equal(o.app_argv[1], "--title");
    remove_tree(&t);

    make_tree(&t, false); /* another generator: cmake --build */
    const char *argv2[] = {"reactc-dev", t.app};
    assert_int_equal(parse(&o, 2, argv2), 0);
    assert_int_equal(o.build.argc, 5);
    snprintf(want, sizeof want, "%s/build", t.root);
    const char *cmake[] = {"cmake", "--build", want, "--target", "app"};
    for (size_t i = 0; i < 5; i++) assert_string_equal(o.build.argv[i], cmake[i]);
    char shown[2 * DEV_PATH_MAX]; /* the log line's form */
    dev_command_describe(&o.build, shown, sizeof shown);
    snprintf(want, sizeof want, "cmake --build %s/build --target app", t.root);
    assert_string_equal(shown, want);
    remove_tree(&t);
}

static void test_build_option_wins(void **state) {
    (void)state;
    tree t;
    make_tree(&t, true);
    dev_options o;
    const char *argv[] = {"reactc-dev", "--build", "make app", "--watch", "/somewhere", t.app};
    assert_int_equal(parse(&o, 6, argv), 0);
    assert_string_equal(o.build.shell, "make app"); /* a shell line: the user typed it */
    assert_int_equal(o.build.argc, 0);
    assert_int_equal(o.nwatch, 1);
    assert_string_equal(o.watch[0], "/somewhere");
    char want[600];
    snprintf(want, sizeof want, "%s/src", t.root);
    assert_string_equal(o.cmake_home, want); /* still found */
    remove_tree(&t);
}

/* A stand-in for a build tool in root/bin: writes its arguments, one a
 * line, to root/args. */
static void fake_tool(const tree *t, const char *name) {
    char path[600];
    snprintf(path, sizeof path, "%s/bin", t->root);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/bin/%s", t->root, name);
    char script[600];
    snprintf(script, sizeof script,
             "#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s/args'\n", t->root);
    write_file(path, script);
    assert_int_equal(chmod(path, 0700), 0);
}

/* Runs the default build of t's app with the fake tools first on PATH and
 * root as the working folder; returns what the tool got, one argument a
 * line, and whether a file named PWNED appeared in root. */
static void run_default_build(const tree *t, char *args, size_t size, bool *pwned) {
    dev_options o;
    const char *argv[] = {"reactc-dev", t->app};
    assert_int_equal(parse(&o, 2, argv), 0);
    char cwd[1024], path[2048];
    assert_non_null(getcwd(cwd, sizeof cwd));
    const char *old_path = getenv("PATH");
    char *saved = strdup(old_path ? old_path : "/usr/bin:/bin");
    snprintf(path, sizeof path, "%s/bin:%s", t->root, saved);
    setenv("PATH", path, 1);
    assert_int_equal(chdir(t->root), 0);
    dev_error e = {0};
    double ms;
    int rc = dev_build(&o.build, NULL, &e, &ms);
    dev_error_clear(&e);
    assert_int_equal(chdir(cwd), 0);
    setenv("PATH", saved, 1);
    free(saved);
    snprintf(path, sizeof path, "%s/PWNED", t->root);
    *pwned = access(path, F_OK) == 0;
    snprintf(path, sizeof path, "%s/args", t->root);
    args[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f) {
        args[fread(args, 1, size - 1, f)] = '\0';
        fclose(f);
    }
    assert_int_equal(rc, 0);
}

/* The build tree's path goes to the build tool as one argument, whatever
 * it holds: a quote and a command substitution in a folder name ran as
 * shell when the default build was a shell line with the path in quotes. */
static void test_default_build_runs_without_a_shell(void **state) {
    (void)state;
    static const char *const evil = "a'$(touch PWNED)'b";
    tree t;
    make_tree_in(&t, true, evil);
    fake_tool(&t, "ninja");
    char args[4096], want[2048];
    bool pwned;
    run_default_build(&t, args, sizeof args, &pwned);
    snprintf(want, sizeof want, "-C\n%s/build\nexamples/app\n", t.top);
    assert_false(pwned);
    assert_string_equal(args, want);
    remove_tree(&t);

    make_tree_in(&t, false, evil); /* cmake --build, the same */
    fake_tool(&t, "cmake");
    run_default_build(&t, args, sizeof args, &pwned);
    snprintf(want, sizeof want, "--build\n%s/build\n--target\napp\n", t.top);
    assert_false(pwned);
    assert_string_equal(args, want);
    remove_tree(&t);
}

static void test_outside_a_build_tree(void **state) {
    (void)state;
    dev_options o;
    const char *argv[] = {"reactc-dev", "/nonexistent/app"};
    assert_int_equal(parse(&o, 2, argv), -1); /* no build command to run */
    const char *argv2[] = {"reactc-dev", "--build", "cc -o app app.c", "/nonexistent/app"};
    assert_int_equal(parse(&o, 4, argv2), 0);
    assert_string_equal(o.build.shell, "cc -o app app.c");
    assert_string_equal(o.watch[0], ".");
    const char *argv3[] = {"reactc-dev", "--port"};
    assert_int_equal(parse(&o, 2, argv3), -1); /* a value missing */
    const char *argv4[] = {"reactc-dev", "--nope", "1", "/x/app"};
    assert_int_equal(parse(&o, 4, argv4), -1);
}

/* The lists go to every version of the app in front of its own options
 * (which add to them); the runner's own rules are parsed from them. */
static void test_lists_passed_to_the_app(void **state) {
    (void)state;
    dev_options o;
    const char *argv[] = {"reactc-dev",
                          "--allow-host",
                          "dev.example",
                          "--build",
                          "true",
                          "--allow-origin",
                          "http://panel.example:8080",
                          "--trusted-proxy",
                          "127.0.0.1",
                          "--allow-host",
                          "B.example.",
                          "/x/app",
                          "--title",
                          "T",
                          "--allow-host",
                          "own.example"};
    assert_int_equal(parse(&o, 16, argv), 0);
    const char *want[] = {"/x/app",
                          "--allow-origin",
                          "http://panel.example:8080",
                          "--allow-host",
                          "dev.example",
                          "--allow-host",
                          "B.example.",
                          "--trusted-proxy",
                          "127.0.0.1",
                          "--title",
                          "T",
                          "--allow-host",
                          "own.example",
                          NULL};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!want[i]) assert_null(o.child_argv[i]);
        else assert_string_equal(o.child_argv[i], want[i]);
    }
    assert_int_equal(o.rules.nhosts, 2);
    assert_true(rc_edge_rules_allow_host(&o.rules, "dev.example"));
    assert_true(rc_edge_rules_allow_host(&o.rules, "b.example"));
    assert_false(rc_edge_rules_allow_host(&o.rules, "own.example")); /* the app's, not ours */
    assert_false(rc_edge_rules_allow_host(&o.rules, "evil.example"));
    assert_true(rc_edge_rules_trust_peer(&o.rules, "::ffff:127.0.0.1"));
    assert_int_equal(o.rules.norigins, 1);

    const char *plain[] = {"reactc-dev", "--build", "true", "/x/app", "--title", "T"};
    assert_int_equal(parse(&o, 6, plain), 0); /* none: the app's options as they were */
    assert_string_equal(o.child_argv[0], "/x/app");
    assert_string_equal(o.child_argv[1], "--title");
    assert_string_equal(o.child_argv[2], "T");
    assert_null(o.child_argv[3]);
    assert_int_equal(o.rules.nhosts, 0);
}

/* A value the app would refuse stops the runner at once. */
static void test_bad_list_values(void **state) {
    (void)state;
    dev_options o;
    const char *bad[][2] = {{"--allow-host", "a/b"},
                            {"--allow-host", "[::1"},
                            {"--allow-origin", "null"},
                            {"--allow-origin", "ftp://x"},
                            {"--trusted-proxy", "proxy.example"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *argv[] = {"reactc-dev", "--build", "true", bad[i][0], bad[i][1], "/x/app"};
        assert_int_equal(parse(&o, 6, argv), -1);
        assert_null(o.child_argv);
    }
    const char *argv[1 + 2 * (DEV_LIST_MAX + 1) + 3]; /* the program, the list, --build true APP */
    int n = 0;
    argv[n++] = "reactc-dev";
    for (int i = 0; i <= DEV_LIST_MAX; i++) {
        argv[n++] = "--allow-host";
        argv[n++] = "x.example";
    }
    argv[n++] = "--build";
    argv[n++] = "true";
    argv[n++] = "/x/app";
    assert_int_equal(parse(&o, n, argv), -1); /* more than rc_app_parse_args takes */
}

static unsigned check(const rc_edge_rules *r, const char *head, const char *peer) {
    const char *why = NULL;
    unsigned status = dev_request_check(r, head, strlen(head), peer, &why);
    assert_non_null(why);
    return status;
}

/* The runner's 503 page: the app's Host rule on the head the runner read. */
static void test_request_check(void **state) {
    (void)state;
    static const char *const hosts[] = {"dev.example", NULL}, *const proxies[] = {"127.0.0.1",
                                                                                  NULL};
    rc_app cfg = {.allow_hosts = hosts, .trusted_proxies = proxies};
    rc_edge_rules r;
    char err[300];
    assert_int_equal(rc_edge_rules_init(&r, &cfg, err, sizeof err), 0);
    const char *peer = "10.0.0.9";
    assert_int_equal(check(&r, "GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n", peer), 0);
    assert_int_equal(check(&r, "GET / HTTP/1.1\r\nhOST:localhost\r\n\r\n", peer), 0);
    assert_int_equal(check(&r, "GET / HTTP/1.1\nHost: [::1]:8000\n\n", peer), 0); /* bare LF */
    assert_int_equal(check(&r, "GET / HTTP/1.1\r\nHost: DEV.example:1\r\n\r\n", peer), 0);
    /* Rebound names. */
    assert_int_equal(check(&r, "GET / HTTP/1.1\r\nHost: evil.example:8000\r\n\r\n", peer), 421);
    assert_int_equal(check(&r, "GET / HTTP/1.1\r\nHost: 127.0.0.1.evil.example\r\n\r\n", peer),
                     421);
    /* No Host: 400 on HTTP/1.1, served on HTTP/1.0 (the app's rule). */
    assert_int_equal(check(&r, "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", peer), 400);
    assert_int_equal(check(&r, "GET / HTTP/1.0\r\n\r\n", peer), 0);
    /* Anything unusual is refused, not guessed at. */
    assert_int_equal(
        check(&r, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n", peer), 400);
    assert_int_equal(check(&r, "GET / HTTP/1.1\r\nHost: evil.example\r\n 127.0.0.1\r\n\r\n", peer),
                     400);
    assert_int_equal(check(&r, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", peer), 400);
    assert_int_equal(check(&r, "GET / HTTP/1.1\r\nno colon\r\n\r\n", peer), 400);
    const char nul[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\0.evil.example\r\n\r\n";
    const char *why;
    assert_int_equal(dev_request_check(&r, nul, sizeof nul - 1, peer, &why), 400);
    char longer[600];
    snprintf(longer, sizeof longer, "GET / HTTP/1.1\r\nHost: 127.0.0.1%0400d\r\n\r\n", 0);
    assert_int_equal(check(&r, longer, peer), 400); /* too long to keep: not cut short */
    /* A WebSocket from a foreign page: its Origin is checked as by the app. */
    const char *ws = "GET /_reactc/stream HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
                     "Upgrade: WebSocket\r\nOrigin: http://evil.example\r\n\r\n";
    assert_int_equal(check(&r, ws, peer), 403);
    assert_int_equal(check(&r,
                           "GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
                           "Origin: http://127.0.0.1:8000\r\nUpgrade: websocket\r\n\r\n",
                           peer),
                     0);
    /* X-Forwarded-Host: only from the trusted proxy, its last entry. */
    const char *xf = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "X-Forwarded-Host: dev.example, evil.example\r\n\r\n";
    assert_int_equal(check(&r, xf, peer), 0);
    assert_int_equal(check(&r, xf, "127.0.0.1"), 421);
    assert_int_equal(check(&r,
                           "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "X-Forwarded-Host: evil.example, dev.example\r\n\r\n",
                           "::ffff:127.0.0.1"),
                     0);
    rc_edge_rules_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_from_the_build_tree),
        cmocka_unit_test(test_build_option_wins),
        cmocka_unit_test(test_outside_a_build_tree),
        cmocka_unit_test(test_default_build_runs_without_a_shell),
        cmocka_unit_test(test_lists_passed_to_the_app),
        cmocka_unit_test(test_bad_list_values),
        cmocka_unit_test(test_request_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
