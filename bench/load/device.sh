#!/usr/bin/env bash
# bench/load/device.sh: issue 21's device figure. The whole-process RSS of
# examples/dashboard (the example a device ships: stores, a sensor thread
# publishing every 100 ms, per-tab state) with no session, then with
# DEVICE_SESSIONS (default 100) connected idle sessions (hello and first
# render done, then held while the sensor keeps updating them), and where
# it is: the heap, other anonymous memory (thread stacks, lws's
# per-descriptor tables, malloc's mmapped blocks) and file-backed pages
# (the program and its libraries), from /proc/PID/smaps.
#
# lws sizes two tables by the process's open-file limit (16 bytes per
# possible descriptor): the server runs under `ulimit -n` of each of
# DEVICE_NOFILE (default "1024 HARD": 1,024 as deploy/systemd/reactc-device.service
# sets it, and the hard limit this benchmark otherwise runs with).
#
# Prints a Markdown section, "## Device memory (bench/load/device.sh)";
# figures go to $RESULTS as device.NOFILE.KEY (NOFILE 1024, or "hard").
# Environment: BUILD, DEVICE_SESSIONS, DEVICE_NOFILE, TOTAL_LIMIT (s,
# default 120). Every server is stopped on exit; every command has a timeout.
set -euo pipefail

TOTAL_LIMIT=${TOTAL_LIMIT:-120}
# shellcheck disable=SC2034  # read by lib.sh
LIB_NAME=bench/load/device.sh
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"
SESSIONS=${DEVICE_SESSIONS:-100}
HARD=$(ulimit -Hn)
NOFILE=${DEVICE_NOFILE:-"1024 $HARD"}
DASH=$BUILD/examples/dashboard
for b in "$DASH" "$BUILD/bench/load"; do
    [ -x "$b" ] || { log "$b is missing: build first (cmake --build $BUILD)"; exit 1; }
done
pin_cpus

# smaps_split PID: "HEAP ANON FILE" resident KiB: [heap], other anonymous
# mappings (stacks included), mappings of a file.
smaps_split() {
    awk '/^[0-9a-f]+-[0-9a-f]+ / { name = $6 }
         /^Rss:/ { if (name == "[heap]") h += $2; else if (name ~ /^\//) f += $2; else a += $2 }
         END { printf "%d %d %d\n", h, a, f }' "/proc/$1/smaps"
}

ROWS=()
for n in $NOFILE; do
    key=$([ "$n" = "$HARD" ] && [ "$n" != 1024 ] && echo hard || echo "$n")
    mkdir -p "$TMP/state-$n"
    log "dashboard, ulimit -n $n, $SESSIONS idle sessions"
    # shellcheck disable=SC2016  # the inner shell's "$@"
    if ! start_server "dashboard-$n" 1 "${PIN_SERVER[@]+"${PIN_SERVER[@]}"}" \
        bash -c 'ulimit -n "$1" && shift && exec "$@"' _ "$n" \
        "$DASH" --state "$TMP/state-$n" --port 0; then
        ROWS+=("| $n | server did not start | | | | | | |")
        continue
    fi
    read -r h0 a0 f0 <<<"$(smaps_split "$SRV_PID")"
    run_load 60 --port "$SRV_PORT" --idle "$SESSIONS" --server-pid "$SRV_PID" --settle 1
    read -r h1 a1 f1 <<<"$(smaps_split "$SRV_PID")"
    stop_server
    r=$RES
    result "device.$key.nofile" "$n"
    for k in ready rss_before_kib rss_after_kib kib_per_session; do
        result "device.$key.$k" "$(field "$r" "$k")"
    done
    result "device.$key.heap_kib" "$h1"
    result "device.$key.anon_kib" "$a1"
    result "device.$key.file_kib" "$f1"
    ROWS+=("| $n | $(field "$r" ready) | $(field "$r" rss_before_kib) ($h0 + $a0 + $f0) | **$(field "$r" rss_after_kib)** | $(fmt "$(field "$r" kib_per_session)" %.1f) | $h1 | $a1 | $f1 |")
done

echo "## Device memory (bench/load/device.sh)"
echo
echo "\`examples/dashboard\` (the example a device ships), server on CPU 0, load client on CPU 1;"
echo "RSS from /proc/PID/status before any session and after $SESSIONS idle sessions (hello and first"
echo "render done, held 1 s while its sensor thread keeps publishing every 100 ms); the split from"
echo "/proc/PID/smaps, in KiB: the heap, other anonymous memory (thread stacks, lws's tables of"
echo "16 bytes per possible descriptor, malloc's mmapped blocks) and file-backed pages (the"
echo "program and its libraries, shared with other processes using them)."
echo
echo "| open files (\`ulimit -n\`) | ready | RSS, no session (heap + anon + files) | RSS, $SESSIONS sessions | KiB per session | heap | other anon | files |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
