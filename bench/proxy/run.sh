#!/usr/bin/env bash
# bench/proxy/run.sh: events/s through HAProxy in front of a 2-worker server
# (docs/deploy.md), beside the same load straight to the
# server and to the raw libwebsockets echo.
#
# Starts build/examples/counter --workers 2 and build/bench/echo on free
# loopback ports, and HAProxy (`haproxy -db -f`, in the foreground, under
# `timeout`; never the system service) with a configuration made in a
# temporary directory from deploy/haproxy.cfg: its global, defaults and
# backend settings as they are (leastconn, health checks, timeouts, retries),
# with what cannot run here changed: no user/group switch and no syslog,
# maxconn 4000 (the descriptor limit here is 20,000), plain HTTP on a
# loopback port instead of TLS on :443 (the load client speaks ws://; TLS
# would add its own cost), no :80 redirect, the backend's servers replaced by
# the 2-worker server's port, and one more frontend/backend pair for the echo
# (no health check: the echo answers HTTP with 404).
#
# Then, REPEAT rounds of four runs of build/bench/load at CONNS connections:
# echo direct, echo through HAProxy, counter direct, counter through HAProxy
# (interleaved so that drifting background load hits all four alike).
# Nothing is pinned: 2 workers, HAProxy's threads and the load client share
# the machine's cores, as they would in production on a small machine.
#
# Prints a Markdown section on stdout; "key value" figures go to $RESULTS.
# Environment: BUILD, DURATION (2), WARMUP (0.5), REPEAT (3), CONNS (100),
# TOTAL_LIMIT (s, default 150).
set -euo pipefail

TOTAL_LIMIT=${TOTAL_LIMIT:-150}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"

DURATION=${DURATION:-2}
WARMUP=${WARMUP:-0.5}
REPEAT=${REPEAT:-3}
CONNS=${CONNS:-100}
EVENT_TIMEOUT=$(awk -v d="$DURATION" -v w="$WARMUP" 'BEGIN { printf "%d", d + w + 30 }')
COUNTER=$BUILD/examples/counter
ECHO=$BUILD/bench/echo
HAPROXY=$(command -v haproxy || { [ -x /usr/sbin/haproxy ] && echo /usr/sbin/haproxy; } || true)
export REACTC_SECRET=${REACTC_SECRET:-b64:$(head -c 32 /dev/urandom | base64)}

section_head() {
    echo "## Through HAProxy, 2 workers (bench/proxy)"
    echo
}

skip() {
    section_head
    echo "Not measured: $*."
    echo
    result proxy.skipped "$*"
    exit 0
}

for b in "$COUNTER" "$ECHO" "$BUILD/bench/load"; do
    [ -x "$b" ] || skip "$b is missing (build first)"
done
[ -n "$HAPROXY" ] || skip "haproxy is not installed (scripts/install-deps.sh installs it)"
HAPROXY_VERSION=$(timeout 10 "$HAPROXY" -v 2>/dev/null | sed -n '1s/^HAProxy version \([^ ]*\).*/\1/p')

log "starting counter --workers 2"
start_server counter 2 "$COUNTER" --host 127.0.0.1 --port 0 --workers 2 ||
    skip "the 2-worker counter did not start"
APP_PORT=$SRV_PORT
APP_WRAP=$SRV_WRAP
APP_PIDS=$SRV_PIDS
# shellcheck disable=SC2086  # a list of pids
set -- $APP_PIDS
[ $# -eq 2 ] || skip "the counter supervisor has $# workers, not 2"
APP_SRV=()
for p in $APP_PIDS; do APP_SRV+=(--server-pid "$p"); done

common=(--button increment --connections "$CONNS" --duration "$DURATION" --warmup "$WARMUP")
declare -A RUNS        # NAME -> RESULT lines, one per run, "|"-separated

# measure NAME PORT ARGS...: one load run; its RESULT line is kept under NAME.
measure() {
    local name=$1 port=$2
    shift 2
    log "$name: $CONNS connections"
    run_load "$EVENT_TIMEOUT" --port "$port" "${common[@]}" "$@"
    RUNS[$name]="${RUNS[$name]:-}${RES}|"
}

# The echo answers with messages of the size of the counter's patches.
measure direct "$APP_PORT" "${APP_SRV[@]}"
reply=$(awk -v b="$(field "${RUNS[direct]%|}" bytes_per_update)" 'BEGIN { r = int(b + 0.5); if (r < 2) r = 2; print r }')
start_server echo 1 "$ECHO" --host 127.0.0.1 --port 0 --reply-bytes "$reply" ||
    skip "the echo did not start"
ECHO_PORT=$SRV_PORT
ECHO_PID=$SRV_PID

# ---- the HAProxy configuration, from deploy/haproxy.cfg ---------------------------

CFG=$TMP/haproxy.cfg
make_cfg() {
    local fe_app=$1 fe_echo=$2
    # Each change must apply exactly as often as expected: if
    # deploy/haproxy.cfg changes shape, say so rather than bench something else.
    awk -v fe_app="$fe_app" -v app_port="$APP_PORT" '
        /^[[:space:]]*(user|group) haproxy[[:space:]]*$/ { n["user/group"]++; next }
        /^[[:space:]]*log \/dev\/log / { n["log"]++; next }
        /^[[:space:]]*maxconn [0-9]+/ { sub(/maxconn [0-9]+/, "maxconn 4000"); n["maxconn"]++ }
        /^frontend reactc_http[[:space:]]*$/ { skip = 1; n["http frontend"]++; next }
        skip && /^[[:space:]]*$/ { skip = 0; next }
        skip { next }
        /^[[:space:]]*bind :443 ssl / { sub(/bind :443 ssl .*/, "bind 127.0.0.1:" fe_app); n["bind :443"]++ }
        /^[[:space:]]*server [A-Za-z0-9_]+ 192\.0\.2\.[0-9]+:[0-9]+/ {
            if (n["servers"]++) next
            sub(/192\.0\.2\.[0-9]+:[0-9]+/, "127.0.0.1:" app_port)
        }
        { print }
        END {
            split("user/group=2,log=1,maxconn=1,http frontend=1,bind :443=1,servers=3", want, ",")
            for (i in want) {
                split(want[i], kv, "=")
                if (n[kv[1]] != kv[2]) { printf "deploy/haproxy.cfg: %s found %d times, expected %d\n", kv[1], n[kv[1]], kv[2] > "/dev/stderr"; bad = 1 }
            }
            exit bad
        }' "$ROOT/deploy/haproxy.cfg" >"$CFG" || return 1
    cat >>"$CFG" <<EOF

# bench/proxy/run.sh: the raw echo behind the same defaults, for comparison.
frontend bench_echo
    bind 127.0.0.1:$fe_echo
    default_backend bench_echo

backend bench_echo
    balance leastconn
    server echo1 127.0.0.1:$ECHO_PORT no-check
EOF
}

HAPROXY_WRAP=
for attempt in 1 2 3; do
    FE_APP=$(free_port) && FE_ECHO=$(free_port) || skip "no free loopback port"
    [ "$FE_APP" != "$FE_ECHO" ] || continue
    make_cfg "$FE_APP" "$FE_ECHO" || skip "deploy/haproxy.cfg no longer has the shape this script edits"
    if ! check=$(timeout 10 "$HAPROXY" -c -f "$CFG" 2>&1); then
        log "haproxy -c:"
        echo "$check" >&2
        skip "the generated HAProxy configuration does not pass haproxy -c"
    fi
    log "starting haproxy on 127.0.0.1:$FE_APP (app) and :$FE_ECHO (echo), attempt $attempt"
    timeout -k 2 "$SERVER_LIMIT" "$HAPROXY" -db -f "$CFG" >"$TMP/haproxy.log" 2>&1 &
    HAPROXY_WRAP=$!
    SERVERS+=("$HAPROXY_WRAP")
    # Up when the page comes through it (the health checks passed).
    for _ in $(seq 100); do
        kill -0 "$HAPROXY_WRAP" 2>/dev/null || break
        [ "$(http_status "$FE_APP")" = 200 ] && break
        sleep 0.1
    done
    if kill -0 "$HAPROXY_WRAP" 2>/dev/null && [ "$(http_status "$FE_APP")" = 200 ]; then break; fi
    cat "$TMP/haproxy.log" >&2
    stop_server "$HAPROXY_WRAP"
    HAPROXY_WRAP=
done
[ -n "$HAPROXY_WRAP" ] || skip "HAProxy did not start (see the log of bench/run.sh)"
HAPROXY_PID=$(pgrep -P "$HAPROXY_WRAP" | head -n1 || true)
PX=()
[ -n "$HAPROXY_PID" ] && PX=(--proxy-pid "$HAPROXY_PID")

# ---- the runs ----------------------------------------------------------------------

for rep in $(seq "$REPEAT"); do
    measure echo "$ECHO_PORT" --server-pid "$ECHO_PID" --echo
    measure echo_haproxy "$FE_ECHO" --server-pid "$ECHO_PID" "${PX[@]}" --echo
    # The first direct run (above) measured the reply size; it counts too.
    [ "$rep" -gt 1 ] && measure direct "$APP_PORT" "${APP_SRV[@]}"
    measure haproxy "$FE_APP" "${APP_SRV[@]}" "${PX[@]}"
done
alive="yes"
kill -0 "$HAPROXY_WRAP" 2>/dev/null || alive="no (it died during the runs)"
stop_server "$HAPROXY_WRAP"
stop_server "$APP_WRAP"

# ---- figures --------------------------------------------------------------------------

# stat NAME KEY: the median of KEY over NAME's runs.
stat() {
    local vals=() r rs
    IFS='|' read -r -a rs <<<"${RUNS[$1]:-}"
    for r in "${rs[@]+"${rs[@]}"}"; do [ -n "$r" ] && vals+=("$(field "$r" "$2")"); done
    median "${vals[@]+"${vals[@]}"}"
}
# pair_ratio A B KEY: the median over rounds of A's KEY / B's KEY (same round).
pair_ratio() {
    local ra rb i out=()
    IFS='|' read -r -a ra <<<"${RUNS[$1]:-}"
    IFS='|' read -r -a rb <<<"${RUNS[$2]:-}"
    for i in "${!ra[@]}"; do
        [ -n "${ra[$i]}" ] && [ -n "${rb[$i]:-}" ] &&
            out+=("$(ratio "$(field "${ra[$i]}" "$3")" "$(field "${rb[$i]}" "$3")")")
    done
    fmt "$(median "${out[@]+"${out[@]}"}")" %.2f
}
maxstat() {
    local vals=() r rs
    IFS='|' read -r -a rs <<<"${RUNS[$1]:-}"
    for r in "${rs[@]+"${rs[@]}"}"; do [ -n "$r" ] && vals+=("$(field "$r" "$2")"); done
    maxof "${vals[@]+"${vals[@]}"}"
}

declare -A LABEL=(
    [echo]="raw lws echo, direct"
    [echo_haproxy]="raw lws echo, through HAProxy"
    [direct]="counter, 2 workers, direct"
    [haproxy]="counter, 2 workers, through HAProxy"
)
ROWS_MD=()
for n in echo echo_haproxy direct haproxy; do
    eps=$(stat "$n" events_per_s)
    for k in events_per_s p50_us p99_us server_us_per_event proxy_us_per_event bytes_per_update; do
        case $k in *_us_per_event|bytes_per_update) f=%.1f ;; *) f=%.0f ;; esac
        result "proxy.$n.$k" "$(fmt "$(stat "$n" "$k")" "$f")"
    done
    px=$(stat "$n" proxy_us_per_event)
    case $n in echo|direct) px_cell="" ;; *) px_cell="$(fmt "$(stat "$n" proxy_cpu_pct)" %.0f)%, $(fmt "$px" %.1f)" ;; esac
    runs=$(tr '|' '\n' <<<"${RUNS[$n]:-}" | grep -c '^RESULT' || true)
    ROWS_MD+=("| ${LABEL[$n]} | $(fmt "$eps" %.0f) | $(fmt "$(stat "$n" p50_us)" %.0f) | $(fmt "$(stat "$n" p99_us)" %.0f) | $(fmt "$(stat "$n" server_cpu_pct)" %.0f)%, $(fmt "$(stat "$n" server_us_per_event)" %.1f) | $px_cell | $(fmt "$(maxstat "$n" load_cpu_pct)" %.0f)% | $(pair_ratio "$n" echo events_per_s) | $runs |")
done
R_HA_DIRECT=$(pair_ratio haproxy direct events_per_s)
R_HA_ECHO=$(pair_ratio haproxy echo events_per_s)
R_EHA_ECHO=$(pair_ratio echo_haproxy echo events_per_s)
R_HA_EHA=$(pair_ratio haproxy echo_haproxy events_per_s)
result proxy.ratio_haproxy_direct "$R_HA_DIRECT"
result proxy.ratio_haproxy_echo "$R_HA_ECHO"
result proxy.ratio_echo_haproxy_echo "$R_EHA_ECHO"
result proxy.ratio_haproxy_echo_haproxy "$R_HA_EHA"
result proxy.conns "$CONNS"

section_head
cat <<EOF
\`bench/proxy/run.sh\`: \`build/examples/counter --workers 2\` behind HAProxy $HAPROXY_VERSION
(\`haproxy -db -f\`, a configuration generated from \`deploy/haproxy.cfg\`: its global, defaults
and backend settings, with plain HTTP on a loopback port instead of TLS, maxconn 4000, no
user switch or syslog), driven by \`build/bench/load\` at $CONNS connections (closed loop, one
event in flight per connection, ${WARMUP} s warm-up, ${DURATION} s measured). The raw echo
answers with messages of the counter's patch size ($reply bytes). The four runs alternate,
$REPEAT rounds; figures are medians over the rounds, ratios the median of the same round's
ratios. Nothing is pinned: the 2 workers, HAProxy's threads and the load client share the
$(nproc) cores, so the load client's own CPU (last column but two) is part of what limits
every line. Server CPU: the 2 workers together (the echo: its one process), as a share of
one core and in µs per event; HAProxy's likewise.

| path | events/s | p50 µs | p99 µs | server CPU, µs/event | HAProxy CPU, µs/event | load client CPU (max) | events/s ratio to the echo direct | runs |
|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${ROWS_MD[@]}")

Counter through HAProxy / counter direct: **$R_HA_DIRECT**; through HAProxy / raw echo direct:
**$R_HA_ECHO**; the echo through HAProxy / echo direct: $R_EHA_ECHO (what the proxy costs
without reactc); counter / echo, both through HAProxy: $R_HA_EHA. HAProxy alive at the end: $alive.

EOF
