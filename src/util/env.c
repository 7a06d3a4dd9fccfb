#define _DEFAULT_SOURCE /* explicit_bzero */
#include "util/env.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

extern char **environ;

char *rc_env_take(const char *name) {
    size_t nl = strlen(name);
    char *found[16];
    size_t nfound = 0;
    for (char **e = environ; e && *e && nfound < 16; e++)
        if (strncmp(*e, name, nl) == 0 && (*e)[nl] == '=') found[nfound++] = *e;
    if (!nfound) return NULL;
    char *value = rc_xstrdup(found[0] + nl + 1);
    unsetenv(name); /* takes the entries out of environ; their bytes stay: */
    for (size_t i = 0; i < nfound; i++) explicit_bzero(found[i], strlen(found[i]));
    return value;
}
