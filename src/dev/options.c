/*
 * reactc-dev's command line, and the defaults it takes from the CMake build
 * tree the app is in: the build command and the source folder to watch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev/runner.h"

static void usage(void) {
    printf("usage: reactc-dev [options] [--] APP [APP OPTIONS]\n"
           "Runs APP, rebuilds it when a source file is saved and swaps the new version in:\n"
           "open pages resume with their state on the new code (docs/dev.md).\n"
           "  --host ADDR   address to listen on (default 127.0.0.1)\n"
           "  --port N      port (default 8000; 0 picks a free one)\n"
           "  --build CMD   shell command that rebuilds APP (default: APP's target in its\n"
           "                CMake build tree, found from CMakeCache.txt above APP)\n"
           "  --watch DIR   source folder to watch, recursively (repeatable; default: the\n"
           "                CMake source folder, else the current folder)\n"
           "  --allow-host NAME, --allow-origin ORIGIN, --trusted-proxy ADDR\n"
           "                as the app takes them (repeatable; docs/security.md): the runner's\n"
           "                own page follows them, and every version of APP is given them\n");
}

static const char *const list_options[DEV_NLISTS] = {"--allow-origin", "--allow-host",
                                                     "--trusted-proxy"};

/* The index of a repeatable list option, or -1. */
static int list_index(const char *a) {
    for (int k = 0; k < DEV_NLISTS; k++)
        if (strcmp(a, list_options[k]) == 0) return k;
    return -1;
}

/* Parses the lists with the app's own rules, so a value the app would
 * refuse stops the runner now (named), rather than every version later;
 * the parsed rules are the runner's own Host check. */
static int parse_lists(dev_options *o) {
    rc_app lists = {.allow_origins = o->lists[DEV_ALLOW_ORIGIN],
                    .allow_hosts = o->lists[DEV_ALLOW_HOST],
                    .trusted_proxies = o->lists[DEV_TRUSTED_PROXY]};
    char err[300];
    if (rc_edge_rules_init(&o->rules, &lists, err, sizeof err) == 0) return 0;
    fprintf(stderr, "reactc-dev: %s\n", err);
    return -1;
}

/* APP, then each list value as its option, then APP's own options: the
 * app adds its own values to the runner's (both are served). Before APP's
 * options rather than after, so they stay in front of anything APP's own
 * parser treats as the end of its options. */
static void make_child_argv(dev_options *o, size_t nown) {
    size_t n = 1;
    for (int k = 0; k < DEV_NLISTS; k++) n += 2 * o->nlists[k];
    o->child_argv = calloc(n + nown + 1, sizeof *o->child_argv);
    if (!o->child_argv) abort();
    size_t at = 0;
    o->child_argv[at++] = o->app_argv[0];
    for (int k = 0; k < DEV_NLISTS; k++)
        for (size_t i = 0; i < o->nlists[k]; i++) {
            o->child_argv[at++] = (char *)list_options[k];
            o->child_argv[at++] = (char *)o->lists[k][i];
        }
    for (size_t i = 1; i < nown; i++) {
        o->child_argv[at++] = o->app_argv[i];
        if (strcmp(o->app_argv[i], "--tls-cert") == 0) o->tls = true;
    }
}

void dev_options_free(dev_options *o) {
    free(o->child_argv);
    o->child_argv = NULL;
    rc_edge_rules_free(&o->rules);
}

/* Sets c to the argument vector a0..a4 (up to the first NULL). */
static void set_argv(dev_command *c, const char *a0, const char *a1, const char *a2, const char *a3,
                     const char *a4) {
    const char *args[DEV_COMMAND_ARGS] = {a0, a1, a2, a3, a4};
    c->argc = 0;
    for (size_t i = 0; i < DEV_COMMAND_ARGS && args[i]; i++)
        dev_copy_str(c->argv[c->argc++], sizeof c->argv[0], args[i]);
}

/* Finds the CMake build tree APP is in; fills the source folder and, unless
 * --build gave one, the default build command. */
static bool cmake_defaults(dev_options *o) {
    char dir[DEV_PATH_MAX];
    dev_copy_str(dir, sizeof dir, o->app);
    char *slash;
    while ((slash = strrchr(dir, '/')) && slash != dir) {
        *slash = '\0';
        char cache[DEV_PATH_MAX + 32];
        snprintf(cache, sizeof cache, "%s/CMakeCache.txt", dir);
        FILE *f = fopen(cache, "r");
        if (!f) continue;
        char line[DEV_PATH_MAX + 64];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "CMAKE_HOME_DIRECTORY:INTERNAL=", 30) == 0) {
                line[strcspn(line, "\n")] = '\0';
                dev_copy_str(o->cmake_home, sizeof o->cmake_home, line + 30);
            }
        }
        fclose(f);
        snprintf(cache, sizeof cache, "%s/build.ninja", dir);
        if (*o->build.shell) /* --build CMD wins (as --help says) */
            return true;
        /* An argument vector, no shell: the paths are not quoted into a
         * command line (a folder may be named anything). */
        if (access(cache, R_OK) == 0) /* Ninja builds a target by its output path */
            set_argv(&o->build, "ninja", "-C", dir, o->app + strlen(dir) + 1, NULL);
        else set_argv(&o->build, "cmake", "--build", dir, "--target", strrchr(o->app, '/') + 1);
        return true;
    }
    return false;
}

int dev_parse_args(int argc, char **argv, dev_options *o) {
    o->host = "127.0.0.1";
    o->port = 8000;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            exit(0);
        }
        if (a[0] != '-') break;
        if (i + 1 >= argc) {
            fprintf(stderr, "reactc-dev: %s needs a value (see --help)\n", a);
            return -1;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--host") == 0) o->host = v;
        else if (strcmp(a, "--port") == 0) o->port = atoi(v);
        else if (strcmp(a, "--build") == 0) dev_copy_str(o->build.shell, sizeof o->build.shell, v);
        else if (strcmp(a, "--watch") == 0 && o->nwatch < 32) o->watch[o->nwatch++] = v;
        else if (list_index(a) >= 0) {
            int k = list_index(a);
            if (o->nlists[k] >= DEV_LIST_MAX) {
                fprintf(stderr, "reactc-dev: %s given more than %d times\n", a, DEV_LIST_MAX);
                return -1;
            }
            o->lists[k][o->nlists[k]++] = v;
        } else {
            fprintf(stderr, "reactc-dev: unknown option %s (see --help)\n", a);
            return -1;
        }
    }
    if (i >= argc) {
        usage();
        return -1;
    }
    /* The app's path, absolute: the build may change the working folder. */
    const char *app = argv[i];
    if (app[0] == '/') {
        dev_copy_str(o->app, sizeof o->app, app);
    } else {
        char cwd[DEV_PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) return -1;
        if (snprintf(o->app, sizeof o->app, "%s/%s", cwd, app) >= (int)sizeof o->app) return -1;
    }
    o->app_argv = argv + i;
    bool cmake = cmake_defaults(o);
    if (!cmake && !*o->build.shell) {
        fprintf(stderr, "reactc-dev: %s is not in a CMake build tree: give --build CMD\n", o->app);
        return -1;
    }
    if (!o->nwatch) o->watch[o->nwatch++] = *o->cmake_home ? o->cmake_home : ".";
    /* Last: the only steps that allocate (nothing to free on an error). */
    if (parse_lists(o) < 0) return -1;
    make_child_argv(o, (size_t)(argc - i));
    return 0;
}
