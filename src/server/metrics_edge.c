/*
 * The edge's refusals as a reason label (reactc_edge_refusals_total). Apart
 * from metrics.c because the counters stay in a build without /metrics
 * (RC_WITH_METRICS=OFF): edge.c, login.c and app.c count every refusal
 * whether or not anything serves the count.
 */
#include "server/metrics.h"

rc_edge_reason rc_metrics_edge_reason(unsigned status) {
    switch (status) {
    case 400: return RC_EDGE_BAD_REQUEST;
    case 421: return RC_EDGE_HOST;
    case 403: return RC_EDGE_ORIGIN;
    case 429: return RC_EDGE_PER_ADDRESS;
    case 401: return RC_EDGE_LOGIN;
    default: return RC_EDGE_OTHER;
    }
}
