#!/usr/bin/env bash
# bench/first_render/run.sh: how long until a new visitor sees the page.
#
# (a) Protocol: build/bench/load --first N opens N sessions one after
#     another and times each from connect() to its first whole tree (the
#     layout-update answering hello): counter, the 1,000-row list
#     (build/bench/rows), and the raw lws echo answering hello with a small
#     tree (the floor: TCP + WebSocket handshake + one small message).
#     Servers run with --grace 0 (a closed session is freed at once, so every
#     session meets the same server); server on CPU 0, load client on CPU 1.
# (b) Chromium (bench/first_render/run.mjs, playwright-core from
#     tests/e2e/node_modules): navigation start to the first component in
#     the document and to the next frame, median of LOADS page loads; and
#     the client's time to apply one patch on the 1,000-row page.
#     Not pinned (Chromium runs several processes).
#
# Prints a Markdown section on stdout; "key value" figures go to $RESULTS.
# Environment: BUILD, SESSIONS (default 200), LOADS (default 20), CLICKS
# (default 50), TOTAL_LIMIT (s, default 180).
set -euo pipefail

TOTAL_LIMIT=${TOTAL_LIMIT:-300}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"

SESSIONS=${SESSIONS:-200}
LOADS=${LOADS:-20}
CLICKS=${CLICKS:-50}
COUNTER=$BUILD/examples/counter
ROWS=$BUILD/bench/rows
ECHO=$BUILD/bench/echo
export REACTC_SECRET=${REACTC_SECRET:-b64:$(head -c 32 /dev/urandom | base64)}

echo "## First render (bench/first_render)"
echo
for b in "$COUNTER" "$ROWS" "$ECHO" "$BUILD/bench/load"; do
    if [ ! -x "$b" ]; then
        echo "Not measured: $b is missing (build first)."
        echo
        exit 0
    fi
done

pin_cpus

# ---- (a) protocol level -----------------------------------------------------------

declare -A P
PROTO_ROWS=()
for app in echo counter rows; do
    case $app in
        echo) cmd=("$ECHO") label="raw lws echo (answers hello with a small fixed tree)" ;;
        counter) cmd=("$COUNTER" --grace 0) label="counter" ;;
        rows) cmd=("$ROWS" --state root --grace 0) label="1,000-row list (bench/load/rows)" ;;
    esac
    log "protocol: $app, $SESSIONS sessions one at a time"
    if ! start_server "$app" 1 "${PIN_SERVER[@]+"${PIN_SERVER[@]}"}" "${cmd[@]}" --host 127.0.0.1 --port 0; then
        PROTO_ROWS+=("| $label | server did not start | | | | | |")
        continue
    fi
    run_load 120 --port "$SRV_PORT" --first "$SESSIONS" --stall 20
    stop_server
    for k in ready p50_us p90_us p99_us max_us first_bytes token_chars; do
        P[$app,$k]=$(field "$RES" "$k")
        result "first.$app.$k" "$(fmt "${P[$app,$k]}" %.0f)"
    done
    r50=$(ratio "${P[$app,p50_us]}" "${P[echo,p50_us]:-}")
    result "first.$app.ratio_p50" "$r50"
    PROTO_ROWS+=("| $label | ${P[$app,ready]:-0} of $SESSIONS | $(fmt "${P[$app,first_bytes]}" %.0f) | $(fmt "${P[$app,p50_us]}" %.0f) | $(fmt "${P[$app,p90_us]}" %.0f) | $(fmt "${P[$app,p99_us]}" %.0f) | $r50 |")
done

cat <<EOF
Protocol level: \`build/bench/load --first $SESSIONS\` opens $SESSIONS sessions one after another
and times each from \`connect()\` to its whole first tree received (TCP connect, WebSocket
upgrade, \`hello\`, the server's first render and its layout-update); each session is then
closed. Servers with \`--grace 0\`; $PINNING. The raw echo, which answers
\`hello\` with a small fixed tree, is the floor: connection setup and one small message.

| server | sessions | first message (bytes) | p50 µs | p90 µs | p99 µs | p50 ratio to the echo |
|---|---|---|---|---|---|---|
$(printf '%s\n' "${PROTO_ROWS[@]}")

EOF

# ---- (b) Chromium -------------------------------------------------------------------

if ! command -v node >/dev/null; then
    echo "In Chromium: not measured (node is not installed)."
    echo
    result first.browser.skipped "node is not installed"
    exit 0
fi
ok=0
start_server counter_b 1 "$COUNTER" --grace 0 --host 127.0.0.1 --port 0 && C_PORT=$SRV_PORT || ok=1
start_server rows_b 1 "$ROWS" --state root --grace 0 --host 127.0.0.1 --port 0 && R_PORT=$SRV_PORT || ok=1
# The same two without the server-rendered first paint (--no-ssr): the
# page comes with an empty mount, as before issue 18.
start_server counter_n 1 "$COUNTER" --no-ssr --grace 0 --host 127.0.0.1 --port 0 && CN_PORT=$SRV_PORT || ok=1
start_server rows_n 1 "$ROWS" --state root --no-ssr --grace 0 --host 127.0.0.1 --port 0 && RN_PORT=$SRV_PORT || ok=1
if [ $ok -ne 0 ]; then
    echo "In Chromium: not measured (a server did not start)."
    echo
    exit 0
fi
log "chromium: $LOADS loads of each page, $CLICKS clicks"
OUTB=$TMP/browser.out
rc=0
timeout -k 5 220 node "$ROOT/bench/first_render/run.mjs" --limit 210 --loads "$LOADS" --clicks "$CLICKS" \
    --patch rows counter "http://127.0.0.1:$C_PORT/" '#count' \
    rows "http://127.0.0.1:$R_PORT/" 'tbody > tr:nth-child(1000)' \
    counter_nossr "http://127.0.0.1:$CN_PORT/" '#count' \
    rows_nossr "http://127.0.0.1:$RN_PORT/" 'tbody > tr:nth-child(1000)' >"$OUTB" 2>"$TMP/browser.err" || rc=$?
cat "$TMP/browser.err" >&2
cat "$OUTB" >&2
if grep -q '^SKIP ' "$OUTB"; then
    reason=$(sed -n 's/^SKIP //p' "$OUTB" | head -n1)
    echo "In Chromium: not measured ($reason)."
    echo
    result first.browser.skipped "$reason"
    exit 0
fi
if [ $rc -ne 0 ]; then
    echo "In Chromium: the run failed (exit $rc; its output is in bench/run.sh's log)."
    echo
    result first.browser.skipped "run.mjs exited with $rc"
    exit 0
fi
B=$(grep '^RESULT ' "$OUTB" | sed 's/^RESULT //' | tr '\n' ' ')
bf() { field "$B" "$1"; }
for k in counter_frame_ms_p50 counter_dom_ms_p50 counter_frame_ms_p90 rows_frame_ms_p50 rows_dom_ms_p50 \
    rows_frame_ms_p90 rows_tree_ms_p50 counter_tree_ms_p50 patch_ms_p50 patch_ms_p99 patch_nodes patch_count \
    patch_bytes counter_loads rows_loads counter_fcp_ms_p50 rows_fcp_ms_p50 counter_ready_ms_p50 \
    rows_ready_ms_p50 counter_nossr_frame_ms_p50 rows_nossr_frame_ms_p50 counter_nossr_fcp_ms_p50 \
    rows_nossr_fcp_ms_p50 counter_nossr_ready_ms_p50 rows_nossr_ready_ms_p50; do
    result "first.browser.$k" "$(bf "$k")"
done
CHROMIUM_VERSION=$(timeout 10 "${REACTC_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -n1 || true)
CHROMIUM_VERSION=${CHROMIUM_VERSION:-Chromium}

cat <<EOF
In Chromium ($CHROMIUM_VERSION, headless, \`bench/first_render/run.mjs\`):
a new page per load (so a fresh session), one warm-up load then $LOADS measured (the client
bundle comes from the browser cache, as on any visit after the first). Times are from
navigation start, measured in the page: *in the DOM* when the component's element is in the
document (right after the client's message handler built the tree), *next frame* the
animation frame that paints it; then, medians, when the page's HTML was received, the client
script received, the WebSocket open, and the first tree's message arriving; and the
client's handler for that message (\`JSON.parse\` and building the DOM). Server and browser
are not pinned. Resolution: Chromium coarsens \`performance.now()\` to 0.1 ms.

| page | loads | in the DOM, p50 ms | next frame, p50 ms | next frame, p90 ms | HTML | script | WebSocket open | first tree arrives | handler of the first tree, ms (bytes) |
|---|---|---|---|---|---|---|---|---|---|
| counter (\`#count\`) | $(bf counter_loads) | $(bf counter_dom_ms_p50) | **$(bf counter_frame_ms_p50)** | $(bf counter_frame_ms_p90) | $(bf counter_html_ms_p50) | $(bf counter_script_ms_p50) | $(bf counter_open_ms_p50) | $(bf counter_tree_at_ms_p50) | $(bf counter_tree_ms_p50) ($(bf counter_tree_bytes)) |
| 1,000-row list (the 1,000th row) | $(bf rows_loads) | $(bf rows_dom_ms_p50) | **$(bf rows_frame_ms_p50)** | $(bf rows_frame_ms_p90) | $(bf rows_html_ms_p50) | $(bf rows_script_ms_p50) | $(bf rows_open_ms_p50) | $(bf rows_tree_at_ms_p50) | $(bf rows_tree_ms_p50) ($(bf rows_tree_bytes)) |

Server-rendered first paint (docs/guide/first-paint.md): the same pages with and without it
(\`--no-ssr\`: the page comes with an empty mount, as before issue 18). *First contentful paint*
is Chromium's \`first-contentful-paint\` entry (the first paint of any content: with the first
paint, the page's HTML; without, the client's first tree). *In the DOM* and *next frame* as above
(with the first paint, the parser puts the element in the document). *Interactive*: the client's
handler of the first tree has ended (handlers attached), medians.

| page | first paint | first contentful paint, p50 ms | in the DOM, p50 ms | next frame, p50 ms | interactive, p50 ms |
|---|---|---|---|---|---|
| counter | on | **$(bf counter_fcp_ms_p50)** | $(bf counter_dom_ms_p50) | $(bf counter_frame_ms_p50) | $(bf counter_ready_ms_p50) |
| counter | off (\`--no-ssr\`) | **$(bf counter_nossr_fcp_ms_p50)** | $(bf counter_nossr_dom_ms_p50) | $(bf counter_nossr_frame_ms_p50) | $(bf counter_nossr_ready_ms_p50) |
| 1,000-row list | on | **$(bf rows_fcp_ms_p50)** | $(bf rows_dom_ms_p50) | $(bf rows_frame_ms_p50) | $(bf rows_ready_ms_p50) |
| 1,000-row list | off (\`--no-ssr\`) | **$(bf rows_nossr_fcp_ms_p50)** | $(bf rows_nossr_dom_ms_p50) | $(bf rows_nossr_frame_ms_p50) | $(bf rows_nossr_ready_ms_p50) |

Applying one patch: on the 1,000-row page ($(bf patch_nodes) DOM nodes: elements and texts),
$(bf patch_count) clicks on \`#bump\`, one at a time; each answer is a patch of one changed text
($(bf patch_bytes) bytes on average, with the state token when one rode along). The client's
message handler (\`JSON.parse\`, applying the operation, keeping the token) took
**$(bf patch_ms_p50) ms** at the median, $(bf patch_ms_p99) ms at p99.

EOF
