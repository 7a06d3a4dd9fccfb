# shellcheck shell=bash
# shellcheck disable=SC2034  # SRV_*, RES, ROOT... are for the scripts that source this
# bench/lib.sh: what the benchmark scripts share (sourced, not run).
#
# The including script sets `set -euo pipefail` and, before sourcing,
# optionally TOTAL_LIMIT (s). This file gives it:
#   ROOT, BUILD, TMP (removed on exit), log, result, field, median, fmt,
#   ratio, maxof, rss_kib, pin_cpus;
#   start_server / stop_server: programs under `timeout` (so they die on
#   their own even if we are killed -9), each the leader of its own process
#   group (`timeout` makes itself one), so that a supervisor's workers go
#   with it; every one still running is stopped on exit (trap);
#   a watchdog that SIGTERMs the script after TOTAL_LIMIT seconds.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
TOTAL_LIMIT=${TOTAL_LIMIT:-600}
SERVER_LIMIT=$((TOTAL_LIMIT + 30))
RESULTS=${RESULTS:-}
LIB_NAME=${LIB_NAME:-$(basename "$(dirname "$0")")/$(basename "$0")}

TMP=$(mktemp -d /tmp/reactc-bench.XXXXXX)
SERVERS=()            # pids of the `timeout` wrappers of running programs
WATCHDOG=

log() { echo "$LIB_NAME: $*" >&2; }

# result KEY VALUE: one figure for bench/run.sh ("key value" lines in $RESULTS).
result() {
    if [ -n "$RESULTS" ]; then printf '%s %s\n' "$1" "${2:-}" >>"$RESULTS"; fi
}

# field LINE KEY: the value of key=value in a RESULT line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }

# median V...: the median of the numbers given ("" if none).
median() {
    printf '%s\n' "$@" | grep -E '^-?[0-9.]+$' | sort -g |
        awk '{ v[++n] = $1 } END { if (n) print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }' || true
}
maxof() { printf '%s\n' "$@" | awk 'NF && ($1 > m || !c) { m = $1; c = 1 } END { if (c) print m }'; }
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { if (v == "" || v == "n/a" || v < 0) print "n/a"; else printf f, v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# kill_wrapper PID: SIGTERM to a wrapper's process group (the program and
# any workers), SIGKILL to what is left after 3 s; then reaps the wrapper.
kill_wrapper() {
    local w=$1 i
    kill -TERM -- "-$w" 2>/dev/null || kill -TERM "$w" 2>/dev/null || true
    for i in $(seq 30); do
        kill -0 -- "-$w" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$w" 2>/dev/null || true
    wait "$w" 2>/dev/null || true
}

lib_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local p
    for p in "${SERVERS[@]+"${SERVERS[@]}"}"; do kill_wrapper "$p"; done
    if [ -n "$WATCHDOG" ]; then
        kill "$WATCHDOG" 2>/dev/null || true
        wait "$WATCHDOG" 2>/dev/null || true
    fi
    rm -rf "$TMP"
    exit "$rc"
}
trap lib_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The whole run is bounded: past TOTAL_LIMIT, SIGTERM ourselves (cleanup runs).
(
    trap 'kill "$sp" 2>/dev/null; exit 0' TERM
    sleep "$TOTAL_LIMIT" &
    sp=$!
    wait "$sp"
    echo "$LIB_NAME: total time limit ($TOTAL_LIMIT s) reached" >&2
    kill -TERM $$
) &
WATCHDOG=$!

# Sessions need file descriptors on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# start_server NAME SERVING CMD...: starts CMD (under `timeout`, stderr in
# $TMP/NAME.log) and waits until it has printed SERVING lines saying it
# listens ("serving ... on http://127.0.0.1:PORT/" or "listening on ..."):
# 1, or N for a server with --workers N. Sets SRV_PORT, SRV_WRAP (the
# wrapper), SRV_PID (the program: the supervisor of a --workers server) and
# SRV_PIDS (the processes that serve: the workers of a --workers server,
# else the program). Returns 1 if it does not start within 10 s.
start_server() {
    local name=$1 want=$2
    shift 2
    local logf=$TMP/$name.log
    # Emptied here, not only by the redirection below: that one happens in
    # the background child, and until then the loop would read the port of
    # the previous server of the same name.
    : >"$logf"
    timeout -k 2 "$SERVER_LIMIT" "$@" >"$logf.out" 2>"$logf" &
    SRV_WRAP=$!
    SERVERS+=("$SRV_WRAP")
    SRV_PORT=
    SRV_PID=
    SRV_PIDS=
    local i n
    for i in $(seq 200); do
        n=$(grep -cE '(serving .*|listening) on http://127\.0\.0\.1:[0-9]+/' "$logf" || true)
        [ -z "$SRV_PID" ] && SRV_PID=$(pgrep -P "$SRV_WRAP" | head -n1 || true)
        if [ "${n:-0}" -ge "$want" ] && [ -n "$SRV_PID" ]; then
            SRV_PORT=$(sed -n 's#.* on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$logf" | head -n1)
            if [ "$want" -gt 1 ]; then
                SRV_PIDS=$(pgrep -P "$SRV_PID" | tr '\n' ' ' || true)
            else
                SRV_PIDS=$SRV_PID
            fi
            return 0
        fi
        if ! kill -0 "$SRV_WRAP" 2>/dev/null; then break; fi
        sleep 0.05
    done
    log "$name did not start:"
    cat "$logf" >&2
    return 1
}

# stop_server [WRAP]: stops the program of that wrapper (default $SRV_WRAP).
stop_server() {
    local w=${1:-$SRV_WRAP}
    kill_wrapper "$w"
    local keep=() p
    for p in "${SERVERS[@]+"${SERVERS[@]}"}"; do [ "$p" != "$w" ] && keep+=("$p"); done
    SERVERS=("${keep[@]+"${keep[@]}"}")
}

# run_load LIMIT ARGS...: runs build/bench/load (with ${PIN_LOAD[@]} in front,
# if set) bounded by LIMIT s; sets RES to its RESULT line ("" on failure).
run_load() {
    local limit=$1
    shift
    local out=$TMP/load.out rc=0
    timeout -k 2 $((limit + 10)) "${PIN_LOAD[@]+"${PIN_LOAD[@]}"}" "$BUILD/bench/load" \
        --timeout "$limit" "$@" >"$out" 2>&1 || rc=$?
    cat "$out" >&2
    RES=$(grep '^RESULT ' "$out" | tail -n1 || true)
    if [ $rc -ne 0 ]; then log "load exited with $rc ($*)"; fi
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then RES=""; fi
}

# pin_cpus: PIN_SERVER and PIN_LOAD (taskset prefixes: the server on CPU 0,
# the load client on CPU 1) and PINNING (what was done, for the report);
# both empty with fewer than two CPUs or no taskset.
pin_cpus() {
    if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
        PIN_SERVER=(taskset -c 0)
        PIN_LOAD=(taskset -c 1)
        PINNING="server on CPU 0, load client on CPU 1 (taskset)"
    else
        PIN_SERVER=()
        PIN_LOAD=()
        PINNING="not pinned (fewer than 2 CPUs or no taskset)"
    fi
}

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a loopback port nothing listened on a moment ago (random, so
# that scripts running side by side rarely pick the same one).
free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 30000))
        if ! port_in_use "$p"; then echo "$p"; return 0; fi
    done
    return 1
}

# http_status PORT [PATH]: the status code of GET PATH (default /) on
# 127.0.0.1:PORT, "" if there is no answer within 3 s.
# shellcheck disable=SC2016  # $1 and $2 are the inner shell's arguments
http_status() {
    timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
        printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3 && head -n1 <&3' \
        _ "$1" "${2:-/}" 2>/dev/null | awk '{ print $2 }' || true
}

# machine_line: "N CPUs (MODEL), KERNEL" for the reports.
machine_line() {
    local model
    model=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: *//' || true)
    echo "$(nproc) CPUs (${model:-unknown CPU}), $(uname -sr)"
}
