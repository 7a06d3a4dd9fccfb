/*
 * Taking a secret out of the environment for good.
 */
#ifndef RC_UTIL_ENV_H
#define RC_UTIL_ENV_H

/* Removes the variable `name` from the environment and returns its value
 * (malloc'd, NULL if unset). The bytes of every entry of that name are
 * zeroed too: the kernel shows /proc/<pid>/environ from the block the
 * process started with, which unsetenv alone leaves in place. */
char *rc_env_take(const char *name);

#endif
