#!/usr/bin/env bash
# bench/load/run.sh: the server load benchmark (issue 3, docs/architecture.md).
#
# Starts each server on a free loopback port pinned to CPU 0 and drives it
# with build/bench/load pinned to CPU 1:
#   events: counter, rows (list state in the root), rows --state row (and
#           row-server) and the ReactPy-shaped list (rows --shape list), at 1
#           and 100 connections; each against the raw libwebsockets echo
#           (build/bench/echo) answering with messages of the size the app's
#           patches measured in that run, same event bytes, same pinning;
#   idle:   1, 100, 1,000, 10,000 sessions of counter, rows (root and row
#           state) and list, a fresh server each time, server RSS per session
#           (a size whose projected memory exceeds half of MemAvailable is
#           skipped and marked so; the big pages stop at IDLE_BIG_MAX); for
#           the big pages, bytes per DOM node and per component instance (the
#           page's counts from `rows --count`, through the embedder API);
#   churn:  sessions opened and closed in cycles, server RSS after each.
# Prints a Markdown section, "## Server load (bench/load)". `make bench`
# (bench/run.sh) puts it into docs/performance.md with the other figures of
# the same run; OUT=FILE replaces only that section of FILE.
#
# Environment: BUILD (default <repo>/build), DURATION (s per run, default 2),
# WARMUP (s, default 0.5), REPEAT (app/echo run pairs, default 3), IDLE_SIZES (default "1 100 1000 10000"),
# IDLE_BIG_MAX (default 1000: the big pages' idle sizes above it are skipped;
# their KiB per session is flat by 1,000 and 10,000 of them take gigabytes),
# CHURN_CYCLES (default 4) × CHURN_SESSIONS (default 5000): sessions opened
# and closed in one counter server, RSS after each cycle;
# OUT (default -: print only, as bench/run.sh wants it; a file: replace the
# section in it. docs/performance.md is written by bench/run.sh as a whole,
# all figures from one run, so this script no longer writes it by default),
# RESULTS (a file: the figures are appended to it as "key value" lines, for
# bench/run.sh's summary table),
# TOTAL_LIMIT (s, default 480: the whole run is killed after it).
# Every server started is stopped on exit (trap); every command has a timeout.
set -euo pipefail

TOTAL_LIMIT=${TOTAL_LIMIT:-480}
# shellcheck disable=SC2034  # read by lib.sh
LIB_NAME=bench/load/run.sh
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"
DURATION=${DURATION:-2}
WARMUP=${WARMUP:-0.5}
REPEAT=${REPEAT:-3}
IDLE_SIZES=${IDLE_SIZES:-"1 100 1000 10000"}
IDLE_BIG_MAX=${IDLE_BIG_MAX:-1000}
OUT=${OUT:--}
CHURN_CYCLES=${CHURN_CYCLES:-4}
CHURN_SESSIONS=${CHURN_SESSIONS:-5000}
EVENT_TIMEOUT=$(awk -v d="$DURATION" -v w="$WARMUP" 'BEGIN { printf "%d", d + w + 30 }')
IDLE_TIMEOUT=120

LOAD=$BUILD/bench/load
ECHO=$BUILD/bench/echo
ROWS=$BUILD/bench/rows
COUNTER=$BUILD/examples/counter

for b in "$LOAD" "$ECHO" "$ROWS" "$COUNTER"; do
    if [ ! -x "$b" ]; then
        echo "run.sh: $b is missing: build first (cmake --build $BUILD)" >&2
        exit 1
    fi
done

pin_cpus

# start_app NAME CMD...: one server (CMD --port 0) pinned to the server's
# CPU; sets SRV_PORT, SRV_PID, SRV_WRAP (lib.sh's start_server).
start_app() {
    local name=$1
    shift
    start_server "$name" 1 "${PIN_SERVER[@]+"${PIN_SERVER[@]}"}" "$@" --port 0
}

START=$(date -u '+%Y-%m-%d %H:%M UTC')
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: *//' || echo unknown)
NPROC=$(nproc)
LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo (the CMakeLists default)}
MEM_AVAIL_KIB=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)

# ---- events ---------------------------------------------------------------------

EVENT_ROWS=()        # Markdown rows of the events table

# event_case LABEL BUTTON CMD...: the app at 1 and 100 connections against
# the echo answering with replies of the size the app's patches had. Runs
# alternate app, echo, app, echo... (REPEAT pairs, servers kept running) so
# that background load drifting over time hits both alike; figures are
# medians over the runs, ratios the median of each adjacent pair's ratio.
event_case() {
    local label=$1 button=$2
    shift 2
    local conns
    for conns in 1 100; do
        log "events: $label, $conns connection(s)"
        if ! start_app "$label" "$@"; then
            EVENT_ROWS+=("| $label | $conns | server did not start | | | | | | | | | | | | |")
            continue
        fi
        local a_port=$SRV_PORT a_pid=$SRV_PID a_wrap=$SRV_WRAP
        local common=(--button "$button" --connections "$conns" --duration "$DURATION" --warmup "$WARMUP")
        local A=() E=() rep
        run_load "$EVENT_TIMEOUT" --port "$a_port" --server-pid "$a_pid" "${common[@]}"
        A+=("$RES")
        local reply
        reply=$(awk -v b="$(field "$RES" bytes_per_update)" 'BEGIN { r = int(b + 0.5); if (r < 2) r = 2; print r }')
        log "events: echo of $reply-byte replies, $conns connection(s)"
        if start_app echo "$ECHO" --reply-bytes "$reply"; then
            local e_port=$SRV_PORT e_pid=$SRV_PID
            for rep in $(seq "$REPEAT"); do
                run_load "$EVENT_TIMEOUT" --port "$e_port" --server-pid "$e_pid" "${common[@]}" --echo
                E+=("$RES")
                if [ "$rep" -lt "$REPEAT" ]; then
                    run_load "$EVENT_TIMEOUT" --port "$a_port" --server-pid "$a_pid" "${common[@]}"
                    A+=("$RES")
                fi
            done
            stop_server
        fi
        SRV_WRAP=$a_wrap
        stop_server
        # Medians of each metric over the runs.
        local k
        declare -A AM EM
        for k in events_per_s p50_us p99_us max_us bytes_per_update server_cpu_pct server_us_per_event load_cpu_pct lost stalled token_chars first_bytes; do
            local va=() ve=() r
            for r in "${A[@]}"; do [ -n "$r" ] && va+=("$(field "$r" "$k")"); done
            for r in "${E[@]}"; do [ -n "$r" ] && ve+=("$(field "$r" "$k")"); done
            AM[$k]=$(median "${va[@]+"${va[@]}"}")
            EM[$k]=$(median "${ve[@]+"${ve[@]}"}")
        done
        local lcpu=() r
        for r in "${A[@]}" "${E[@]}"; do [ -n "$r" ] && lcpu+=("$(field "$r" load_cpu_pct)"); done
        local load_cpu_max
        load_cpu_max=$(maxof "${lcpu[@]+"${lcpu[@]}"}")
        # Pair ratios: A_i / E_i.
        local re=() rp=() rc=() i
        for i in $(seq 0 $((REPEAT - 1))); do
            local a=${A[$i]:-} e=${E[$i]:-}
            [ -z "$a" ] || [ -z "$e" ] && continue
            re+=("$(ratio "$(field "$a" events_per_s)" "$(field "$e" events_per_s)")")
            rp+=("$(ratio "$(field "$a" p50_us)" "$(field "$e" p50_us)")")
            rc+=("$(ratio "$(field "$a" server_us_per_event)" "$(field "$e" server_us_per_event)")")
        done
        local r_eps r_p50 r_cpu
        r_eps=$(median "${re[@]+"${re[@]}"}")
        r_p50=$(median "${rp[@]+"${rp[@]}"}")
        r_cpu=$(median "${rc[@]+"${rc[@]}"}")
        r_eps=$(fmt "$r_eps" %.2f)
        r_p50=$(fmt "$r_p50" %.2f)
        r_cpu=$(fmt "$r_cpu" %.2f)
        local a_eps=${AM[events_per_s]}
        local target met
        case "$label,$conns" in
            counter,100) target="events/s ≥ 0.8× echo"
                met=$(awk -v a="$r_eps" 'BEGIN { print (a != "n/a" && a >= 0.8) ? "yes" : "no" }') ;;
            rows*,100 | list*,100) target="≥ 20,000 events/s"
                met=$(awk -v a="$a_eps" 'BEGIN { print (a != "" && a >= 20000) ? "yes" : "no" }') ;;
            *) target="round trip ≤ 1.3× echo"
                met=$(awk -v r="$r_p50" 'BEGIN { print (r != "n/a" && r <= 1.3) ? "yes" : "no" }') ;;
        esac
        # Keys for bench/run.sh: load.SLUG.CONNS.NAME.
        local slug
        case "$label" in
            counter) slug=counter ;;
            rows) slug=rows ;;
            "rows (row state)") slug=rows_row ;;
            "rows (row state, server-only)") slug=rows_server ;;
            "list (ReactPy's page)") slug=list ;;
            *) slug=$(tr -c 'a-z0-9\n' _ <<<"$label") ;;
        esac
        local f
        for k in events_per_s p50_us p99_us bytes_per_update server_us_per_event token_chars first_bytes; do
            case $k in bytes_per_update|server_us_per_event) f=%.1f ;; *) f=%.0f ;; esac
            result "load.$slug.$conns.$k" "$(fmt "${AM[$k]}" "$f")"
        done
        for k in events_per_s p50_us server_us_per_event; do
            case $k in server_us_per_event) f=%.1f ;; *) f=%.0f ;; esac
            result "load.$slug.$conns.echo_$k" "$(fmt "${EM[$k]}" "$f")"
        done
        result "load.$slug.$conns.ratio_eps" "$r_eps"
        result "load.$slug.$conns.ratio_p50" "$r_p50"
        result "load.$slug.$conns.ratio_cpu" "$r_cpu"
        local warn=""
        [ "${#A[@]}" -gt 0 ] && [ -z "${A[0]}" ] && warn=" (a load run failed)"
        [ -n "${AM[lost]}" ] && [ "${AM[lost]}" != 0 ] && warn="$warn (sessions lost: ${AM[lost]})"
        [ -n "${AM[stalled]}" ] && [ "${AM[stalled]}" != 0 ] && warn="$warn (stalled: ${AM[stalled]})"
        EVENT_ROWS+=("| $label | $conns | $(fmt "$a_eps" %.0f) | $(fmt "${AM[p50_us]}" %.0f) | $(fmt "${AM[p99_us]}" %.0f) | $(fmt "${AM[max_us]}" %.0f) | $(fmt "${AM[bytes_per_update]}" %.1f) | $(fmt "${AM[server_cpu_pct]}" %.0f)%, $(fmt "${AM[server_us_per_event]}" %.1f) | $(fmt "${EM[events_per_s]}" %.0f) | $(fmt "${EM[p50_us]}" %.0f) | $(fmt "${EM[server_cpu_pct]}" %.0f)%, $(fmt "${EM[server_us_per_event]}" %.1f) | $(fmt "$load_cpu_max" %.0f)% | $r_eps | $r_p50 | $r_cpu | $target: **$met**$warn |")
        unset AM EM
    done
}

event_case counter increment "$COUNTER"
event_case rows bump "$ROWS" --state root
event_case "rows (row state)" bump "$ROWS" --state row
event_case "rows (row state, server-only)" bump "$ROWS" --state row-server
event_case "list (ReactPy's page)" bump "$ROWS" --shape list

# ---- idle sessions ----------------------------------------------------------------

IDLE_ROWS=()
NODE_ROWS=()         # Markdown rows of the bytes-per-node table
for app in counter rows rows_row list; do
    case $app in
        counter) cmd=("$COUNTER") label=counter ;;
        rows) cmd=("$ROWS" --state root) label=rows ;;
        rows_row) cmd=("$ROWS" --state row) label="rows (row state)" ;;
        list) cmd=("$ROWS" --shape list) label="list (ReactPy's page)" ;;
    esac
    # The page's DOM nodes and component instances, for bytes per node.
    nodes="" insts=""
    if [ "$app" != counter ]; then
        counts=$(timeout 30 "${cmd[@]}" --count 2>/dev/null | grep '^RESULT ' || true)
        nodes=$(field "$counts" dom_nodes)
        insts=$(field "$counts" instances)
        result "idle.$app.dom_nodes" "$nodes"
        result "idle.$app.components" "$(field "$counts" components)"
        result "idle.$app.instances" "$insts"
    fi
    per_kib=""
    for n in $IDLE_SIZES; do
        if [ "$app" != counter ] && [ "$n" -gt "$IDLE_BIG_MAX" ]; then
            log "idle: $app × $n skipped: above IDLE_BIG_MAX ($IDLE_BIG_MAX)"
            IDLE_ROWS+=("| $label | $n | skipped: above IDLE_BIG_MAX ($IDLE_BIG_MAX) | | | | | |")
            continue
        fi
        if [ -n "$per_kib" ]; then
            need=$(awk -v p="$per_kib" -v n="$n" 'BEGIN { printf "%d", p * n }')
            if [ "$need" -gt $((MEM_AVAIL_KIB / 2)) ]; then
                gib=$(awk -v k="$need" 'BEGIN { printf "%.1f", k / 1048576 }')
                log "idle: $app × $n skipped: projected $gib GiB"
                IDLE_ROWS+=("| $label | $n | skipped: projected $gib GiB (${per_kib} KiB × $n) > half of MemAvailable | | | | | |")
                result "idle.$app.$n.skipped" "$gib GiB projected"
                continue
            fi
        fi
        log "idle: $app, $n session(s)"
        if ! start_app "$app" "${cmd[@]}"; then
            IDLE_ROWS+=("| $label | $n | server did not start | | | | | |")
            continue
        fi
        run_load "$IDLE_TIMEOUT" --port "$SRV_PORT" --idle "$n" --server-pid "$SRV_PID" \
            --connect-batch 256
        stop_server
        r=$RES
        kib=$(field "$r" kib_per_session)
        [ -n "$kib" ] && per_kib=$kib
        for k in ready kib_per_session first_bytes setup_s; do
            result "idle.$app.$n.$k" "$(field "$r" "$k")"
        done
        target=""
        if [ "$app" = counter ]; then
            target="≤ 10 KiB: **$(awk -v k="$kib" 'BEGIN { print (k != "" && k <= 10) ? "yes" : "no" }')**"
            if [ "$n" = 10000 ]; then
                target="$target; 10,000 sessions: **$( [ "$(field "$r" ready)" = 10000 ] && echo yes || echo no)**"
            fi
        fi
        if [ -n "$nodes" ] && [ -n "$kib" ]; then
            bpn=$(awk -v k="$kib" -v d="$nodes" 'BEGIN { if (d > 0) printf "%.0f", k * 1024 / d }')
            bpi=$(awk -v k="$kib" -v d="$insts" 'BEGIN { if (d > 0) printf "%.0f", k * 1024 / d }')
            result "idle.$app.$n.bytes_per_node" "$bpn"
            result "idle.$app.$n.bytes_per_instance" "$bpi"
            NODE_ROWS+=("| $label | $n | $(fmt "$kib" %.1f) | $nodes | $insts | **$bpn** | $bpi |")
        fi
        IDLE_ROWS+=("| $label | $n | $(field "$r" ready) | $(field "$r" rss_before_kib) | $(field "$r" rss_after_kib) | $(fmt "$kib" %.1f) | $(fmt "$(field "$r" first_bytes)" %.0f) | $(fmt "$(field "$r" setup_s)" %.2f) | $target |")
    done
done

# ---- session churn ----------------------------------------------------------------------
# One counter server with --grace 0 (a closed session is freed at once, not
# kept for re-attach); CHURN_CYCLES times: open CHURN_SESSIONS idle sessions,
# close them all, wait 1 s, read the server's RSS (no session left).

# The same with the raw lws echo (it answers hello with a small layout-update).
CHURN_ROWS=()
if [ "$CHURN_CYCLES" -gt 0 ]; then
    declare -A CH
    for srv in counter echo; do
        log "churn: $srv, $CHURN_CYCLES × $CHURN_SESSIONS sessions"
        if [ "$srv" = counter ]; then ok=0; start_app counter "$COUNTER" --grace 0 || ok=1
        else ok=0; start_app echo "$ECHO" || ok=1; fi
        [ $ok -eq 0 ] || continue
        CH[$srv,0]=$(rss_kib "$SRV_PID")
        for cycle in $(seq "$CHURN_CYCLES"); do
            run_load "$IDLE_TIMEOUT" --port "$SRV_PORT" --idle "$CHURN_SESSIONS" --server-pid "$SRV_PID" --settle 0.2
            CH[$srv,peak,$cycle]=$(field "$RES" rss_after_kib)
            sleep 1
            CH[$srv,$cycle]=$(rss_kib "$SRV_PID")
        done
        stop_server
    done
    CHURN_ROWS+=("| 0 (started) | ${CH[counter,0]:-n/a} | | ${CH[echo,0]:-n/a} | |")
    for cycle in $(seq "$CHURN_CYCLES"); do
        CHURN_ROWS+=("| $cycle | ${CH[counter,$cycle]:-n/a} | ${CH[counter,peak,$cycle]:-n/a} | ${CH[echo,$cycle]:-n/a} | ${CH[echo,peak,$cycle]:-n/a} |")
    done
fi

# ---- report -------------------------------------------------------------------------

LOADAVG_END=$(cut -d' ' -f1-3 /proc/loadavg)
SECTION=$TMP/section.md
{
    echo "## Server load (bench/load)"
    echo
    echo "Measured by \`bench/load/run.sh\` on $START: $NPROC CPUs ($CPU_MODEL), $(uname -sr),"
    echo "build type $BUILD_TYPE; $PINNING; loopback (127.0.0.1)."
    echo "Load average $LOADAVG_START at the start, $LOADAVG_END at the end (other work on the"
    echo "machine adds noise: compare the ratios within one run, not absolute figures across runs)."
    echo
    echo "Events: each connection sends \`{\"type\":\"layout-event\",\"target\":ID,\"data\":[{}],\"seq\":n}\`"
    echo "and waits for the \`patch\` carrying \`\"ack\":n\` (closed loop, one event in flight per"
    echo "connection); each run ${WARMUP} s warm-up, then ${DURATION} s measured. The echo is a raw"
    echo "libwebsockets server on the same stack (lws 4.1.6 + foreign libev loop) answering each"
    echo "event with a message of the size the app's patches had. App and echo runs alternate"
    echo "(${REPEAT} of each, servers kept running); figures are medians over the runs, ratios"
    echo "(app / echo) the median over adjacent app/echo pairs. Round trips in µs. Server CPU = share"
    echo "of one core the server process used while measuring (below 100 % for a busy server: other"
    echo "processes ran on its core), and server CPU time per event in µs, which such sharing"
    echo "disturbs less than events/s does; at saturation, events/s ≈ 10⁶ / (µs per event)."
    echo
    echo "| app | conns | events/s | p50 | p99 | max | bytes/update | server CPU, µs/event | echo events/s | echo p50 | echo CPU, µs/event | load client CPU (max) | events/s ratio | p50 ratio | CPU/event ratio | target (docs/architecture.md): met? |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${EVENT_ROWS[@]}"
    echo
    echo "\`rows\`: 1,000 keyed row components (\`bench/load/rows.c\`), one row's text changes per"
    echo "click. \`rows\` (\`--state root\`) keeps the list's data in the root (the root re-renders and"
    echo "compares 1,000 rows' props per click); \`row state\` gives each row its own state (one row"
    echo "renders; its state tokens hold the 1,000 rows' slots, sealed at most every 250 ms);"
    echo "\`server-only\` marks those slots \`RC_STATE_SERVER_ONLY\` (no token is sealed or sent)."
    echo "\`list\` (\`rows --shape list\`, \`bench/load/pages.c\`) is ReactPy 1.1.0's 1,000-item list page,"
    echo "the anchor of issue 20's comparison: ONE component rendering a \`<button id=\"bump\">\`, a \`<p>\`"
    echo "and a \`<ul>\` of 1,000 keyed \`<li>\` \"Row i: value v\"; a click changes one item's value"
    echo "(round robin), so the component re-renders its 2,006 DOM nodes and the diff finds one text."
    echo "Servers run with their defaults (state tokens at most every 250 ms, 60 s re-attach grace); bytes/update"
    echo "is the whole acknowledging message, with the token when one rode along."
    echo
    echo "Idle sessions: a fresh server per line; hello and first render completed on every"
    echo "session, then the server's VmRSS read again after 0.5 s. KiB per session = (RSS after -"
    echo "RSS before) / sessions."
    echo
    echo "| app | sessions | ready | RSS before (KiB) | RSS after (KiB) | KiB per session | first message (bytes) | setup (s) | target (docs/architecture.md): met? |"
    echo "|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${IDLE_ROWS[@]}"
    echo
    if [ "${#NODE_ROWS[@]}" -gt 0 ]; then
        echo "Retained memory per DOM node and per component instance (issue 20): KiB per session"
        echo "(above) × 1024 / the page's DOM nodes (elements and texts, what the browser holds), and"
        echo "/ its component instances; both counts from \`build/bench/rows --count\`, which mounts the"
        echo "page in process and walks it with the embedder API's \`rc_node_*\` readers. The session's"
        echo "whole cost is charged to the nodes (tree, instances, state, the server's session and"
        echo "connection), so this is what a page of that size costs per node, not the node struct."
        echo
        echo "| page | sessions | KiB per session | DOM nodes | component instances | bytes per DOM node | bytes per instance |"
        echo "|---|---|---|---|---|---|---|"
        printf '%s\n' "${NODE_ROWS[@]}"
        echo
    fi
    if [ "${#CHURN_ROWS[@]}" -gt 0 ]; then
        echo "Session churn: one counter server started with \`--grace 0\` (a closed session is freed"
        echo "at once instead of being kept for re-attach); each cycle opens $CHURN_SESSIONS idle sessions"
        echo "(hello and first render), then the load client closes them all; RSS read 1 s later,"
        echo "with no session left. A server that frees everything and reuses that memory stays"
        echo "flat after the first cycle. The raw lws echo, under the same churn, for comparison."
        echo
        echo "| cycle | counter: RSS, 0 sessions (KiB) | counter: RSS, $CHURN_SESSIONS sessions | echo: RSS, 0 connections | echo: RSS, $CHURN_SESSIONS connections |"
        echo "|---|---|---|---|---|"
        printf '%s\n' "${CHURN_ROWS[@]}"
        echo
    fi
    echo "Reproduce: \`cmake --build build && bench/load/run.sh\` (about four minutes)."
    echo
} >"$SECTION"

cat "$SECTION"

if [ "$OUT" != "-" ]; then
    if [ ! -f "$OUT" ]; then
        { echo "# Performance"; echo; cat "$SECTION"; } >"$OUT"
    else
        # Replace only our section: from its heading to the next "## " heading.
        awk -v secfile="$SECTION" '
            BEGIN { while ((getline line < secfile) > 0) sec = sec line "\n" }
            /^## Server load \(bench\/load\)[[:space:]]*$/ { printf "%s", sec; skip = 1; done = 1; next }
            skip && /^## / { skip = 0 }
            !skip { print }
            END { if (!done) printf "\n%s", sec }
        ' "$OUT" >"$OUT.tmp.$$"
        mv "$OUT.tmp.$$" "$OUT"
    fi
    log "wrote the section into $OUT"
fi
