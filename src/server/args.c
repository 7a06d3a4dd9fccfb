/*
 * rc_app_parse_args: the command line every reactc app understands (--help lists
 * it). Each option takes one value; a bad one is named with what was
 * expected, and nothing is half-applied silently.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reactc.h"
#include "server/metrics.h"
#include "server/origin.h"

static void usage(const char *prog) {
    printf(
        "usage: %s [--host ADDR] [--port N] [--log-level error|warn|info|debug] [--title T]\n"
        "  --host ADDR      address to listen on (default 127.0.0.1)\n"
        "  --port N         port (default 8000); 0: any free port, shown in the \"serving\" line\n"
        "  --log-level L    error, warn, info (default) or debug\n"
        "  --title T        page title\n"
        "  --secret-file F  state token secret(s), mode 0600 (else $REACTC_SECRET); make one\n"
        "                   with reactc-secret: b64:<32 bytes>, hex:<64 digits> or pass:<phrase>\n"
        "  --app-id ID      the app's id, bound into its tokens (default: the program's name)\n"
        "  --redis URL      redis://[:password@]IP:port[/db] or unix:///path[?db=N] (else\n"
        "                   $REACTC_REDIS; default: none, one process without Redis)\n"
        "  --static DIR     serve the files in DIR under /static/\n"
        "  --show-errors B  yes: a failed component shows its error's details in the page\n"
        "                   (default no: a generic message; details in the log)\n"
        "  --no-ssr         pages come with an empty mount: no server-rendered first paint\n"
        "                   (for apps whose render is not pure, or whose pages are huge)\n",
        prog);
    /* Two literals: C99 promises no more than 4095 bytes in one. */
    fputs(
        "  --grace S        seconds a disconnected session waits for its tab (default 60)\n"
        "  --token-ttl S    a state token resumes for S seconds after it was issued (default\n"
        "                   86400); lowering it also shortens tokens issued before\n"
        "  --max-token N    largest state token sent, bytes (default 65536; a bigger session\n"
        "                   re-attaches only while its process holds it; with --redis the\n"
        "                   client holds a reference and the state is in Redis)\n"
        "  --workers N      N worker processes on the port (auto: one per core; default 1)\n"
        "  --heartbeat S    ping an idle connection after S seconds, drop it after 2*S (default 15)\n"
        "  --token-interval MS  at most one state token per MS per session (default 250; 0: every change)\n"
        "  --render-interval MS  a tab renders for changes not its own (stores, timers) at most\n"
        "                   once per MS (default 16; 0: every change)\n"
        "  --idle S         an untouched tab sleeps after S seconds (default 240; 0: never)\n"
        "  --storage KIND   where tabs keep their session: session (default), local or memory\n"
        "  --max-sessions N sessions per process (default 10000)\n"
        "  --max-message N  largest message accepted, bytes (default 1048576)\n"
        "  --max-queued N   output bytes queued per connection before closing it (default 4194304)\n"
        "  --max-partial N  bytes of unfinished messages the process holds (default 8 MiB, or\n"
        "                   twice --max-message)\n"
        "  --message-timeout S  a message begun must end within S seconds (default 10)\n"
        "  --hello-timeout S    a new connection must speak within S seconds (default 10)\n"
        "  --max-detached N disconnected sessions kept for re-attach (default max-sessions/4)\n"
        "  --max-memory B   the app's memory budget (K, M or G: KiB, MiB, GiB): near it, new\n"
        "                   sessions are refused (close 4503); default none\n"
        "  --max-per-address N  WebSocket connections per client address (default 64)\n"
        "  --new-per-address R  new connections per second per client address (default 10)\n"
        "  --limit-loopback B   yes: the per-address caps apply to loopback too (default no)\n"
        "  --allow-origin O another origin (scheme://host[:port]) whose pages may open the\n"
        "                   WebSocket (repeatable; the page's own origin always may)\n"
        "  --allow-host H   a DNS name the Host header may carry (repeatable; IP addresses and\n"
        "                   localhost always may; others get 421)\n"
        "  --trusted-proxy A  a reverse proxy's IP address: its X-Forwarded-Host/-Proto/-For\n"
        "                   are believed (repeatable; none by default)\n"
        "  --metrics A:P    serve GET /metrics (Prometheus) on its own port: P alone is on\n"
        "                   127.0.0.1; off by default; with --workers, every worker's\n"
        "  --tls-cert F     serve HTTPS and WSS with the PEM certificate (chain) in F; needs\n"
        "                   --tls-key; SIGHUP re-reads both (open sessions go on)\n"
        "  --tls-key F      the certificate's PEM private key, mode 0600 or 0400\n"
        "  --redirect-http P  with TLS: plain HTTP on port P answers 308 to the https URL\n"
        "  --auth-file F    a login: user:hash lines (reactc-passwd prints one), mode 0600;\n"
        "                   pages show a login form, WebSockets need its cookie; SIGHUP re-reads\n"
        "  --login-ttl S    the login cookie's life in seconds (default 43200: 12 h)\n",
        stdout);
}

static bool parse_level(const char *s, rc_log_level *out) {
    static const char *names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (rc_log_level)i;
            return true;
        }
    return false;
}

/* yes or no; otherwise says which option was bad. */
static bool bool_option(const char *prog, const char *opt, const char *val, bool *out) {
    if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0) {
        fprintf(stderr, "%s: bad value for %s: \"%s\" (yes or no)\n", prog, opt, val);
        return false;
    }
    *out = val[0] == 'y';
    return true;
}

/* A whole number in [lo, hi]; otherwise says which option was bad and why. */
static bool int_option(const char *prog, const char *opt, const char *val, long long lo,
                       long long hi, const char *expected, long long *out) {
    char *end;
    errno = 0;
    long long n = strtoll(val, &end, 10);
    if (errno || end == val || *end || n < lo || n > hi) {
        fprintf(stderr, "%s: bad value for %s: \"%s\" (%s)\n", prog, opt, val, expected);
        return false;
    }
    *out = n;
    return true;
}

/* A byte count with an optional K, M or G (KiB, MiB, GiB; either case) in [1, 2^40];
 * otherwise says which option was bad and why. */
static bool size_option(const char *prog, const char *opt, const char *val, size_t *out) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(val, &end, 10);
    unsigned shift = 0;
    if (end != val && *end && !end[1]) {
        const char *units = "KMGkmg", *u = strchr(units, *end);
        if (u) shift = 10 * (unsigned)((u - units) % 3 + 1), end++;
    }
    if (errno || end == val || *end || val[0] == '-' || n == 0 || n > (1ull << 40) >> shift) {
        fprintf(stderr, "%s: bad value for %s: \"%s\" (bytes, with K, M or G: 64M)\n", prog, opt,
                val);
        return false;
    }
    *out = (size_t)(n << shift);
    return true;
}

/* The repeatable options' lists: what the app had, then each value given,
 * NULL-terminated. Static storage (rc_app only points at it): nothing to
 * free, at the price of one parse per process. */
#define LIST_MAX 32
typedef struct arg_list {
    const char *opt;
    const char *items[LIST_MAX + 1];
    size_t n;
} arg_list;
static arg_list lists[3] = {
    {"--allow-origin", {0}, 0}, {"--allow-host", {0}, 0}, {"--trusted-proxy", {0}, 0}};

static const char *const **list_field(rc_app *app, int i) {
    return i == 0 ? &app->allow_origins : i == 1 ? &app->allow_hosts : &app->trusted_proxies;
}

/* Appends val to list i (checked as that list's rules would parse it). */
static bool list_option(rc_app *app, const char *prog, int i, const char *val) {
    arg_list *l = &lists[i];
    const char *const **field = list_field(app, i);
    if (*field != l->items) { /* first use: start from the app's own */
        l->n = 0;
        for (const char *const *p = *field; p && *p && l->n < LIST_MAX; p++) l->items[l->n++] = *p;
    }
    rc_edge_rules rules;
    char err[300];
    rc_app one = {0};
    const char *const single[2] = {val, NULL};
    *list_field(&one, i) = single;
    if (rc_edge_rules_init(&rules, &one, err, sizeof err)) {
        fprintf(stderr, "%s: %s: %s\n", prog, l->opt, err);
        return false;
    }
    rc_edge_rules_free(&rules);
    if (l->n >= LIST_MAX) {
        fprintf(stderr, "%s: %s given more than %d times\n", prog, l->opt, LIST_MAX);
        return false;
    }
    l->items[l->n++] = val;
    l->items[l->n] = NULL;
    *field = l->items;
    return true;
}

/* --metrics PORT, ADDR:PORT or [V6]:PORT (read again when the server starts). */
static bool metrics_option(rc_app *app, const char *prog, const char *val) {
    char host[256], err[200];
    int port;
    if (rc_metrics_parse_addr(val, host, sizeof host, &port, err, sizeof err) < 0) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return false;
    }
    app->metrics = val;
    return true;
}

/* The options whose value is kept as given (a path, an address, a URL;
 * each checked where it is used: rc_app_run, before any fork): true when
 * a is one of them. */
static bool string_option(rc_app *app, const char *a, const char *val) {
    static const struct {
        const char *name;
        size_t field;
    } opts[] = {
        {"--host", offsetof(rc_app, host)},
        {"--title", offsetof(rc_app, title)},
        {"--static", offsetof(rc_app, static_dir)},
        {"--redis", offsetof(rc_app, redis)},
        {"--secret-file", offsetof(rc_app, secret_file)},
        {"--tls-cert", offsetof(rc_app, tls_cert)},
        {"--tls-key", offsetof(rc_app, tls_key)},
        {"--auth-file", offsetof(rc_app, auth_file)},
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        if (strcmp(a, opts[i].name) == 0) {
            memcpy((char *)app + opts[i].field, &val, sizeof val);
            return true;
        }
    return false;
}

int rc_app_parse_args(rc_app *app, int argc, char **argv) {
    app->log_level = RC_LOG_INFO;
    long long n;
    for (int i = 1; i < argc; i += 2) { /* every option takes one value */
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(argv[0]);
            return 1;
        }
        if (strcmp(a, "--no-ssr") == 0) { /* the one option without a value */
            app->no_ssr = true;
            i--;
            continue;
        }
        if (!val) {
            fprintf(stderr, "%s: %s needs a value (see --help)\n", argv[0], a);
            return -1;
        }
        if (string_option(app, a, val)) {
            continue;
        } else if (strcmp(a, "--port") == 0) {
            if (!int_option(argv[0], a, val, 0, 65535, "0..65535; 0: any free port", &n)) return -1;
            app->port = n == 0 ? -1 : (int)n; /* explicit 0: any free port */
        } else if (strcmp(a, "--log-level") == 0) {
            if (!parse_level(val, &app->log_level)) {
                fprintf(stderr, "%s: bad log level \"%s\"\n", argv[0], val);
                return -1;
            }
        } else if (strcmp(a, "--max-sessions") == 0 || strcmp(a, "--max-message") == 0 ||
                   strcmp(a, "--max-queued") == 0 || strcmp(a, "--max-partial") == 0 ||
                   strcmp(a, "--max-detached") == 0 || strcmp(a, "--max-token") == 0) {
            if (!int_option(argv[0], a, val, 1, 1ll << 40, "a positive number", &n)) return -1;
            if (a[6] == 's') app->max_sessions = (size_t)n;
            else if (a[6] == 'm') app->max_message = (size_t)n;
            else if (a[6] == 'p') app->max_partial = (size_t)n;
            else if (a[6] == 'd') app->max_detached = (size_t)n;
            else if (a[6] == 't') app->max_token = (size_t)n;
            else app->max_queued = (size_t)n;
        } else if (strcmp(a, "--max-memory") == 0) {
            if (!size_option(argv[0], a, val, &app->max_memory)) return -1;
        } else if (strcmp(a, "--message-timeout") == 0 || strcmp(a, "--hello-timeout") == 0) {
            if (!int_option(argv[0], a, val, 1, 3600, "seconds, 1..3600", &n)) return -1;
            if (a[2] == 'm') app->message_timeout_ms = (uint32_t)n * 1000;
            else app->hello_timeout_ms = (uint32_t)n * 1000;
        } else if (strcmp(a, "--token-ttl") == 0 || strcmp(a, "--login-ttl") == 0) {
            if (!int_option(argv[0], a, val, 1, 366ll * 86400, "seconds, 1..31622400", &n))
                return -1;
            *(a[2] == 't' ? &app->token_ttl : &app->login_ttl) = (uint32_t)n;
        } else if (strcmp(a, "--token-interval") == 0 || strcmp(a, "--render-interval") == 0) {
            if (!int_option(argv[0], a, val, 0, 600000, "ms; 0: every change", &n)) return -1;
            uint32_t *field = a[2] == 't' ? &app->token_interval_ms : &app->render_interval_ms;
            *field = n == 0 ? UINT32_MAX : (uint32_t)n;
        } else if (strcmp(a, "--idle") == 0) {
            if (!int_option(argv[0], a, val, 0, 2000000, "seconds; 0: never", &n)) return -1;
            app->client.idle_s = n == 0 ? UINT32_MAX : (uint32_t)n;
        } else if (strcmp(a, "--storage") == 0) {
            if (strcmp(val, "session") != 0 && strcmp(val, "local") != 0 &&
                strcmp(val, "memory") != 0) {
                fprintf(stderr, "%s: bad storage \"%s\" (session, local or memory)\n", argv[0],
                        val);
                return -1;
            }
            app->client.storage = val;
        } else if (strcmp(a, "--heartbeat") == 0) {
            if (!int_option(argv[0], a, val, 1, 3600, "seconds, 1..3600", &n)) return -1;
            app->heartbeat_s = (uint32_t)n;
        } else if (strcmp(a, "--workers") == 0) {
            if (strcmp(val, "auto") == 0) app->workers = -1;
            else if (int_option(argv[0], a, val, 1, 256, "1..256 or auto", &n))
                app->workers = (int)n;
            else return -1;
        } else if (strcmp(a, "--max-per-address") == 0) {
            if (!int_option(argv[0], a, val, 1, 1000000, "a positive number", &n)) return -1;
            app->max_per_address = (uint32_t)n;
        } else if (strcmp(a, "--new-per-address") == 0) {
            char *end;
            errno = 0;
            double r = strtod(val, &end);
            if (errno || end == val || *end || !(r > 0) || r > 1e6) {
                fprintf(stderr, "%s: bad value for %s: \"%s\" (per second, > 0)\n", argv[0], a,
                        val);
                return -1;
            }
            app->new_per_address_per_s = r;
        } else if (strcmp(a, "--limit-loopback") == 0) {
            if (!bool_option(argv[0], a, val, &app->limit_loopback)) return -1;
        } else if (strcmp(a, "--show-errors") == 0) {
            if (!bool_option(argv[0], a, val, &app->show_errors)) return -1;
        } else if (strcmp(a, "--allow-origin") == 0 || strcmp(a, "--allow-host") == 0 ||
                   strcmp(a, "--trusted-proxy") == 0) {
            int li = a[2] == 't' ? 2 : a[8] == 'o' ? 0 : 1;
            if (!list_option(app, argv[0], li, val)) return -1;
        } else if (strcmp(a, "--metrics") == 0) {
            if (!metrics_option(app, argv[0], val)) return -1;
        } else if (strcmp(a, "--redirect-http") == 0) {
            if (!int_option(argv[0], a, val, 1, 65535, "a port, 1..65535", &n)) return -1;
            app->redirect_http = (int)n;
        } else if (strcmp(a, "--app-id") == 0) {
            if (!*val) {
                fprintf(stderr, "%s: --app-id is empty\n", argv[0]);
                return -1;
            }
            app->app_id = val;
        } else if (strcmp(a, "--grace") == 0) {
            char *end;
            errno = 0;
            double g = strtod(val, &end);
            if (errno || *end || g < 0 || g > 86400) {
                fprintf(stderr, "%s: bad grace period \"%s\"\n", argv[0], val);
                return -1;
            }
            app->grace_ms = g == 0 ? UINT32_MAX : (uint32_t)(g * 1000);
        } else {
            fprintf(stderr, "%s: unknown option %s (see --help)\n", argv[0], a);
            return -1;
        }
    }
    return 0;
}
