#ifndef RC_REDIS_URL_H
#define RC_REDIS_URL_H
/*
 * The --redis URL (docs/deploy.md, "Redis"): redis://[:password@]ip:port[/db]
 * or unix:///path/to/socket[?db=N][&password=P]. Host names are refused:
 * hiredis 0.14 resolves them with a blocking getaddrinfo on the loop thread,
 * at every reconnect, so only IP literals (IPv6 in brackets) are taken.
 */
#include <stdbool.h>
#include <stddef.h>

typedef struct rc_redis_url {
    bool is_unix;
    char host[64];  /* IP literal, without brackets */
    int port;       /* default 6379 */
    char path[108]; /* Unix socket path (sun_path's size) */
    int db;         /* SELECT index, default 0 */
    char *password; /* NULL: no AUTH; wiped and freed by rc_redis_url_free */
} rc_redis_url;

/* Parses text into out. Returns 0, or -1 with a message in err that names
 * what is wrong but never contains the password. */
int rc_redis_url_parse(const char *text, rc_redis_url *out, char *err, size_t errlen);

/* Wipes and frees the password. */
void rc_redis_url_free(rc_redis_url *u);

/* The URL for logs: the password replaced by "***". */
void rc_redis_url_describe(const rc_redis_url *u, char *buf, size_t cap);

/* Every key of an app starts with "reactc:<app_id>:", so apps can share one
 * Redis database. Returns 0, or -1 when it does not fit in cap. */
int rc_redis_key_prefix(const char *app_id, char *buf, size_t cap);

#endif
