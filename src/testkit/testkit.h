/*
 * The test kit (include/reactc_test.h): a layout driven as reactc's server
 * drives one, without a server. It only calls down: the core through
 * reactc_layout.h and core/host.h (the connection, as the server sets it),
 * the resume layer to seal and open state tokens. From the ground up (a
 * file calls only files listed before it):
 *
 *   select.c   selectors: parsing and matching one element
 *   query.c    walks of the rendered tree: find, count, text, ancestors
 *   form.c     a form's named fields, as the client sends them with a submit
 *   clock.c    the fake timer host (rc_test_advance)
 *   drive.c    flushing, reporting failures, dispatching or holding events
 *   events.c   click, input, check, submit, fire, navigate (bubbling)
 *   reseal.c   a state token of the layout, sealed and opened again
 *   kit.c      the kit: new, free, disconnect, re-attach, resume
 */
#ifndef RC_TESTKIT_H
#define RC_TESTKIT_H

#include <stdio.h>

#include "reactc_test.h"
#include "util/buf.h"

/* ---- select.c --------------------------------------------------------- */

#define RC_SEL_MAX_PARTS   8 /* compounds in one selector (descendants) */
#define RC_SEL_MAX_CLASSES 4
#define RC_SEL_MAX_ATTRS   4

typedef struct rc_sel_part {
    const char *tag; /* NULL: any */
    const char *id;
    const char *classes[RC_SEL_MAX_CLASSES];
    size_t nclasses;
    const char *attr_names[RC_SEL_MAX_ATTRS];
    const char *attr_values[RC_SEL_MAX_ATTRS]; /* NULL: [attr] (present) */
    size_t nattrs;
} rc_sel_part;

typedef struct rc_sel {
    char text[256]; /* the selector, cut into NUL-terminated pieces */
    rc_sel_part parts[RC_SEL_MAX_PARTS];
    size_t nparts;
} rc_sel;

/* Parses selector into sel; -1 (with the reason in err) when malformed. */
int rc_sel_parse(rc_sel *sel, const char *selector, char *err, size_t errlen);
/* Whether element n matches one compound. */
bool rc_sel_part_matches(const rc_sel_part *p, const rc_node *n);
/* The value of attribute name on element n, or NULL. */
const char *rc_sel_attr(const rc_node *n, const char *name);

/* ---- query.c ---------------------------------------------------------- */

#define RC_QUERY_MAX_DEPTH 256

/* Calls fn(n, user) for each element matching sel in document order
 * until it returns true; returns the element it stopped at, or NULL. */
rc_node *rc_query_each(const rc_layout *l, const rc_sel *sel, bool (*fn)(rc_node *n, void *user),
                       void *user);
/* The elements from the root down to n (n last) into chain (cap entries),
 * components skipped; returns their number, 0 when n is not in the tree. */
size_t rc_query_ancestors(const rc_layout *l, const rc_node *n, rc_node **chain, size_t cap);
/* Appends the text content of n to out. */
void rc_query_text(const rc_node *n, rc_buf *out);
/* The innermost element whose text content is text, first in document order. */
rc_node *rc_query_by_text(const rc_layout *l, const char *text);

/* ---- form.c ----------------------------------------------------------- */

/* Sets in object `out` the named fields of `form` (an element) as
 * client/src/serialize.ts's formFields sends them. */
void rc_form_fields(rc_value *out, const rc_node *form);

/* ---- clock.c ---------------------------------------------------------- */

typedef struct rc_fake_timer rc_fake_timer;

typedef struct rc_clock {
    rc_timer_host host; /* given to the layout; host.host is this clock */
    uint64_t now;       /* ms since the kit started */
    uint64_t armed;     /* timers armed so far: the order of equal due times */
    rc_fake_timer **timers;
    size_t ntimers, cap;
} rc_clock;

void rc_clock_init(rc_clock *c);
void rc_clock_free(rc_clock *c);
/* Fires the earliest timer due at or before `until` (the clock moves to
 * its time); false when none is. */
bool rc_clock_fire_next(rc_clock *c, uint64_t until);

/* ---- the kit ------------------------------------------------------------ */

typedef struct rc_held {
    char *target;  /* handler id, or "@location" */
    rc_value data; /* the arguments array */
} rc_held;

struct rc_test {
    const rc_component *root;
    void *props;
    size_t props_size;
    rc_layout *layout;
    rc_clock clock;
    uint64_t seq; /* events sent, as the client numbers them */
    bool connected;
    uint32_t connections; /* in this "process": re-attaches count, a resume starts at 1 */
    bool resumed;         /* this layout was rebuilt from a token */
    bool prevented;       /* the last event's handlers prevent its default */
    rc_held *held;        /* events fired while disconnected */
    size_t nheld, held_cap;
    size_t token_size;
    char session_id[32]; /* one per kit: exactly-once marks are per session */
    rc_buf text;         /* rc_test_get_text's result */
    rc_buf where;        /* rc_test_get_location's result */
    char error[512];
};

/* ---- drive.c ---------------------------------------------------------- */

/* Reports a failure: into t->error and on stderr. */
void rc_test_report(rc_test *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A short description of element n for reports ("button#add.primary"). */
void rc_test_describe(const rc_node *n, char *out, size_t cap);
/* Sends one event: dispatched then flushed when connected, held (copied)
 * otherwise. data is the arguments array (NULL: none). Returns 0 or -1. */
int rc_test_send(rc_test *t, const char *target, const rc_value *data);
/* Applies the held events in order (a re-attach's or resume's replay). */
void rc_test_replay(rc_test *t);
/* The handler for event (React style, or its DOM name) on n, or NULL. */
const rc_handler *rc_test_handler(const rc_node *n, const char *event);

/* ---- reseal.c --------------------------------------------------------- */

/* Seals the layout's state (location and restorable slots) into a token as
 * the server does, opens it again as a resuming server would, and fills
 * snap with the verified state. Returns the token's size, or 0 (reported)
 * when it was refused. Free snap with rc_snapshot_free. */
struct rc_snapshot;
size_t rc_test_reseal(rc_test *t, struct rc_snapshot *snap);

#endif
