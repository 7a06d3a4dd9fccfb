/* The dev runner's build step (src/dev/build.c): the first compiler error
 * found in gcc, clang, Ninja and linker output, the status line the app
 * gets, and real build commands that fail and succeed. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dev/runner.h"

static void parse(const char *out, dev_error *e) {
    memset(e, 0, sizeof *e);
    dev_parse_error(out, e);
}

static void gcc_error_after_ninja_noise(void **state) {
    (void)state;
    dev_error e;
    parse("[1/2] Building C object examples/CMakeFiles/example_todo.dir/todo.c.o\n"
          "FAILED: examples/CMakeFiles/example_todo.dir/todo.c.o\n"
          "/usr/bin/cc -O2 -c /src/examples/todo.c\n"
          "/src/examples/todo.c: In function 'todo':\n"
          "/src/examples/todo.c:131:22: error: expected expression before ';' token\n"
          "  131 |     size_t open = 0 +;\n"
          "/src/examples/todo.c:140:1: error: a second one\n",
          &e);
    assert_string_equal(e.file, "/src/examples/todo.c");
    assert_int_equal(e.line, 131);
    assert_int_equal(e.column, 22);
    assert_string_equal(e.message, "expected expression before ';' token");
}

static void clang_fatal_error_and_no_column(void **state) {
    (void)state;
    dev_error e;
    parse("app.c:3:10: fatal error: 'nothere.h' file not found\n", &e);
    assert_string_equal(e.file, "app.c");
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 10);
    assert_string_equal(e.message, "'nothere.h' file not found");
    parse("lib/x.c:7: error: old style\n", &e);
    assert_string_equal(e.file, "lib/x.c");
    assert_int_equal(e.line, 7);
    assert_int_equal(e.column, 0);
}

static void warnings_are_not_errors_and_links_fall_back(void **state) {
    (void)state;
    dev_error e;
    parse("a.c:1:1: warning: unused\n"
          "/usr/bin/ld: a.o: in function `main':\n"
          "a.c:(.text+0x5): undefined reference to `nothing'\n"
          "collect2: error: ld returned 1 exit status\n",
          &e);
    assert_string_equal(e.file, "");
    assert_int_equal(e.line, 0);
    assert_non_null(strstr(e.message, "undefined reference to `nothing'"));
    parse("make: *** nothing to see\n", &e);
    assert_string_equal(e.message, "the build command failed");
    parse("", &e);
    assert_string_equal(e.message, "the build command failed");
    /* ": error: " without a line number before it is not a location. */
    parse("cc1: error: unrecognized option\n", &e);
    assert_string_equal(e.file, "");
    assert_non_null(strstr(e.message, "unrecognized option"));
}

static json_t *status_error(const dev_error *e) {
    char *line = dev_status_line(e);
    assert_non_null(line);
    size_t n = strlen(line);
    assert_true(n > 0 && line[n - 1] == '\n');
    assert_null(strchr(line, '\n') != line + n - 1 ? line : NULL); /* one line */
    json_error_t jerr;
    json_t *m = json_loads(line, 0, &jerr);
    free(line);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "type")), "status");
    json_t *err = json_incref(json_object_get(m, "error"));
    json_decref(m);
    return err;
}

static void status_line_is_one_json_line(void **state) {
    (void)state;
    json_t *err = status_error(NULL);
    assert_true(json_is_null(err));
    json_decref(err);
    dev_error e = {0};
    strcpy(e.kind, "compile");
    strcpy(e.file, "todo.c");
    e.line = 3;
    strcpy(e.message, "bad \"quote\"\nand a newline");
    e.output = strdup("line 1\nline 2\t\xe2\x80\x98ok\xe2\x80\x99");
    err = status_error(&e);
    assert_string_equal(json_string_value(json_object_get(err, "message")),
                        "bad \"quote\"\nand a newline");
    assert_string_equal(json_string_value(json_object_get(err, "output")),
                        "line 1\nline 2\t\xe2\x80\x98ok\xe2\x80\x99");
    assert_int_equal(json_integer_value(json_object_get(err, "line")), 3);
    json_decref(err);
    dev_error_clear(&e);
}

/* Runs a --build shell line. */
static int build_sh(const char *line, dev_error *e, double *ms) {
    static dev_command c; /* large: not on the stack */
    memset(&c, 0, sizeof c);
    snprintf(c.shell, sizeof c.shell, "%s", line);
    return dev_build(&c, NULL, e, ms);
}

static void failing_build_is_captured_cleaned_and_capped(void **state) {
    (void)state;
    dev_error e = {0};
    double ms = -1;
    /* Colour codes, invalid UTF-8 and 20 KB of output. */
    int rc = build_sh(
        "printf '\\033[01m\\033[Kx.c:2:5:\\033[m \\033[01;31merror: \\033[mbroken \\377\\n'; "
        "head -c 20000 /dev/zero | tr '\\0' a; exit 3",
        &e, &ms);
    assert_int_equal(rc, -1);
    assert_true(ms >= 0);
    assert_string_equal(e.kind, "compile");
    assert_string_equal(e.file, "x.c");
    assert_int_equal(e.line, 2);
    assert_string_equal(e.message, "broken ?");
    assert_non_null(e.output);
    assert_true(strlen(e.output) <= 8 * 1024);
    assert_null(strchr(e.output, '\033'));
    json_t *err = status_error(&e); /* valid JSON despite \377 */
    assert_string_equal(json_string_value(json_object_get(err, "file")), "x.c");
    json_decref(err);
    dev_error_clear(&e);
}

static void succeeding_build_returns_zero(void **state) {
    (void)state;
    dev_error e = {0};
    double ms = -1;
    assert_int_equal(build_sh("echo all good; true", &e, &ms), 0);
    assert_null(e.output);
    assert_int_equal(build_sh("exit 1", &e, &ms), -1);
    assert_string_equal(e.message, "the build command failed");
    dev_error_clear(&e);
}

/* The default build is an argument vector: run as it is, no shell; a
 * missing tool is a failed build that says so. */
static void argv_build_runs_without_a_shell(void **state) {
    (void)state;
    static dev_command c;
    memset(&c, 0, sizeof c);
    c.argc = 2;
    snprintf(c.argv[0], sizeof c.argv[0], "true");
    snprintf(c.argv[1], sizeof c.argv[1], "; exit 1"); /* an argument, not shell */
    dev_error e = {0};
    double ms;
    assert_int_equal(dev_build(&c, NULL, &e, &ms), 0);
    c.argc = 1;
    snprintf(c.argv[0], sizeof c.argv[0], "reactc-no-such-build-tool");
    assert_int_equal(dev_build(&c, NULL, &e, &ms), -1);
    assert_non_null(strstr(e.output, "cannot run reactc-no-such-build-tool"));
    dev_error_clear(&e);
}

/* A build that ignores SIGTERM (a script with a trap) does not hold up the
 * runner's exit: cancelling it ends it anyway. It hung for ever. */
static void cancel_ends_a_build_that_ignores_sigterm(void **state) {
    (void)state;
    static dev_command c;
    memset(&c, 0, sizeof c);
    snprintf(c.shell, sizeof c.shell, "trap '' TERM; echo trapped; while :; do sleep 1; done");
    dev_job j;
    assert_int_equal(dev_job_start(&j, &c), 0);
    /* The trap is set once it says so. */
    struct pollfd p = {.fd = j.fd, .events = POLLIN};
    while (!memmem(j.out, j.len, "trapped", 7)) {
        assert_true(poll(&p, 1, -1) > 0);
        assert_false(dev_job_read(&j));
    }
    pid_t pid = j.pid;
    dev_job_cancel(&j);
    assert_int_equal(kill(pid, 0), -1); /* killed and reaped */
    assert_int_equal(errno, ESRCH);
    assert_int_equal(j.pid, 0);
    assert_int_equal(j.fd, -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gcc_error_after_ninja_noise),
        cmocka_unit_test(clang_fatal_error_and_no_column),
        cmocka_unit_test(warnings_are_not_errors_and_links_fall_back),
        cmocka_unit_test(status_line_is_one_json_line),
        cmocka_unit_test(failing_build_is_captured_cleaned_and_capped),
        cmocka_unit_test(succeeding_build_returns_zero),
        cmocka_unit_test(argv_build_runs_without_a_shell),
        cmocka_unit_test(cancel_ends_a_build_that_ignores_sigterm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
