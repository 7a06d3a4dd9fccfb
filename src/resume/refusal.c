#include "resume/refusal.h"

#include <stddef.h>

const char *rc_refusal_name(rc_refusal why) {
    static const char *const names[] = {
        "none",           "session malformed", "no token",   "too large",        "malformed",
        "format",         "unknown key",       "other app",  "tampered",         "corrupt",
        "other session",  "expired",           "future",     "version mismatch", "too old",
        "format too old", "no snapshot",       "other user",
    };
    return (size_t)why < sizeof names / sizeof *names ? names[why] : "unknown";
}
