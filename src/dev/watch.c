/*
 * Source watching with inotify. One watch per folder (inotify is not
 * recursive); folders created later are added as they appear. Only files
 * a build reads count: an editor's swap and backup files, and everything
 * in build trees, hidden folders and node_modules, do not trigger a build.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/runner.h"

typedef struct watched {
    int wd;
    char *path;
} watched;

struct dev_watch {
    int fd;
    watched *dirs;
    size_t n, cap;
};

static bool has_suffix(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* What a saved file is: a build input, a stylesheet (served as a file:
 * open pages reload it, no build), or neither (0). */
static unsigned kind_of(const char *name) {
    static const char *const suffixes[] = {".c",   ".h",     ".cc", ".cpp", ".hpp",
                                           ".inc", ".cmake", ".mk", ".js",  ".html"};
    if (name[0] == '.') return 0; /* .todo.c.swp, .#todo.c */
    if (has_suffix(name, ".css")) return DEV_CHANGE_STYLE;
    if (strcmp(name, "CMakeLists.txt") == 0 || strcmp(name, "Makefile") == 0)
        return DEV_CHANGE_SOURCE;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        if (has_suffix(name, suffixes[i])) return DEV_CHANGE_SOURCE;
    return 0;
}

/* Folders whose changes are never sources: build output (any folder with a
 * CMakeCache.txt), version control, npm packages. */
static bool skip_dir(const char *path, const char *name) {
    if (name[0] == '.' || strcmp(name, "node_modules") == 0) return true;
    char probe[DEV_PATH_MAX];
    struct stat st;
    if (snprintf(probe, sizeof probe, "%s/CMakeCache.txt", path) >= (int)sizeof probe) return true;
    return stat(probe, &st) == 0;
}

static int add_tree(dev_watch *w, const char *path) {
    int wd = inotify_add_watch(w->fd, path,
                               IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_CREATE | IN_ONLYDIR);
    if (wd < 0) {
        dev_log("cannot watch %s: %s%s", path, strerror(errno),
                errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : "");
        return -1;
    }
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 64;
        w->dirs = realloc(w->dirs, w->cap * sizeof *w->dirs);
        if (!w->dirs) abort();
    }
    w->dirs[w->n].wd = wd;
    w->dirs[w->n].path = strdup(path);
    w->n++;
    DIR *d = opendir(path);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char sub[DEV_PATH_MAX];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub) continue;
        struct stat st;
        if (lstat(sub, &st) < 0 || !S_ISDIR(st.st_mode)) continue; /* no symlink loops */
        if (!skip_dir(sub, e->d_name)) add_tree(w, sub);
    }
    closedir(d);
    return 0;
}

dev_watch *dev_watch_new(const char *const *roots, size_t nroots) {
    dev_watch *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        dev_log("inotify: %s", strerror(errno));
        free(w);
        return NULL;
    }
    for (size_t i = 0; i < nroots; i++) {
        if (add_tree(w, roots[i]) < 0) {
            dev_watch_free(w);
            return NULL;
        }
    }
    return w;
}

int dev_watch_fd(const dev_watch *w) { return w->fd; }

static const char *dir_of(const dev_watch *w, int wd) {
    for (size_t i = 0; i < w->n; i++)
        if (w->dirs[i].wd == wd) return w->dirs[i].path;
    return NULL;
}

unsigned dev_watch_read(dev_watch *w, char *changed, size_t changed_size) {
    unsigned any = 0;
    /* Aligned as inotify requires; events are never split across reads. */
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n <= 0) break;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)(void *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) { /* lost events: assume a change */
                snprintf(changed, changed_size, "(many files)");
                any |= DEV_CHANGE_SOURCE;
                continue;
            }
            if (!ev->len) continue;
            const char *dir = dir_of(w, ev->wd);
            if (!dir) continue;
            char path[DEV_PATH_MAX];
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, ev->name) >= sizeof path)
                continue;
            if (ev->mask & IN_ISDIR) {
                if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && !skip_dir(path, ev->name))
                    add_tree(w, path);
                continue;
            }
            unsigned kind = kind_of(ev->name);
            if ((ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE)) && kind) {
                snprintf(changed, changed_size, "%s", path);
                any |= kind;
            }
        }
    }
    return any;
}

void dev_watch_free(dev_watch *w) {
    if (!w) return;
    for (size_t i = 0; i < w->n; i++) free(w->dirs[i].path);
    free(w->dirs);
    close(w->fd);
    free(w);
}
