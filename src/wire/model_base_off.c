/*
 * A build without ReactPy's base protocol (RC_WITH_REACTPY=OFF,
 * docs/size.md): no session ever asks for the base flavour (the server
 * refuses its WebSocket, server/session_base_off.c), so this is never
 * reached. Were it, it writes the attribute as reactc's flavour does,
 * rather than nothing, which would leave a dangling comma.
 */
#include "wire/model_base.h"

#include "wire/json_writer.h"

void rc_wire_base_attribute(rc_buf *b, const char *name, const char *value) {
    rc_jw_key(b, name);
    rc_jw_str(b, value);
}
