#!/usr/bin/env bash
# bench/run.sh: `make bench`. Runs every benchmark in one run and rewrites
# docs/performance.md from what this run measured.
#
# Steps (each bounded by its own time limit, inside a total one):
#   diff         build/bench/diff (engine: render, diff, serialise, memory)
#   resume       build/bench/resume (resume CPU, seal, token sizes)
#   parse        build/bench/parse (rc_wire_parse: hostile shapes vs a flat array)
#   store        build/bench/store (one store change fanned out to 1,000 and
#                10,000 sessions, in process; memory per subscription)
#   store_publish build/bench/store publish (a thread publishing 10,000
#                updates/s, 1,000 sessions: loop CPU, messages per session)
#   bundle       the client bundle's gzipped size (client/dist/reactc.js)
#   load         bench/load/run.sh (events vs the raw lws echo, idle memory,
#                10,000 sessions, churn)
#   device       bench/load/device.sh (issue 21: examples/dashboard's whole
#                RSS with no session and with 100 idle ones, and its split)
#   proxy        bench/proxy/run.sh (events/s through HAProxy, 2 workers)
#   redis        bench/redis/run.sh (stores through Redis: a write seen on
#                another process, writes/s, counter with --redis vs without,
#                one change to 10,000 sessions over 2 processes)
#   first_render bench/first_render/run.sh (connect to first tree; Chromium)
#   hotreload    node bench/hotreload/run.mjs, if that file exists (its
#                stdout, a "## Hot reload" section, is included verbatim)
# The C programs print "RESULT key=value" lines, the scripts append "key
# value" lines to $RESULTS; this script builds the header, the "Targets
# (docs/architecture.md, Targets)" table (measured, ratio, met or missed, all computed from
# this run's figures) and the table of other figures, then fills
# bench/performance.md.in: "{{key}}" is replaced by that figure ("n/a" if
# the run did not produce it), a line "{{@name}}" by a generated block. The
# explanations live in the template, so a run never loses them.
#
# Environment: BUILD (default <repo>/build), OUT (default
# <repo>/docs/performance.md; OUT=- prints the document instead), LOG
# (default $BUILD/bench/run.log: every step's own output), TOTAL_LIMIT (s,
# default 720), QUICK=1 (shorter runs, to try the pipeline: the figures are
# then less reliable), BASELINE (default <repo>/bench/baseline.txt: figures
# of an earlier run, "key value" lines as in $RESULTS, shown beside this
# run's in the issue-20 targets table; its "# label: TEXT" line names the
# column), REPORT_FROM (a directory a run saved: rebuild the document from
# its figures and sections without measuring anything, e.g. after editing
# the template or the baseline; every run saves its own into
# $BUILD/bench/last-run). Every server is stopped on exit; every command has
# a timeout.
set -euo pipefail

TOTAL_LIMIT=${TOTAL_LIMIT:-720}
# shellcheck disable=SC2034  # read by lib.sh
LIB_NAME=bench/run.sh
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

OUT=${OUT:-$ROOT/docs/performance.md}
TEMPLATE=$ROOT/bench/performance.md.in
QUICK=${QUICK:-0}
BASELINE=${BASELINE:-$ROOT/bench/baseline.txt}
REPORT_FROM=${REPORT_FROM:-}
SAVED=$BUILD/bench/last-run
# Rebuilding from saved figures must not truncate the log of the run that made them.
if [ -n "$REPORT_FROM" ]; then LOG=${LOG:-$TMP/run.log}; else LOG=${LOG:-$BUILD/bench/run.log}; fi
export BUILD
export RESULTS=$TMP/results
: >"$RESULTS"
BLOCKS=$TMP/blocks
mkdir -p "$BLOCKS" "$(dirname "$LOG")"
: >"$LOG"
# The same secret for every server of the run (workers need one).
export REACTC_SECRET=${REACTC_SECRET:-b64:$(head -c 32 /dev/urandom | base64)}

log() {
    echo "bench/run.sh: $*" >&2
    echo "bench/run.sh: $*" >>"$LOG"
}

for b in diff resume parse store load echo rows; do
    if [ -z "$REPORT_FROM" ] && [ ! -x "$BUILD/bench/$b" ]; then
        log "$BUILD/bench/$b is missing: build first (make build, or cmake --build $BUILD)"
        exit 1
    fi
done
[ -f "$TEMPLATE" ] || { log "$TEMPLATE is missing"; exit 1; }
if [ -n "$REPORT_FROM" ] && [ ! -f "$REPORT_FROM/results" ]; then
    log "REPORT_FROM=$REPORT_FROM: no saved run there (its results file is missing)"
    exit 1
fi

if [ "$QUICK" = 1 ]; then
    DIFF_RUNS=50 RESUME_RUNS=200 PARSE_RUNS=5 STORE_RUNS=5
    export DURATION=1 WARMUP=0.3 REPEAT=1 IDLE_SIZES="1 100 1000" CHURN_CYCLES=1 CHURN_SESSIONS=1000
    export SESSIONS=50 LOADS=5 CLICKS=20
else
    DIFF_RUNS=300 RESUME_RUNS=2000 PARSE_RUNS=31 STORE_RUNS=31
fi

# ---- the header's facts, taken before anything runs ---------------------------------

START_EPOCH=$(date +%s)
START_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
MACHINE=$(machine_line)
MEM_GIB=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo (the CMakeLists default)}
CC_PATH=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)
COMPILER=$(timeout 10 "${CC_PATH:-cc}" --version 2>/dev/null | head -n1 || true)
CC_FLAGS=$(sed -n "s/^CMAKE_C_FLAGS_$(tr '[:lower:]' '[:upper:]' <<<"${BUILD_TYPE%% *}"):[A-Z]*=//p" "$BUILD/CMakeCache.txt" 2>/dev/null || true)
BUILD_SHOWN=${BUILD#"$ROOT"/}

# ---- steps ------------------------------------------------------------------------------

# remaining: seconds left of TOTAL_LIMIT, keeping 20 for writing the document.
remaining() { echo $((TOTAL_LIMIT - 20 - (SECONDS))); }

# run_step NAME LIMIT OUTFILE CMD...: runs CMD under `timeout` (at most
# LIMIT s, less if the total limit is nearer), stdout to OUTFILE, stderr to
# the log; in the background, so that a signal to us is handled at once.
# Sets STEP_RC (124: timed out; 125: not run, no time left).
run_step() {
    local name=$1 limit=$2 out=$3
    shift 3
    local left
    left=$(remaining)
    [ "$left" -lt "$limit" ] && limit=$left
    : >"$out"
    if [ "$limit" -lt 10 ]; then
        log "$name: not run (the total time limit is near)"
        STEP_RC=125
        return 0
    fi
    log "$name: started (limit $limit s)"
    echo "==== $name: $*" >>"$LOG"
    local t0=$SECONDS rc=0
    TOTAL_LIMIT=$((limit - 5)) timeout -k 10 "$limit" "$@" >"$out" 2>>"$LOG" &
    local w=$!
    SERVERS+=("$w")
    wait "$w" || rc=$?
    local keep=() p
    for p in "${SERVERS[@]}"; do [ "$p" != "$w" ] && keep+=("$p"); done
    SERVERS=("${keep[@]+"${keep[@]}"}")
    STEP_RC=$rc
    STEP_TIME[$name]=$((SECONDS - t0))
    log "$name: done in $((SECONDS - t0)) s (exit $rc)"
}
declare -A STEP_TIME STEP_STATUS

# results_from PREFIX FILE: the RESULT key=value lines of FILE as "PREFIX.key value".
results_from() {
    grep '^RESULT ' "$2" | sed 's/^RESULT //' | tr ' ' '\n' | grep '=' |
        sed "s/^\([^=]*\)=/$1.\1 /" >>"$RESULTS" || true
}

# step_status NAME: "" if fine, else a sentence for the document.
status_of() {
    case $1 in
        0) echo "" ;;
        124) echo "it reached its time limit" ;;
        125) echo "not run: the total time limit was near" ;;
        *) echo "it failed (exit $1)" ;;
    esac
}

if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then PIN1=(taskset -c 1); else PIN1=(); fi

if [ -n "$REPORT_FROM" ]; then
    log "REPORT_FROM=$REPORT_FROM: the document from that run's figures, nothing measured"
    cp "$REPORT_FROM/results" "$RESULTS"
    cp "$REPORT_FROM"/*.md "$BLOCKS"/
else
    run_step diff 120 "$TMP/diff.out" "${PIN1[@]+"${PIN1[@]}"}" "$BUILD/bench/diff" "$DIFF_RUNS"
    STEP_STATUS[diff]=$(status_of "$STEP_RC")
    cat "$TMP/diff.out" >>"$LOG"
    results_from diff "$TMP/diff.out"

    run_step resume 120 "$TMP/resume.out" "${PIN1[@]+"${PIN1[@]}"}" "$BUILD/bench/resume" "$RESUME_RUNS"
    STEP_STATUS[resume]=$(status_of "$STEP_RC")
    cat "$TMP/resume.out" >>"$LOG"
    results_from resume "$TMP/resume.out"

    run_step parse 120 "$TMP/parse.out" "${PIN1[@]+"${PIN1[@]}"}" "$BUILD/bench/parse" "$PARSE_RUNS"
    STEP_STATUS[parse]=$(status_of "$STEP_RC")
    cat "$TMP/parse.out" >>"$LOG"
    results_from parse "$TMP/parse.out"

    run_step store 120 "$TMP/store.out" "${PIN1[@]+"${PIN1[@]}"}" "$BUILD/bench/store" "$STORE_RUNS"
    STEP_STATUS[store]=$(status_of "$STEP_RC")
    cat "$TMP/store.out" >>"$LOG"
    results_from store "$TMP/store.out"
    # Not pinned: the publishing thread is the second core's.
    run_step store_publish 60 "$TMP/store_publish.out" "$BUILD/bench/store" publish "$([ "$QUICK" = 1 ] && echo 1 || echo 3)"
    STEP_STATUS[store_publish]=$(status_of "$STEP_RC")
    cat "$TMP/store_publish.out" >>"$LOG"
    results_from store "$TMP/store_publish.out"

    BUNDLE=$ROOT/client/dist/reactc.js
    if [ -f "$BUNDLE" ]; then
        result bundle.raw_bytes "$(wc -c <"$BUNDLE")"
        result bundle.gzip_bytes "$(gzip -9c "$BUNDLE" | wc -c)"
    fi

    # A section from a script: its stdout, or a line saying why there is none.
    section_step() {
        local name=$1 title=$2 limit=$3
        shift 3
        run_step "$name" "$limit" "$BLOCKS/$name.md" "$@"
        local st
        st=$(status_of "$STEP_RC")
        STEP_STATUS[$name]=$st
        if [ -n "$st" ]; then
            # Whatever it printed may be cut short: keep it out of the document.
            { echo "$title"; echo; echo "Not measured in this run: \`$*\`: $st (its output is in \`${LOG#"$ROOT"/}\`)."; echo; } >"$BLOCKS/$name.md"
        fi
    }

    section_step load "## Server load (bench/load)" 480 env OUT=- "$ROOT/bench/load/run.sh"
    section_step device "## Device memory (bench/load/device.sh)" 90 "$ROOT/bench/load/device.sh"
    section_step proxy "## Through HAProxy, 2 workers (bench/proxy)" 150 "$ROOT/bench/proxy/run.sh"
    section_step redis "## Stores through Redis (bench/redis)" 100 env QUICK="$QUICK" "$ROOT/bench/redis/run.sh"
    section_step first_render "## First render (bench/first_render)" 300 "$ROOT/bench/first_render/run.sh"

    HOT=$ROOT/bench/hotreload/run.mjs
    if [ -f "$HOT" ]; then
        run_step hotreload 150 "$BLOCKS/hotreload.md" env REACTC_BUILD_DIR="$BUILD" node "$HOT"
        st=$(status_of "$STEP_RC")
        STEP_STATUS[hotreload]=$st
        if [ -z "$st" ] && ! grep -q '^## Hot reload' "$BLOCKS/hotreload.md"; then
            st="it printed no \"## Hot reload\" section"
        fi
        if [ -n "$st" ]; then
            { echo "## Hot reload"; echo; echo "Not measured in this run: \`node bench/hotreload/run.mjs\`: $st (its output is in \`${LOG#"$ROOT"/}\`)."; echo; } >"$BLOCKS/hotreload.md"
        fi
    else
        STEP_STATUS[hotreload]="bench/hotreload/run.mjs does not exist"
        { echo "## Hot reload"; echo; echo "Not measured: \`bench/hotreload/run.mjs\` does not exist yet."; echo; } >"$BLOCKS/hotreload.md"
    fi
    # What this run measured, for REPORT_FROM (and the next baseline.txt).
    rm -rf "$SAVED"
    mkdir -p "$SAVED"
    cp "$RESULTS" "$SAVED/results"
    cp "$BLOCKS"/*.md "$SAVED"/
fi

# ---- the figures ---------------------------------------------------------------------------

isnum() { [[ ${1:-} =~ ^-?[0-9.]+$ ]]; }
declare -A R
while read -r k v; do
    [ -n "$k" ] && R[$k]=$v
done <"$RESULTS"
r() { echo "${R[$1]:-}"; }

# derive KEY DECIMALS AWK-EXPR KEY...: a figure computed from this run's
# figures (a, b, c... in the expression, in order), for the template's
# explanations, shown with DECIMALS decimals; left out (n/a) if one of them
# is missing.
derive() {
    local key=$1 dec=$2 expr=$3
    shift 3
    local vars=() names=(a b c d e) i=0 k
    for k in "$@"; do
        isnum "$(r "$k")" || return 0
        vars+=(-v "${names[$i]}=$(r "$k")")
        i=$((i + 1))
    done
    local v
    v=$(awk "${vars[@]}" "BEGIN { x = $expr; if (x \"\" !~ /nan|inf/) print x }" 2>/dev/null || true)
    [ -n "$v" ] || return 0
    v=$(num "$v" "$dec")
    R[$key]=$v
    result "$key" "$v"
}

# num V DECIMALS: V with thousands separators ("n/a" if V is not a number).
num() {
    awk -v v="$1" -v d="${2:-0}" 'BEGIN {
        if (v !~ /^-?[0-9.]+$/) { print "n/a"; exit }
        s = sprintf("%." d "f", v); neg = (s ~ /^-/); if (neg) s = substr(s, 2)
        i = index(s, "."); ip = i ? substr(s, 1, i - 1) : s; fp = i ? substr(s, i) : ""
        out = ""; while (length(ip) > 3) { out = "," substr(ip, length(ip) - 2) out; ip = substr(ip, 1, length(ip) - 3) }
        print (neg ? "-" : "") ip out fp }'
}
# met OK?: "**met**", "**missed**" or "not measured" from an awk condition on v.
met() {
    local v=$1 cond=$2
    if ! isnum "$v"; then echo "not measured"; return; fi
    awk -v v="$v" "BEGIN { print ($cond) ? \"**met**\" : \"**missed**\" }"
}
times() { isnum "${1:-}" && echo "$(num "$1" 2)×" || echo "n/a"; }

# For the explanations in the template (rounded as they are shown).
derive derived.counter1_rt_extra_us 0 'a - b' load.counter.1.p50_us load.counter.1.echo_p50_us
derive derived.counter1_cpu_extra_us 1 'a - b' load.counter.1.server_us_per_event load.counter.1.echo_server_us_per_event
derive derived.counter100_cpu_extra_us 1 'a - b' load.counter.100.server_us_per_event load.counter.100.echo_server_us_per_event
derive derived.counter_engine_us 1 'a + b' diff.row_state_us diff.patch_us
derive derived.rows_root_cpu_bound_eps 0 '1e6 / a' load.rows.100.server_us_per_event
derive derived.rows_root_engine_bound_eps 0 '1e6 / a' diff.parent_data_us
derive derived.rows_row_cpu_bound_eps 0 '1e6 / a' load.rows_row.100.server_us_per_event
derive derived.rows_server_cpu_bound_eps 0 '1e6 / a' load.rows_server.100.server_us_per_event
# 100 sessions, each sealing a token at most every 250 ms (the default --token-interval).
derive derived.rows_row_seal_pct 0 '100 * 4 * a / 1e6 * 100' resume.token_rows_seal_us
derive derived.rows_row_token_extra_us 1 'a - b' load.rows_row.100.server_us_per_event load.rows_server.100.server_us_per_event
derive derived.rows_row_token_extra_pct 0 '(a - b) * c / 1e6 * 100' load.rows_row.100.server_us_per_event load.rows_server.100.server_us_per_event load.rows_row.100.events_per_s
derive derived.rows_tree_kib 0 'a * b / 1024' diff.mem_rows_bytes_per_node first.browser.patch_nodes
derive derived.proxy_sum_us 1 'a + b' proxy.haproxy.server_us_per_event proxy.haproxy.proxy_us_per_event

T=()      # rows of the targets table
target_row() { T+=("| $1 | $2 | $3 | $4 | $5 |"); }

v=$(r load.counter.1.ratio_p50)
target_row "Event round trip (click → patch), counter, 1 connection, p50: ≤ 1.3× the raw lws echo of the same bytes" \
    "$(num "$(r load.counter.1.p50_us)") µs" "echo: $(num "$(r load.counter.1.echo_p50_us)") µs" "$(times "$v")" "$(met "$v" "v <= 1.3")"
v=$(r load.counter.100.ratio_eps)
target_row "Counter events/s at 100 connections: ≥ 0.8× the echo's" \
    "$(num "$(r load.counter.100.events_per_s)")/s" "echo: $(num "$(r load.counter.100.echo_events_per_s)")/s" "$(times "$v")" "$(met "$v" "v >= 0.8")"
for s in rows rows_row rows_server; do
    case $s in
        rows) what="list data in the root (\`rows --state root\`, as a React app keeps it)" ;;
        rows_row) what="each row's own state (\`--state row\`)" ;;
        rows_server) what="each row's own server-only state (\`--state row-server\`, no tokens)" ;;
    esac
    v=$(r "load.$s.100.events_per_s")
    target_row "1,000-row list, one row changes per click, 100 connections: ≥ 20,000 events/s; $what" \
        "$(num "$v")/s" "20,000/s" "$(isnum "$v" && times "$(awk -v v="$v" 'BEGIN { print v / 20000 }')" || echo n/a)" "$(met "$v" "v >= 20000")"
done
# Memory per idle session: at the largest number of sessions measured.
mem_n=""
for n in 10000 1000 100 1; do isnum "$(r "idle.counter.$n.kib_per_session")" && { mem_n=$n; break; }; done
v=$(r "idle.counter.${mem_n:-x}.kib_per_session")
target_row "Memory per connected idle session, counter: ≤ 10 KiB" \
    "$(num "$v" 1) KiB (at $(num "${mem_n:-0}") sessions)" "10 KiB" "$(isnum "$v" && times "$(awk -v v="$v" 'BEGIN { print v / 10 }')" || echo n/a)" "$(met "$v" "v <= 10")"
v=$(r idle.counter.10000.ready)
target_row "10,000 concurrent sessions in one worker (counter)" \
    "$(num "$v") of 10,000 ready (set up in $(num "$(r idle.counter.10000.setup_s)" 2) s)" "10,000" "$(isnum "$v" && times "$(awk -v v="$v" 'BEGIN { print v / 10000 }')" || echo n/a)" "$(met "$v" "v >= 10000")"
# Issue 21: 8 MB is 8,000,000 bytes (7,812.5 KiB), the stricter reading.
v=$(r device.1024.rss_after_kib)
target_row "100 idle dashboard sessions (\`examples/dashboard\`, open files limited to 1,024 as deploy/systemd's unit does): whole-process RSS ≤ 8 MB (issue 21; with no session: $(num "$(r device.1024.rss_before_kib)") KiB)" \
    "$(num "$v") KiB ($(num "$(r device.1024.kib_per_session)" 1) KiB per session)" "7,812 KiB" "$(isnum "$v" && times "$(awk -v v="$v" 'BEGIN { print v / 7812.5 }')" || echo n/a)" "$(met "$v" "v <= 7812.5")"
v=$(r diff.row_state_us)
target_row "Diff of a 10,000-node tree with one changed text: O(changed), ≤ 50 µs" \
    "$(num "$v" 2) µs" "50 µs" "$(isnum "$v" && times "$(awk -v v="$v" 'BEGIN { print v / 50 }')" || echo n/a)" "$(met "$v" "v <= 50")"
v=$(r resume.total_us)
target_row "Resume of a session with 1,000 restorable values: ≤ 1 ms server CPU" \
    "$(num "$v") µs" "1,000 µs" "$(isnum "$v" && times "$(awk -v v="$v" 'BEGIN { print v / 1000 }')" || echo n/a)" "$(met "$v" "v <= 1000")"
v=$(r resume.token_counter_wire_bytes)
target_row "Counter token ≤ 200 bytes on the wire" \
    "$(num "$v") bytes (${R[resume.token_counter_chars]:-n/a} characters + \`,\"token\":\"\"\`)" "200 bytes" "$(isnum "$v" && times "$(awk -v v="$v" 'BEGIN { print v / 200 }')" || echo n/a)" "$(met "$v" "v <= 200")"
v=$(r store.store_fanout_10000_ms)
target_row "One store change fanned out to 10,000 subscribed sessions, to the last patch written (in process, sockets apart): ≤ 50 ms (1,000: $(num "$(r store.store_fanout_1000_ms)" 2) ms; $(num "$(r store.store_sub_bytes)" 0) bytes per subscription)" \
    "$(num "$v" 2) ms" "50 ms" "$(isnum "$v" && times "$(awk -v v="$v" 'BEGIN { print v / 50 }')" || echo n/a)" "$(met "$v" "v <= 50")"
if [ -n "$(r redis.skipped)" ]; then
    target_row "A store write on one process visible on a page of another through Redis, p50 ≤ 5 ms" "not measured: $(r redis.skipped)" "5 ms" "n/a" "not measured"
    target_row "Counter events/s at 100 connections with \`--redis\` within 10 % of without (≥ 0.9×)" "not measured: $(r redis.skipped)" "" "n/a" "not measured"
    target_row "One store change fanned out to 10,000 sessions over 2 processes through Redis, to the last patch received: ≤ 50 ms" "not measured: $(r redis.skipped)" "50 ms" "n/a" "not measured"
else
    v=$(r redis.prop.b_p50_us)
    ms=$(isnum "$v" && awk -v v="$v" 'BEGIN { printf "%.3f", v / 1000 }' || echo "")
    target_row "A store write on one process visible on a page of another through Redis (click → patch on the other process's page), p50 ≤ 5 ms" \
        "$(num "$ms" 2) ms (p99: $(num "$(awk -v v="$(r redis.prop.b_p99_us)" 'BEGIN { if (v != "") printf "%.3f", v / 1000 }')" 2) ms)" "5 ms" "$(isnum "$ms" && times "$(awk -v v="$ms" 'BEGIN { print v / 5 }')" || echo n/a)" "$(met "$ms" "v <= 5")"
    v=$(r redis.counter.ratio_eps)
    target_row "Counter events/s at 100 connections with \`--redis\` within 10 % of without (≥ 0.9×)" \
        "$(num "$(r redis.counter.redis_events_per_s)")/s" "without: $(num "$(r redis.counter.plain_events_per_s)")/s" "$(times "$v")" "$(met "$v" "v >= 0.9")"
    v=$(r redis.fanout.last_p50_ms)
    target_row "One store change fanned out to $(num "$(r redis.fanout.sessions)") sessions over 2 processes through Redis, click → the last session's patch received (median of $(r redis.fanout.rounds) rounds): ≤ 50 ms" \
        "$(num "$v" 2) ms (worst $(num "$(r redis.fanout.last_max_ms)" 2) ms)" "50 ms" "$(isnum "$v" && times "$(awk -v v="$v" 'BEGIN { print v / 50 }')" || echo n/a)" "$(met "$v" "v <= 50")"
fi
v=$(r parse.worst_ratio)
target_row "A maximal hostile message (deep, wide, long strings, many keys, many escapes, reals) costs ≤ 3× the parse of a flat array of equal length (rc_wire_parse, worst shape: $(r parse.worst_shape))" \
    "$(num "$(r parse.$(r parse.worst_shape)_us)" 0) µs" "flat: $(num "$(r parse.flat_us)" 0) µs" "$(times "$v")" "$(met "$v" "v <= 3")"
v=$(r bundle.gzip_bytes)
kib=$(isnum "$v" && awk -v v="$v" 'BEGIN { printf "%.1f", v / 1024 }' || echo "")
target_row "Client bundle ≤ 15 KiB gzipped" \
    "$(num "$kib" 1) KiB (\`gzip -9\` of \`client/dist/reactc.js\`, $(num "$(r bundle.raw_bytes)") bytes)" "15 KiB" "$(isnum "$kib" && times "$(awk -v v="$kib" 'BEGIN { print v / 15 }')" || echo n/a)" "$(met "$kib" "v <= 15")"
v=$(r first.browser.patch_ms_p50)
target_row "Applying one patch to a 10,000-node page ≤ 1 ms (Chromium, the client's message handler, p50)" \
    "$(num "$v" 2) ms on $(num "$(r first.browser.patch_nodes)") nodes (p99: $(num "$(r first.browser.patch_ms_p99)" 2) ms)" "1 ms" "$(times "$v")" "$(met "$v" "v <= 1")"

{
    echo "| target (docs/architecture.md, Targets) | measured | against | ratio | met? |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${T[@]}"
} >"$BLOCKS/targets.md"

# ---- issue 20's targets, beside the baseline's figures ----------------------------------

# The baseline: figures of an earlier run (bench/baseline.txt), read as R is.
declare -A BASE
BASE_LABEL="baseline"
if [ -f "$BASELINE" ]; then
    BASE_LABEL=$(sed -n 's/^# label: //p' "$BASELINE" | head -n1)
    BASE_LABEL=${BASE_LABEL:-baseline}
    while read -r k v; do
        case $k in '' | '#'*) continue ;; esac
        BASE[$k]=$v
    done <"$BASELINE"
fi
base() { echo "${BASE[$1]:-}"; }

# Each cell below is computed by a function of GET, the figure reader: r for
# this run, base for the baseline; so both columns say the same thing.
# largest GET APP KEY: the largest idle size with a figure KEY for APP.
largest() {
    local n
    for n in 10000 1000 200 100 1; do isnum "$($1 "idle.$2.$n.$3")" && { echo "$n"; return 0; }; done
    return 0
}
# page_of APP: bench/diff's name for that page (its in-process figures).
page_of() { case $1 in rows) echo table ;; rows_row) echo table_row ;; *) echo "$1" ;; esac; }
# node_cell GET APP: retained bytes per DOM node of a page's idle session.
node_val() { local n; n=$(largest "$1" "$2" bytes_per_node); [ -n "$n" ] && $1 "idle.$2.$n.bytes_per_node"; }
node_cell() {
    local n
    n=$(largest "$1" "$2" bytes_per_node)
    [ -n "$n" ] || { echo "n/a"; return; }
    echo "**$(num "$($1 "idle.$2.$n.bytes_per_node")") B** per DOM node, $(num "$($1 "idle.$2.$n.bytes_per_instance")") B per instance ($(num "$($1 "idle.$2.$n.kib_per_session")") KiB per session at $(num "$n") sessions, $(num "$($1 "idle.$2.dom_nodes")") nodes, $(num "$($1 "idle.$2.instances")") instances; in process, the mounted page's heap: $(num "$($1 "diff.page_$(page_of "$2")_bytes_per_node")") B per node)"
}
kib_val() { local n; n=$(largest "$1" "$2" kib_per_session); [ -n "$n" ] && $1 "idle.$2.$n.kib_per_session"; }
kib_cell() {
    local n
    n=$(largest "$1" "$2" kib_per_session)
    [ -n "$n" ] || { echo "n/a"; return; }
    echo "**$(num "$($1 "idle.$2.$n.kib_per_session")" 1) KiB** (at $(num "$n") sessions)"
}
eps_cell() {
    isnum "$($1 "load.$2.100.events_per_s")" || { echo "n/a"; return; }
    echo "**$(num "$($1 "load.$2.100.events_per_s")")/s** ($(num "$($1 "load.$2.100.ratio_eps")" 2)× the echo's $(num "$($1 "load.$2.100.echo_events_per_s")")/s; $(num "$($1 "load.$2.100.server_us_per_event")" 1) µs server CPU per event)"
}
ratio_cell() {
    isnum "$($1 "load.$2.100.ratio_eps")" || { echo "n/a"; return; }
    echo "**$(num "$($1 "load.$2.100.ratio_eps")" 2)×** ($(num "$($1 "load.$2.100.events_per_s")")/s against the echo's $(num "$($1 "load.$2.100.echo_events_per_s")")/s)"
}
first_cell() {
    isnum "$($1 first.rows.p50_us)" || { echo "n/a"; return; }
    echo "**$(num "$(awk -v v="$($1 first.rows.p50_us)" 'BEGIN { print v / 1000 }')" 2) ms** (p99 $(num "$(awk -v v="$($1 first.rows.p99_us)" 'BEGIN { print v / 1000 }')" 2) ms; echo floor p50 $(num "$($1 first.echo.p50_us)") µs)"
}
ms_val() { isnum "$($1 "$2")" && awk -v v="$($1 "$2")" 'BEGIN { print v / 1000 }'; }

T20=()
# t20 TARGET CELL-FN CELL-ARG VAL LIMIT COND: a row; ratio = VAL / LIMIT.
t20() {
    local what=$1 fn=$2 arg=$3 v=$4 limit=$5 cond=$6
    T20+=("| $what | $($fn base "$arg") | $($fn r "$arg") | $(isnum "$v" && times "$(awk -v v="$v" -v l="$limit" 'BEGIN { print v / l }')" || echo n/a) | $(met "$v" "$cond") |")
}
for p in rows rows_row list; do
    case $p in
        rows) what="1,000-row table, list data in the root" ;;
        rows_row) what="1,000-row table, each row's own state" ;;
        list) what="ReactPy's 1,000-item list page" ;;
    esac
    t20 "Retained memory per DOM node, idle session: ≤ 64 B; $what" \
        node_cell "$p" "$(node_val r "$p")" 64 "v <= 64"
done
t20 "Memory per idle session, 1,000-row table, list data in the root: ≤ 700 KiB" kib_cell rows "$(kib_val r rows)" 700 "v <= 700"
t20 "Memory per idle session, 1,000-row table, each row's own state: ≤ 700 KiB" kib_cell rows_row "$(kib_val r rows_row)" 700 "v <= 700"
t20 "Memory per idle session, ReactPy's 1,000-item list page: ≤ 190 KiB (ReactPy 1.1.0: 0.94 MiB)" kib_cell list "$(kib_val r list)" 190 "v <= 190"
t20 "Memory per idle session, counter: ≤ 10 KiB" kib_cell counter "$(kib_val r counter)" 10 "v <= 10"
t20 "1,000-row table, list data in the root, one row changes per click, 100 connections: ≥ 20,000 events/s" \
    eps_cell rows "$(r load.rows.100.events_per_s)" 20000 "v >= 20000"
t20 "… and ≥ 0.15× the raw echo's events/s in the same run" ratio_cell rows "$(r load.rows.100.ratio_eps)" 0.15 "v >= 0.15"
t20 "1,000-row table, each row's own state, 100 connections: ≥ 0.5× the echo's events/s" \
    ratio_cell rows_row "$(r load.rows_row.100.ratio_eps)" 0.5 "v >= 0.5"
t20 "ReactPy's 1,000-item list page, one item changes per click, 100 connections: ≥ 20,000 events/s (ReactPy 1.1.0: ~40/s)" \
    eps_cell list "$(r load.list.100.events_per_s)" 20000 "v >= 20000"
t20 "Counter, 100 connections: events/s ratio to the echo not below 0.96× (issue 20's figure on main)" \
    ratio_cell counter "$(r load.counter.100.ratio_eps)" 0.96 "v >= 0.96"
t20 "First render of the 1,000-row table at protocol level, p50 ≤ 2 ms (bench/first_render: \`connect()\` → the whole first tree received, one session at a time: TCP connect, WebSocket upgrade, hello, the server's first render and its $(num "$(r first.rows.first_bytes)")-byte layout-update; the echo's line is the floor)" \
    first_cell rows "$(ms_val r first.rows.p50_us)" 2 "v <= 2"
{
    echo "| target (issue 20) | $BASE_LABEL | this run | ratio to the target | met? |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${T20[@]}"
} >"$BLOCKS/big_pages.md"

O=()
other_row() { O+=("| $1 | $2 | $3 | $4 |"); }
if [ -n "$(r proxy.skipped)" ]; then
    other_row "Events/s through HAProxy, 2 workers" "not measured: $(r proxy.skipped)" "" ""
else
    other_row "Events/s through HAProxy, 2 workers (counter, $(r proxy.conns) connections; not pinned)" \
        "$(num "$(r proxy.haproxy.events_per_s)")/s" \
        "direct to the 2 workers: $(num "$(r proxy.direct.events_per_s)")/s; raw echo direct: $(num "$(r proxy.echo.events_per_s)")/s; echo through HAProxy: $(num "$(r proxy.echo_haproxy.events_per_s)")/s" \
        "$(times "$(r proxy.ratio_haproxy_direct)") direct; $(times "$(r proxy.ratio_haproxy_echo)") echo; $(times "$(r proxy.ratio_haproxy_echo_haproxy)") echo through HAProxy"
fi
for a in counter rows; do
    [ $a = counter ] && what="counter" || what="1,000-row list ($(num "$(r first.rows.first_bytes)") bytes)"
    other_row "First render, protocol: connect → first tree received, $what" \
        "p50 $(num "$(r first.$a.p50_us)") µs, p99 $(num "$(r first.$a.p99_us)") µs" \
        "raw echo (connect, upgrade, one small message): p50 $(num "$(r first.echo.p50_us)") µs" "$(times "$(r first.$a.ratio_p50)")"
done
if [ -n "$(r first.browser.skipped)" ]; then
    other_row "First render in Chromium" "not measured: $(r first.browser.skipped)" "" ""
else
    other_row "First render in Chromium: navigation start → the frame showing the component, counter" \
        "p50 $(num "$(r first.browser.counter_frame_ms_p50)" 1) ms" "" ""
    other_row "First render in Chromium, 1,000-row list (the 1,000th row)" \
        "p50 $(num "$(r first.browser.rows_frame_ms_p50)" 1) ms" "counter" \
        "$(times "$(ratio "$(r first.browser.rows_frame_ms_p50)" "$(r first.browser.counter_frame_ms_p50)")")"
fi
whole=$(r idle.rows.1.first_bytes)
isnum "$whole" || whole=$(r first.rows.first_bytes)
for s in rows rows_row; do
    [ $s = rows ] && what="state in the root" || what="each row's own state, token included when one rides along"
    v=$(r "load.$s.100.bytes_per_update")
    # As 1/N: the ratio is far below what two decimals show.
    frac=$(isnum "$v" && isnum "$whole" && awk -v a="$v" -v b="$whole" 'BEGIN { if (a > 0) printf "%d", b / a + 0.5 }' || true)
    other_row "Bytes per update, one row changes in the 1,000-row list ($what)" \
        "$(num "$v" 1) bytes" "the whole tree re-sent: $(num "$whole") bytes" "$([ -n "$frac" ] && echo "1/$(num "$frac")" || echo n/a)"
done
rows_n=""
for n in 10000 1000 100 1; do isnum "$(r "idle.rows.$n.kib_per_session")" && { rows_n=$n; break; }; done
v=$(r "idle.rows.${rows_n:-x}.kib_per_session")
other_row "Memory per idle session, 1,000-row list (state in the root)" \
    "$(num "$v") KiB (at $(num "${rows_n:-0}") sessions)" "counter: $(num "$(r "idle.counter.${mem_n:-x}.kib_per_session")" 1) KiB" \
    "$(times "$(ratio "$v" "$(r "idle.counter.${mem_n:-x}.kib_per_session")")")"
other_row "Token sizes (characters): counter / todo, 3 items and a draft / 1,000-row list with row state (bench/resume)" \
    "$(num "$(r resume.token_counter_chars)") / $(num "$(r resume.token_todo_chars)") / $(num "$(r resume.token_rows_chars)")" \
    "live, from the servers under load: counter $(num "$(r load.counter.100.token_chars)"), 1,000-row list with row state $(num "$(r load.rows_row.100.token_chars)")" ""
other_row "A thread publishing into a store 10,000 times a second, 1,000 sessions reading it, renders at most every 16 ms (render_interval_ms; bench/store publish; in process, sockets apart; not pinned)" \
    "loop thread CPU $(num "$(r store.store_pub_cpu_pct)" 1)%; $(num "$(r store.store_pub_msgs_per_session_s)") messages per session per second (a render at every loop turn: $(num "$(r store.store_pub_uncapped_cpu_pct)" 1)%, $(num "$(r store.store_pub_uncapped_msgs_per_session_s)"))" \
    "$(num "$(r store.store_pub_rate)") publishes/s, merged into $(num "$(r store.store_pub_applied)") writes ($(num "$(r store.store_pub_turns)") loop turns)" \
    "$(times "$(ratio "$(r store.store_pub_msgs_per_session_s)" "$(r store.store_pub_rate)")") of the updates per session"
hot=${STEP_STATUS[hotreload]:-}
other_row "Hot reload" "$([ -z "$hot" ] && echo "see the Hot reload section" || echo "not measured: $hot")" "" ""
{
    echo "| figure | measured | against | ratio |"
    echo "|---|---|---|---|"
    printf '%s\n' "${O[@]}"
} >"$BLOCKS/others.md"

# ---- the header, then the document ------------------------------------------------------------

ELAPSED=$(( $(date +%s) - START_EPOCH ))
LOADAVG_END=$(cut -d' ' -f1-3 /proc/loadavg)
STEPS=""
for s in diff resume parse store store_publish load proxy redis first_render hotreload; do
    [ -n "${STEP_TIME[$s]:-}" ] && STEPS="$STEPS${STEPS:+, }$s ${STEP_TIME[$s]} s"
done
{
    echo "Generated by \`make bench\` (\`bench/run.sh\`) on $START_DATE, in $((ELAPSED / 60)) min $((ELAPSED % 60)) s ($STEPS)."
    echo
    echo "- Machine: $MACHINE, $MEM_GIB GiB of memory."
    echo "- Load average at the start: $LOADAVG_START; at the end: $LOADAVG_END. Other work on the"
    echo "  machine adds noise: compare the ratios within this run (both sides were measured side by"
    echo "  side), not absolute figures across runs."
    echo "- Compiler: ${COMPILER:-unknown}; build directory \`$BUILD_SHOWN\`, build type $BUILD_TYPE${CC_FLAGS:+ (\`$CC_FLAGS\`)}."
    [ "$QUICK" = 1 ] && echo "- QUICK=1: shortened runs, for trying the pipeline; the figures are less reliable."
    for s in diff resume parse store store_publish; do
        [ -n "${STEP_STATUS[$s]:-}" ] && echo "- bench/$s: ${STEP_STATUS[$s]}; its figures are n/a."
    done
    echo
    echo "Every figure in this document comes from this run; one that the run did not produce reads n/a."
} >"$TMP/header.md"
if [ -n "$REPORT_FROM" ] && [ -f "$BLOCKS/header.md" ]; then
    log "the header is the measuring run's (its date, machine, load and step times)"
else
    mv "$TMP/header.md" "$BLOCKS/header.md"
    [ -n "$REPORT_FROM" ] || cp "$BLOCKS/header.md" "$SAVED"/
fi

DOC=$TMP/performance.md
awk -v resfile="$RESULTS" -v blocks="$BLOCKS" -v missing="$TMP/missing" '
    BEGIN {
        while ((getline line < resfile) > 0) {
            k = line; sub(/ .*/, "", k)
            v = substr(line, length(k) + 2)
            if (k != "" && v != "") R[k] = v
        }
    }
    /^[{][{]@[a-z_]+[}][}][[:space:]]*$/ {
        name = $0; sub(/^[{][{]@/, "", name); sub(/[}][}].*$/, "", name)
        f = blocks "/" name ".md"; n = 0
        while ((getline line < f) > 0) { print line; n++ }
        close(f)
        if (!n) print "(" name ": nothing was produced)"
        next
    }
    {
        s = $0; out = ""
        while (match(s, /[{][{][A-Za-z0-9_.]+[}][}]/)) {
            k = substr(s, RSTART + 2, RLENGTH - 4)
            if (k in R) v = R[k]; else { v = "n/a"; print k >> missing }
            out = out substr(s, 1, RSTART - 1) v
            s = substr(s, RSTART + RLENGTH)
        }
        print out s
    }' "$TEMPLATE" >"$DOC"
if [ -s "$TMP/missing" ]; then
    log "figures the template asks for that this run did not produce: $(sort -u "$TMP/missing" | tr '\n' ' ')"
fi

if [ "$OUT" = - ]; then
    cat "$DOC"
else
    cp "$DOC" "$OUT.tmp.$$"
    mv "$OUT.tmp.$$" "$OUT"
    log "wrote $OUT"
fi
cat "$BLOCKS/targets.md" >&2
log "finished in $((ELAPSED / 60)) min $((ELAPSED % 60)) s; the steps' output is in $LOG"
