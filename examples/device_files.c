/* device_files: a firmware upload and a configuration backup download
 * (docs/guide/uploads.md). The firmware's bytes are not kept: each chunk
 * goes into a checksum as it arrives, as a real device would write them to
 * a flash partition, so the server holds no whole file. Progress re-renders
 * the page every MiB; a counter shows the session answers events during an
 * upload. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "example.h"

typedef struct firmware {
    rc_state *received, *status; /* this render's slots (stable per instance) */
    uint64_t sum;                /* of every byte: the test's oracle */
    uint64_t shown;              /* bytes last put into "received" */
    char backup[256];            /* the configuration backup's JSON */
} firmware;

static int on_chunk(rc_layout *layout, const rc_upload_chunk *ch, void *user) {
    (void)layout;
    firmware *fw = user;
    if (ch->offset == 0) fw->sum = 0, fw->shown = 0;
    /* A device checks the image's header before writing a byte of it:
     * here, an image marked "NOFW" is refused (the upload is cancelled). */
    if (ch->offset == 0 && ch->len >= 4 && memcmp(ch->data, "NOFW", 4) == 0) return -1;
    const unsigned char *p = ch->data;
    for (size_t i = 0; i < ch->len; i++) fw->sum += p[i];
    uint64_t at = ch->offset + ch->len;
    /* A re-render per MiB, not per chunk (a few KiB): progress at a
     * human rate, not ten thousand patches. */
    if (at - fw->shown >= (1u << 20) || at == ch->total) {
        fw->shown = at;
        rc_state_set_int(fw->received, (int64_t)at);
    }
    return 0;
}

static void on_done(rc_layout *layout, int status, uint64_t bytes, void *user) {
    (void)layout;
    firmware *fw = user;
    char text[128];
    if (status == 0)
        snprintf(text, sizeof text, "done %" PRIu64 " bytes, sum %" PRIu64, bytes, fw->sum);
    else snprintf(text, sizeof text, "cancelled after %" PRIu64 " bytes", bytes);
    rc_state_set_string(fw->status, text);
}

static size_t read_backup(void *buf, size_t cap, uint64_t offset, void *user) {
    const firmware *fw = user;
    size_t len = strlen(fw->backup);
    if (offset >= len) return 0;
    size_t n = len - (size_t)offset < cap ? len - (size_t)offset : cap;
    memcpy(buf, fw->backup + offset, n);
    return n;
}

static void increment(rc_event *ev, void *count) {
    (void)ev;
    rc_state_set_int(count, rc_state_get_int(count) + 1);
}

static void device_files(rc_ctx *ctx, const void *props) {
    (void)props;
    firmware *fw = rc_use_ref(ctx, sizeof *fw);
    fw->received = rc_use_int(ctx, "received", 0);
    fw->status = rc_use_string(ctx, "status", "");
    rc_state *count = rc_use_int(ctx, "count", 0);
    snprintf(fw->backup, sizeof fw->backup, "{\"device\":\"demo\",\"clicks\":%lld}\n",
             (long long)rc_state_get_int(count));
    const char *up = rc_use_upload(
        ctx, &(rc_upload_opts){
                 .max_bytes = 64u << 20, .on_chunk = on_chunk, .on_done = on_done, .user = fw});
    const char *down = rc_use_download(ctx, &(rc_download_opts){.filename = "device backup.json",
                                                                .type = "application/json",
                                                                .size = strlen(fw->backup),
                                                                .read = read_backup,
                                                                .user = fw});
    RC_EL(ctx, "section", .class_ = "device-files") {
        RC_EL(ctx, "h1") { rc_text(ctx, "Firmware and backup"); }
        RC_EL(ctx, "input", .id = "firmware") {
            rc_attr(ctx, "type", "file");
            if (up) rc_attr(ctx, "data-reactc-upload", up);
        }
        RC_EL(ctx, "span", .id = "received") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(fw->received));
        }
        RC_EL(ctx, "span", .id = "status") { rc_text(ctx, rc_state_get_string(fw->status)); }
        RC_EL(ctx, "a", .id = "backup") {
            if (down) rc_attr(ctx, "href", down);
            rc_attr(ctx, "download", "");
            rc_text(ctx, "Configuration backup");
        }
        RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", increment, count)) {
            rc_text(ctx, "+1");
        }
        RC_EL(ctx, "span", .id = "count") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(count));
        }
    }
}
RC_COMPONENT(device_files);

RC_EXAMPLE_MAIN(device_files_component, "Device files")
