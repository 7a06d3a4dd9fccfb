/*
 * Shared by the examples: each example is one file whose component is also
 * linked into the gallery (make demo), which compiles it with RC_NO_MAIN.
 */
#ifndef RC_EXAMPLE_H
#define RC_EXAMPLE_H

#include <reactc.h>

#ifdef RC_NO_MAIN
#define RC_EXAMPLE_MAIN(component, title_)
#else
#define RC_EXAMPLE_MAIN(component, title_)                          \
    int main(int argc, char **argv) {                               \
        rc_app app = {.title = (title_), .root = &(component)};     \
        int rc = rc_app_args(&app, argc, argv);                     \
        if (rc) return rc > 0 ? 0 : 2;                              \
        return rc_app_run(&app);                                    \
    }
#endif

#endif
