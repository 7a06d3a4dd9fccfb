/*
 * The crash and fallback policy: what the death of a version does. A
 * draining version is just freed. A new version that dies before it
 * serves is reported and the old one keeps the pages. A serving version
 * that crashes is reported (the pages show it) and the previous version
 * is started again, or this one with a growing pause if it keeps dying;
 * the pages resume on it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "dev/runner.h"

static void report_crash(dev_child *c, int status, const char *then) {
    char how[128];
    dev_describe_exit(status, how, sizeof how);
    dev_error_clear(&R.error);
    R.has_error = true;
    snprintf(R.error.kind, sizeof R.error.kind, "crash");
    dev_copy_str(R.error.file, sizeof R.error.file, R.opt.app);
    snprintf(R.error.message, sizeof R.error.message, "v%u %s%s; %s", c->version, how,
             c->ready ? "" : " before it could serve", then);
    dev_child_read_err(c);
    R.error.output = strndup(c->tail, c->tail_len);
    dev_log("%s", R.error.message);
}

void dev_reaped(pid_t pid, int status) {
    for (int i = 0; i < DEV_MAX_STOPPING; i++) {
        dev_child *c = R.stopping[i];
        if (c && c->pid == pid) {
            R.stopping[i] = NULL;
            dev_free_version(c);
            return;
        }
    }
    if (R.next && R.next->pid == pid) {
        /* The new version died before serving: the old one keeps the pages. */
        dev_child *c = R.next;
        R.next = NULL;
        report_crash(c, status, R.cur ? "the previous version keeps serving" : "waiting for a fix");
        dev_free_version(c);
        dev_send_status();
        if (!R.cur && *R.fallback) {
            dev_copy_str(R.restart_bin, sizeof R.restart_bin, R.fallback);
            R.restart_at = dev_now_ms();
        }
        return;
    }
    if (R.cur && R.cur->pid == pid) {
        dev_child *c = R.cur;
        R.cur = NULL;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            /* It stopped by itself, cleanly: Ctrl-C reached it as well as
             * us (one process group), or the app called rc_app_stop. */
            dev_log("v%u stopped: stopping too", c->version);
            R.quit = true;
            dev_free_version(c);
            return;
        }
        /* The serving version died: start the previous one (or this one
         * again, with a growing pause if it keeps dying); its pages resume. */
        const char *bin = *R.fallback && strcmp(R.fallback, c->bin) != 0 ? R.fallback : c->bin;
        char then[160];
        snprintf(then, sizeof then, "restarting v%u", dev_version_of(bin));
        report_crash(c, status, then);
        bool quick = dev_now_ms() - c->started_ms < 3000;
        R.quick_crashes = quick ? R.quick_crashes + 1 : 0;
        double pause = 0;
        if (bin == c->bin && R.quick_crashes) {
            pause = 500.0 * (1u << (R.quick_crashes > 5 ? 5 : R.quick_crashes));
            if (pause > 10000) pause = 10000;
        }
        dev_copy_str(R.restart_bin, sizeof R.restart_bin, bin);
        R.restart_at = dev_now_ms() + pause;
        dev_free_version(c);
    }
}

void dev_restart_if_due(double now) {
    if (R.restart_at > 0 && now >= R.restart_at) {
        R.restart_at = 0;
        char bin[DEV_PATH_MAX];
        dev_copy_str(bin, sizeof bin, R.restart_bin);
        R.restart_bin[0] = '\0';
        dev_start_version(bin, dev_version_of(bin));
        if (strcmp(bin, R.fallback) == 0) R.fallback[0] = '\0'; /* in use again */
    }
}
