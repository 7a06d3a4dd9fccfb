/*
 * Unit tests for reactc-dev's command line (src/dev/options.c): the build
 * command and watch folder found from the CMake build tree the app is in,
 * and an explicit --build that wins over that default (it was overwritten).
 * Each test makes its own build tree in a temp folder.
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
    char app[512];  /* root/build/examples/app */
} tree;

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* root/build with a CMakeCache.txt naming root/src, and a build.ninja
 * when ninja is set. */
static void make_tree(tree *t, bool ninja) {
    snprintf(t->root, sizeof t->root, "/tmp/reactc-dev-options-XXXXXX");
    assert_non_null(mkdtemp(t->root));
    char path[600];
    snprintf(path, sizeof path, "%s/build", t->root);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/build/examples", t->root);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/build/CMakeCache.txt", t->root);
    char cache[400];
    snprintf(cache, sizeof cache, "# cache\nCMAKE_HOME_DIRECTORY:INTERNAL=%s/src\n", t->root);
    write_file(path, cache);
    if (ninja) {
        snprintf(path, sizeof path, "%s/build/build.ninja", t->root);
        write_file(path, "# ninja\n");
    }
    snprintf(t->app, sizeof t->app, "%s/build/examples/app", t->root);
}

static void remove_tree(const tree *t) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->root);
    assert_int_equal(system(cmd), 0);
}

static int parse(dev_options *o, int argc, const char **argv) {
    memset(o, 0, sizeof *o);
    return dev_parse_args(argc, (char **)(uintptr_t)argv, o);
}

static void test_defaults_from_the_build_tree(void **state) {
    (void)state;
    tree t;
    make_tree(&t, true);
    dev_options o;
    const char *argv[] = {"reactc-dev", "--port", "9001", t.app, "--title", "x"};
    assert_int_equal(parse(&o, 6, argv), 0);
    char want[1200];
    snprintf(want, sizeof want, "ninja -C '%s/build' 'examples/app'", t.root);
    assert_string_equal(o.build_cmd, want);
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
    snprintf(want, sizeof want, "cmake --build '%s/build' --target 'app'", t.root);
    assert_string_equal(o.build_cmd, want);
    remove_tree(&t);
}

static void test_build_option_wins(void **state) {
    (void)state;
    tree t;
    make_tree(&t, true);
    dev_options o;
    const char *argv[] = {"reactc-dev", "--build", "make app", "--watch", "/somewhere", t.app};
    assert_int_equal(parse(&o, 6, argv), 0);
    assert_string_equal(o.build_cmd, "make app");
    assert_int_equal(o.nwatch, 1);
    assert_string_equal(o.watch[0], "/somewhere");
    char want[600];
    snprintf(want, sizeof want, "%s/src", t.root);
    assert_string_equal(o.cmake_home, want); /* still found */
    remove_tree(&t);
}

static void test_outside_a_build_tree(void **state) {
    (void)state;
    dev_options o;
    const char *argv[] = {"reactc-dev", "/nonexistent/app"};
    assert_int_equal(parse(&o, 2, argv), -1); /* no build command to run */
    const char *argv2[] = {"reactc-dev", "--build", "cc -o app app.c", "/nonexistent/app"};
    assert_int_equal(parse(&o, 4, argv2), 0);
    assert_string_equal(o.build_cmd, "cc -o app app.c");
    assert_string_equal(o.watch[0], ".");
    const char *argv3[] = {"reactc-dev", "--port"};
    assert_int_equal(parse(&o, 2, argv3), -1); /* a value missing */
    const char *argv4[] = {"reactc-dev", "--nope", "1", "/x/app"};
    assert_int_equal(parse(&o, 4, argv4), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_from_the_build_tree),
        cmocka_unit_test(test_build_option_wins),
        cmocka_unit_test(test_outside_a_build_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
