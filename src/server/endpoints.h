/*
 * The URL paths reactc serves on the app's port, defined once (the client
 * in client/src names the same: docs/protocol.md is the contract).
 */
#ifndef RC_SERVER_ENDPOINTS_H
#define RC_SERVER_ENDPOINTS_H

#define RC_PATH_PREFIX      "/_reactc/"          /* reserved: 404 unless below */
#define RC_PATH_STREAM      "/_reactc/stream"    /* reactc's WebSocket */
#define RC_PATH_CLIENT_JS   "/_reactc/client.js" /* the embedded client bundle */
#define RC_PATH_LOGIN       "/_reactc/login"     /* POST: the login form (--auth-file) */
#define RC_PATH_LOGOUT      "/_reactc/logout"    /* POST: clears the login cookie */
#define RC_PATH_UPLOAD      "/_reactc/upload"    /* POST ?t=TOKEN: a file's bytes (transfer.c) */
#define RC_PATH_DOWNLOAD    "/_reactc/download"  /* GET ?t=TOKEN: an offered download */
#define RC_PATH_BASE_PREFIX "/_reactpy/"         /* reserved for the base protocol */
#define RC_PATH_BASE_STREAM "/_reactpy/stream"   /* ReactPy's WebSocket; a route may follow */
#define RC_PATH_STATIC      "/static/"           /* --static DIR */

/* Length of a string literal, for prefix compares. */
#define RC_PATH_LEN(lit) (sizeof(lit) - 1)

#endif
