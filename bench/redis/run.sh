#!/usr/bin/env bash
# bench/redis/run.sh: stores shared through Redis (issue 16; docs/deploy.md,
# "Redis"). Starts its own redis-server (foreground, loopback, no
# persistence: `--appendonly no --save ""`, so that the figures are the
# network and CPU path, not the disk's fsync) and measures:
#
#   propagation  two tally servers (tests/chaos/apps/tally.c --bench: one
#                store, a counter every click adds 1 to) with --redis, one
#                session on each (build/bench/load --fanout, 2 sessions):
#                session A clicks, the time until session B (the other
#                process) receives the patch showing the new value; PROP_ROUNDS
#                samples spaced by 30 ms (B renders a store change at once
#                when its last render is more than --render-interval, 16 ms,
#                ago: spaced samples never wait for it);
#   writes       store writes committed through Redis from one process: 50
#                sessions on one tally server clicking closed-loop (each waits
#                for its ack); committed writes/s read from Redis itself (the
#                counter's value at two moments of the measured window), beside
#                the load client's events/s; the same app without --redis (in
#                memory) for comparison;
#   counter      examples/counter at 100 connections with --redis vs without,
#                servers pinned to CPU 0 and the load client to CPU 1 as in
#                bench/load (Redis unpinned), runs alternated, REPEAT pairs;
#                ratio = median of the pairs' ratios (target: ≥ 0.9×);
#   fanout       one change to 10,000 sessions over 2 processes: 5,000 idle
#                sessions subscribed to the counter on each of two tally
#                servers, plus a clicking one on the first; per round, the time
#                from the click's send to the last of the 10,000 sessions'
#                patches (load --fanout; FANOUT_ROUNDS rounds, 0.3 s apart;
#                nothing pinned: the 2 servers, Redis and the load client share
#                the 2 cores); beside it the same on one process without
#                Redis (the sockets', renders' and client's share).
#
# Prints a Markdown section on stdout; "key value" figures go to $RESULTS.
# Environment: BUILD, QUICK=1 (fewer samples), TOTAL_LIMIT (s, default 90).
set -euo pipefail

TOTAL_LIMIT=${TOTAL_LIMIT:-90}
# shellcheck disable=SC2034  # read by lib.sh
LIB_NAME=bench/redis/run.sh
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
    PROP_ROUNDS=100 WRITE_SECS=1.5 REPEAT=1 DURATION=1 FANOUT_SESSIONS=2000 FANOUT_ROUNDS=5
else
    PROP_ROUNDS=300 WRITE_SECS=3 REPEAT=3 DURATION=2 FANOUT_SESSIONS=10000 FANOUT_ROUNDS=10
fi
WARMUP=0.5
TALLY=$BUILD/tests/chaos/apps/tally
COUNTER=$BUILD/examples/counter
LOAD=$BUILD/bench/load
REDIS_SERVER=$(command -v redis-server || true)
REDIS_CLI=$(command -v redis-cli || true)
export REACTC_SECRET=${REACTC_SECRET:-b64:$(head -c 32 /dev/urandom | base64)}
APP_ID=bench-redis

section_head() {
    echo "## Stores through Redis (bench/redis)"
    echo
}

skip() {
    section_head
    echo "Not measured: $*."
    echo
    result redis.skipped "$*"
    exit 0
}

for b in "$TALLY" "$COUNTER" "$LOAD"; do
    [ -x "$b" ] || skip "$b is missing (build first)"
done
if [ -z "$REDIS_SERVER" ] || [ -z "$REDIS_CLI" ]; then
    skip "redis-server is not installed (scripts/install-deps.sh installs it)"
fi
[ "$("$TALLY" --probe)" = "redis-stores yes" ] ||
    skip "this build has no Redis store backend (src/redis/stores.c): stores are per process"

# ---- Redis ---------------------------------------------------------------------------

REDIS_PORT=
for _ in 1 2 3; do
    REDIS_PORT=$(free_port) || skip "no free loopback port"
    timeout -k 2 "$SERVER_LIMIT" "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 \
        --save "" --appendonly no --dir "$TMP" --daemonize no >"$TMP/redis.log" 2>&1 &
    REDIS_WRAP=$!
    SERVERS+=("$REDIS_WRAP")
    for _ in $(seq 100); do
        grep -q "Ready to accept connections" "$TMP/redis.log" 2>/dev/null && break
        kill -0 "$REDIS_WRAP" 2>/dev/null || break
        sleep 0.05
    done
    grep -q "Ready to accept connections" "$TMP/redis.log" && break
    cat "$TMP/redis.log" >&2
    stop_server "$REDIS_WRAP"
    REDIS_PORT=
done
[ -n "$REDIS_PORT" ] || skip "redis-server did not start"
REDIS_VERSION=$("$REDIS_SERVER" --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
rcli() { timeout 5 "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" --raw "$@"; }

# The shared counter as Redis holds it (the JSON after "<version> <order> ").
redis_total() {
    rcli HGET "reactc:$APP_ID:s:total" v | awk 'NF >= 3 { print $3; exit } END { if (!NR) print 0 }'
}

# start_tally NAME [ARGS...]: a tally --bench server with --redis (unless
# ARGS say --no-redis), waiting until it says "redis: up".
start_tally() {
    local name=$1
    shift
    local args=(--redis "$REDIS_URL" --app-id "$APP_ID")
    if [ "${1:-}" = --no-redis ]; then
        args=()
        shift
    fi
    start_server "$name" 1 "$@" "$TALLY" --bench --host 127.0.0.1 --port 0 "${args[@]+"${args[@]}"}" || return 1
    [ ${#args[@]} -eq 0 ] && return 0
    for _ in $(seq 100); do
        grep -q "redis: up" "$TMP/$name.log" && return 0
        sleep 0.05
    done
    log "$name: no \"redis: up\" in its log"
    return 1
}

# ---- propagation: a write on A, the patch on B ------------------------------------------

log "propagation: $PROP_ROUNDS samples"
start_tally prop_a || skip "tally did not start"
A_PORT=$SRV_PORT
A_WRAP=$SRV_WRAP
start_tally prop_b || skip "tally did not start"
B_PORT=$SRV_PORT
B_WRAP=$SRV_WRAP
run_load 60 --port "$A_PORT" --port2 "$B_PORT" --connections 2 --fanout "$PROP_ROUNDS" \
    --gap 0.03 --round-timeout 0.5
PROP=$RES
for k in b_p50_us b_p99_us b_max_us rounds late; do result "redis.prop.$k" "$(field "$PROP" "$k")"; done

# ---- store writes/s through Redis from one process --------------------------------------

# write_rate NAME PORT PID REDIS?: 50 sessions clicking closed-loop; sets
# WRITE (the load's RESULT line) and COMMITTED (writes/s Redis saw).
write_rate() {
    local name=$1 port=$2 pid=$3 redis=$4
    log "writes: $name, 50 connections, $WRITE_SECS s"
    local out=$TMP/write_$name.out
    timeout -k 2 60 "$LOAD" --port "$port" --server-pid "$pid" --connections 50 \
        --warmup "$WARMUP" --duration "$WRITE_SECS" --timeout 50 >"$out" 2>&1 &
    local lp=$!
    COMMITTED=""
    if [ "$redis" = yes ]; then
        # Inside the measured window: Redis's counter at two moments.
        local w1 w2 v1 v2 t1 t2
        w1=$(awk -v w="$WARMUP" 'BEGIN { print w + 0.4 }')
        w2=$(awk -v d="$WRITE_SECS" 'BEGIN { print d - 0.6 }')
        sleep "$w1"
        v1=$(redis_total)
        t1=$(date +%s.%N)
        sleep "$w2"
        v2=$(redis_total)
        t2=$(date +%s.%N)
        COMMITTED=$(awk -v a="$v1" -v b="$v2" -v s="$t1" -v e="$t2" 'BEGIN { if (e > s) printf "%.0f", (b - a) / (e - s) }')
    fi
    wait "$lp" || true
    cat "$out" >&2
    WRITE=$(grep '^RESULT ' "$out" | tail -n1 || true)
}
stop_server "$B_WRAP"
A_PID=$(pgrep -P "$A_WRAP" | head -n1 || true)
write_rate redis "$A_PORT" "$A_PID" yes
W_REDIS=$WRITE
W_COMMITTED=$COMMITTED
stop_server "$A_WRAP"
start_tally mem --no-redis || skip "tally did not start"
write_rate memory "$SRV_PORT" "$SRV_PID" no
W_MEM=$WRITE
stop_server "$SRV_WRAP"
result redis.write.committed_per_s "$W_COMMITTED"
result redis.write.events_per_s "$(fmt "$(field "$W_REDIS" events_per_s)" %.0f)"
result redis.write.p50_us "$(fmt "$(field "$W_REDIS" p50_us)" %.0f)"
result redis.write.memory_events_per_s "$(fmt "$(field "$W_MEM" events_per_s)" %.0f)"

# ---- counter at 100 connections, --redis vs not ------------------------------------------

pin_cpus
log "counter: 100 connections, with --redis and without, $REPEAT pair(s)"
start_server counter_plain 1 "${PIN_SERVER[@]+"${PIN_SERVER[@]}"}" "$COUNTER" --host 127.0.0.1 --port 0 ||
    skip "counter did not start"
P_PORT=$SRV_PORT P_PID=$SRV_PID P_WRAP=$SRV_WRAP
start_server counter_redis 1 "${PIN_SERVER[@]+"${PIN_SERVER[@]}"}" "$COUNTER" --host 127.0.0.1 --port 0 \
    --redis "$REDIS_URL" --app-id "$APP_ID-counter" || skip "counter --redis did not start"
R_PORT=$SRV_PORT R_PID=$SRV_PID R_WRAP=$SRV_WRAP
PLAIN=() WITH=() RATIOS=()
common=(--button increment --connections 100 --duration "$DURATION" --warmup "$WARMUP")
for _ in $(seq "$REPEAT"); do
    run_load 40 --port "$P_PORT" --server-pid "$P_PID" "${common[@]}"
    a=$RES
    run_load 40 --port "$R_PORT" --server-pid "$R_PID" "${common[@]}"
    b=$RES
    PLAIN+=("$(field "$a" events_per_s)")
    WITH+=("$(field "$b" events_per_s)")
    RATIOS+=("$(ratio "$(field "$b" events_per_s)" "$(field "$a" events_per_s)")")
done
C_RATIO=$(fmt "$(median "${RATIOS[@]}")" %.2f)
C_PLAIN=$(fmt "$(median "${PLAIN[@]}")" %.0f)
C_WITH=$(fmt "$(median "${WITH[@]}")" %.0f)
C_P50=$(fmt "$(field "$b" p50_us)" %.0f)
C_P50_PLAIN=$(fmt "$(field "$a" p50_us)" %.0f)
stop_server "$P_WRAP"
stop_server "$R_WRAP"
result redis.counter.plain_events_per_s "$C_PLAIN"
result redis.counter.redis_events_per_s "$C_WITH"
result redis.counter.ratio_eps "$C_RATIO"

# ---- one change to 10,000 sessions over 2 processes ---------------------------------------

log "fan-out: $FANOUT_SESSIONS sessions over 2 processes, $FANOUT_ROUNDS rounds"
start_tally fan_a || skip "tally did not start"
FA_WRAP=$SRV_WRAP FA_PORT=$SRV_PORT
start_tally fan_b || skip "tally did not start"
FB_WRAP=$SRV_WRAP FB_PORT=$SRV_PORT
run_load 60 --port "$FA_PORT" --port2 "$FB_PORT" --connections $((FANOUT_SESSIONS + 1)) \
    --fanout "$FANOUT_ROUNDS" --gap 0.3 --round-timeout 2 --connect-batch 256
FAN=$RES
stop_server "$FB_WRAP"
stop_server "$FA_WRAP"
# The same client and sessions on one process without Redis: what the
# sockets, the renders and the client cost without the hop through Redis.
log "fan-out: $FANOUT_SESSIONS sessions on one process without Redis, $FANOUT_ROUNDS rounds"
start_tally fan_one --no-redis || skip "tally did not start"
run_load 60 --port "$SRV_PORT" --connections $((FANOUT_SESSIONS + 1)) \
    --fanout "$FANOUT_ROUNDS" --gap 0.3 --round-timeout 2 --connect-batch 256
FAN1=$RES
stop_server "$SRV_WRAP"
for k in last_p50_ms last_max_ms a_last_p50_ms b_last_p50_ms rounds late ready; do
    result "redis.fanout.$k" "$(field "$FAN" "$k")"
done
result redis.fanout.one_process_last_p50_ms "$(field "$FAN1" last_p50_ms)"
result redis.fanout.sessions "$FANOUT_SESSIONS"

# ---- the section ---------------------------------------------------------------------------

us_ms() { awk -v v="$1" 'BEGIN { if (v == "") print "n/a"; else printf "%.2f", v / 1000 }'; }
section_head
echo "Measured by \`bench/redis/run.sh\`: redis-server $REDIS_VERSION on loopback, no persistence"
echo "(\`--appendonly no\`), started by the script; the servers are \`tests/chaos/apps/tally --bench\`"
echo "(a store \`total\` every click adds 1 to with \`rc_store_add_int\`, shown in the page) and"
echo "\`examples/counter\`, all with \`--redis\` to it unless said; the client is \`build/bench/load\`."
echo
echo "| figure | measured | against |"
echo "|---|---|---|"
echo "| A store write on one process visible on a page of another (click on A → patch on B), $(field "$PROP" rounds) samples 30 ms apart | p50 $(us_ms "$(field "$PROP" b_p50_us)") ms, p99 $(us_ms "$(field "$PROP" b_p99_us)") ms, max $(us_ms "$(field "$PROP" b_max_us)") ms | target p50 ≤ 5 ms |"
echo "| Store writes committed through Redis from one process (50 sessions clicking, each waiting for its ack) | $(fmt "$W_COMMITTED" %.0f) writes/s counted in Redis; $(fmt "$(field "$W_REDIS" events_per_s)" %.0f) events/s acknowledged, round trip p50 $(fmt "$(field "$W_REDIS" p50_us)" %.0f) µs | in memory (no --redis): $(fmt "$(field "$W_MEM" events_per_s)" %.0f) events/s, p50 $(fmt "$(field "$W_MEM" p50_us)" %.0f) µs |"
echo "| Counter (examples/counter, no store) events/s at 100 connections with --redis, $REPEAT pair(s) alternated | $C_WITH/s (p50 $C_P50 µs) | without: $C_PLAIN/s (p50 $C_P50_PLAIN µs); ratio $C_RATIO× (target ≥ 0.9×) |"
echo "| One store change to $FANOUT_SESSIONS sessions over 2 processes ($((FANOUT_SESSIONS / 2)) on each), click → the last session's patch, median of $(field "$FAN" rounds) rounds | $(field "$FAN" last_p50_ms) ms (worst $(field "$FAN" last_max_ms) ms; the writer's process $(field "$FAN" a_last_p50_ms) ms, the other $(field "$FAN" b_last_p50_ms) ms; late $(field "$FAN" late)) | target ≤ 50 ms; the same client and sessions on one process without Redis: $(field "$FAN1" last_p50_ms) ms |"
echo
