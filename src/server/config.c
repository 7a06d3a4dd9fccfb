/*
 * The app's settings with every default filled in. The server works from
 * this private copy (rc_server.cfg): the caller's rc_app is never written
 * with defaults, so the same rc_app can be run again, inspected, or shared
 * by worker processes exactly as the caller set it.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <stdint.h>

#include "server/server.h"

void rc_config_resolve(rc_app *cfg, const rc_app *app) {
    *cfg = *app;
    if (!cfg->title) cfg->title = "reactc";
    /* The program's name, not the title: two apps that share a title (or a
     * default one) still keep their tokens apart. The dev runner starts each
     * version with the app's own argv[0], so versions agree on it. */
    if (!cfg->app_id || !*cfg->app_id) cfg->app_id = program_invocation_short_name;
    if (!cfg->host) cfg->host = "127.0.0.1";
    if (cfg->port == 0) cfg->port = 8000; /* -1 stays: any free port */
    if (!cfg->max_message) cfg->max_message = 1024 * 1024;
    if (!cfg->max_sessions) cfg->max_sessions = 10000;
    if (!cfg->max_queued) cfg->max_queued = 4 * 1024 * 1024;
    if (!cfg->max_partial)
        cfg->max_partial =
            cfg->max_message * 2 > (size_t)8 << 20 ? cfg->max_message * 2 : (size_t)8 << 20;
    if (!cfg->message_timeout_ms) cfg->message_timeout_ms = 10 * 1000;
    if (!cfg->hello_timeout_ms) cfg->hello_timeout_ms = 10 * 1000;
    if (!cfg->max_per_address) cfg->max_per_address = 64;
    if (!(cfg->new_per_address_per_s > 0)) cfg->new_per_address_per_s = 10;
    if (!cfg->max_detached) cfg->max_detached = cfg->max_sessions / 4 ? cfg->max_sessions / 4 : 1;
    if (!cfg->token_ttl) cfg->token_ttl = 24 * 3600;
    if (!cfg->login_ttl) cfg->login_ttl = 12 * 3600;
    if (!cfg->max_token) cfg->max_token = 64 * 1024;
    if (!cfg->grace_ms) cfg->grace_ms = 60 * 1000;
    if (!cfg->drain_ms) cfg->drain_ms = 2000;
    if (!cfg->heartbeat_s) cfg->heartbeat_s = 15;
    if (cfg->heartbeat_s > 3600) cfg->heartbeat_s = 3600;
    /* Zero means "default" in rc_app, so "none" is spelled UINT32_MAX
     * (--token-interval 0, --grace 0) and becomes 0 here. */
    if (!cfg->token_interval_ms) cfg->token_interval_ms = 250;
    if (cfg->token_interval_ms == UINT32_MAX) cfg->token_interval_ms = 0;
    if (!cfg->render_interval_ms) cfg->render_interval_ms = 16;
    if (cfg->render_interval_ms == UINT32_MAX) cfg->render_interval_ms = 0;
    if (cfg->grace_ms == UINT32_MAX) cfg->grace_ms = 0;
}
