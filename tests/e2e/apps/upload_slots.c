/*
 * A test app with nine upload inputs in one session (one more than the 8
 * uploads a process runs at once) and a download, for the 503 of
 * tests/e2e/uploads_workers.test.mjs: each slot shows the bytes its
 * on_chunk took (a barrier: the upload is running in the owner) and how
 * its upload ended.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <reactc.h>

typedef struct slot {
    rc_state *taken, *status;
} slot;

static int on_chunk(rc_layout *layout, const rc_upload_chunk *ch, void *user) {
    (void)layout;
    slot *sl = user;
    rc_state_set_int(sl->taken, (int64_t)(ch->offset + ch->len));
    return 0;
}

static void on_done(rc_layout *layout, int status, uint64_t bytes, void *user) {
    (void)layout;
    slot *sl = user;
    char text[64];
    snprintf(text, sizeof text, "%s %" PRIu64, status == 0 ? "done" : "cancelled", bytes);
    rc_state_set_string(sl->status, text);
}

typedef struct slot_props {
    int index;
} slot_props;

static void upload_slot(rc_ctx *ctx, const void *props) {
    const slot_props *p = props;
    slot *sl = rc_use_ref(ctx, sizeof *sl);
    sl->taken = rc_use_int(ctx, "taken", 0);
    sl->status = rc_use_string(ctx, "status", "");
    const char *url =
        rc_use_upload(ctx, &(rc_upload_opts){.on_chunk = on_chunk, .on_done = on_done, .user = sl});
    char id[16];
    RC_EL(ctx, "p") {
        snprintf(id, sizeof id, "up%d", p->index);
        RC_EL(ctx, "input", .id = id) {
            rc_attr(ctx, "type", "file");
            if (url) rc_attr(ctx, "data-reactc-upload", url);
        }
        snprintf(id, sizeof id, "taken%d", p->index);
        RC_EL(ctx, "span", .id = id) {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(sl->taken));
        }
        snprintf(id, sizeof id, "status%d", p->index);
        RC_EL(ctx, "span", .id = id) { rc_text(ctx, rc_state_get_string(sl->status)); }
    }
}
static RC_COMPONENT(upload_slot);

static size_t read_hello(void *buf, size_t cap, uint64_t offset, void *user) {
    (void)user;
    static const char hello[] = "hello\n";
    size_t n = sizeof hello - 1 - (size_t)offset;
    if (n > cap) n = cap;
    memcpy(buf, hello + offset, n);
    return n;
}

static void slots(rc_ctx *ctx, const void *props) {
    (void)props;
    const char *down = rc_use_download(
        ctx, &(rc_download_opts){.filename = "hello.txt", .size = 6, .read = read_hello});
    RC_EL(ctx, "a", .id = "backup") {
        if (down) rc_attr(ctx, "href", down);
        rc_text(ctx, "hello");
    }
    for (int i = 0; i < 9; i++) {
        char key[8];
        snprintf(key, sizeof key, "%d", i);
        RC_CHILD(ctx, &upload_slot_component, key, &(slot_props){i});
    }
}
static RC_COMPONENT(slots);

int main(int argc, char **argv) {
    rc_app app = {.title = "Upload slots", .root = &slots_component};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    return rc_app_run(&app);
}
