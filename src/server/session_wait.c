/*
 * Sessions waiting for the stores: a token held until a persisted store's
 * file is written (token_held, session_tokens.c), a render and input held
 * until a shared backend decides the event's batch (store_wait,
 * session_render.c; rx_paused, session_protocol.c), a first tree held
 * until then too (tree_how, session_render.c). When the stores say a
 * file was written or a batch decided (rc_store_set_saved, post.c), only
 * these sessions are looked at: walking every session there cost
 * O(sessions) per decided batch, quadratic with many sessions writing.
 *
 * A doubly linked list (unlinked in O(1) when a session is freed) of the
 * sessions with any of the four set; a session leaves it when none is
 * left, so the list holds exactly the sessions that wait.
 */
#include "server/session.h"
#include "store/marks.h"

void rc_session_wait(rc_session *se) {
    if (se->waiting) return;
    rc_server *s = se->server;
    se->waiting = true;
    se->wait_prev = NULL;
    se->wait_next = s->waiting;
    if (s->waiting) s->waiting->wait_prev = se;
    s->waiting = se;
}

void rc_session_unwait(rc_session *se) {
    if (!se->waiting) return;
    rc_server *s = se->server;
    if (se->wait_prev) se->wait_prev->wait_next = se->wait_next;
    else s->waiting = se->wait_next;
    if (se->wait_next) se->wait_next->wait_prev = se->wait_prev;
    se->wait_prev = se->wait_next = NULL;
    se->waiting = false;
}

void rc_session_unwait_if_done(rc_session *se) {
    if (!se->token_held && !se->store_wait && !se->tree_how && !se->rx_paused)
        rc_session_unwait(se);
}

void rc_session_stores_saved(rc_server *s) {
    rc_session *next;
    for (rc_session *se = s->waiting; se; se = next) {
        next = se->wait_next;
        /* A file was written: the held token goes out (the flush seals it). */
        if (se->token_held) {
            se->token_held = false;
            rc_session_mark_pending(se);
        }
        /* A batch at Redis was decided (src/redis/stores.c): the session
         * waiting for it sends its first tree or renders now (the flush,
         * session_render.c), and takes input again. */
        bool waits = se->store_wait || se->tree_how || se->rx_paused;
        if (waits && !rc_store_in_flight(se->id_text)) {
            if (se->store_wait || se->tree_how) rc_session_mark_pending(se);
            se->store_wait = false;
            if (se->rx_paused && se->rx_paused == se->wsi) lws_rx_flow_control(se->wsi, 1);
            se->rx_paused = NULL;
        }
        rc_session_unwait_if_done(se);
    }
}
