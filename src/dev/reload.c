/*
 * The reload policy: what a save does once the files are quiet (restyle or
 * build), and what a finished build does (start the new version, show the
 * error, or nothing when the binary did not change).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/runner.h"

/* Only stylesheets changed: nothing to build; the pages fetch them again
 * (an app's static files are read from disk on each request). */
static void restyle(void) {
    dev_log("%s changed: open pages reload their stylesheets", R.changed);
    dev_send_restyle();
}

/* The build runs in the background (the loop keeps serving the versions'
 * output, their deaths and further saves); one at a time: a save during a
 * build is built after it, and that build's result is not started. */
static void start_build(void) {
    dev_log("building (%s)", R.changed);
    if (dev_job_start(&R.job, &R.opt.build) < 0) {
        dev_log("cannot run the build command: %s", strerror(errno));
        R.job.pid = 0;
    }
}

void dev_reload(void) {
    if (R.change_kinds == DEV_CHANGE_STYLE && !R.first_build) restyle();
    else start_build();
    R.change_kinds = 0;
}

void dev_built(void) {
    dev_error e = {0};
    double ms = 0;
    int rc = dev_job_finish(&R.job, stderr, &e, &ms);
    memset(&R.job, 0, sizeof R.job);
    R.job.fd = -1;
    bool first = R.first_build;
    R.first_build = false;
    if (R.change_at > 0 && (R.change_kinds & DEV_CHANGE_SOURCE)) {
        dev_log("saved again during the build: building again");
        dev_error_clear(&e);
        return;
    }
    if (rc < 0) {
        dev_error_clear(&R.error);
        R.error = e;
        R.has_error = true;
        dev_log("build failed in %.0f ms: %s:%d: %s%s", ms, e.file, e.line, e.message,
                R.cur ? " (the running version keeps serving)" : "");
        dev_send_status();
        /* At start, what an earlier build left is better than nothing. */
        if (first && access(R.opt.app, X_OK) == 0) {
            char bin[DEV_PATH_MAX];
            if (dev_copy_binary(bin, sizeof bin) == 0) dev_start_version(bin, R.versions);
        }
        return;
    }
    struct stat st;
    if (stat(R.opt.app, &st) < 0) {
        dev_log("the build succeeded but %s does not exist: check --build", R.opt.app);
        return;
    }
    bool fixed = R.has_error;
    if (fixed) {
        dev_error_clear(&R.error);
        R.has_error = false;
    }
    if ((R.cur || R.next) && st.st_size == R.built.st_size &&
        st.st_mtim.tv_sec == R.built.st_mtim.tv_sec &&
        st.st_mtim.tv_nsec == R.built.st_mtim.tv_nsec) {
        dev_log("built in %.0f ms: binary unchanged", ms);
        if (fixed) dev_send_status();
        return;
    }
    char bin[DEV_PATH_MAX];
    if (dev_copy_binary(bin, sizeof bin) < 0) {
        dev_log("cannot copy %s to %s: %s", R.opt.app, R.tmpdir, strerror(errno));
        return;
    }
    R.build_ms = ms;
    R.quick_crashes = 0;
    R.restart_at = 0;
    dev_start_version(bin, R.versions);
}
