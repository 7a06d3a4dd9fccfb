/* The code of docs/guide/uploads.md: a firmware upload streamed into a
 * file standing in for a flash partition, and a configuration backup
 * offered as a download. A complete app:
 * build/examples/guide/uploads --port 8000 (the "partition" is
 * /tmp/reactc-guide-firmware.bin). */
#define _DEFAULT_SOURCE /* pwrite */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <reactc.h>

typedef struct firmware {
    int part;           /* the partition the image is written to */
    rc_state *received; /* bytes taken so far: the progress shown */
    rc_state *result;   /* how the last upload ended */
    char json[128];     /* the backup */
} firmware;

/* Stands in for a device's flash driver. */
static int flash_write(int part, uint64_t offset, const void *data, size_t len) {
    if (part <= 0) return -1;
    return pwrite(part, data, len, (off_t)offset) == (ssize_t)len ? 0 : -1;
}

static void on_done(rc_layout *layout, int status, uint64_t bytes, void *user) {
    (void)layout;
    firmware *fw = user;
    char text[64];
    snprintf(text, sizeof text, status == 0 ? "%llu bytes written" : "cancelled after %llu bytes",
             (unsigned long long)bytes);
    rc_state_set_string(fw->result, text);
}

/* The partition is opened when the component mounts in a session and
 * closed when it goes: not in the render, which must be pure (a
 * server-rendered first paint renders once per page request and drops
 * the result; docs/guide/first-paint.md). */
static void close_part(void *data) {
    firmware *fw = data;
    if (fw->part > 0) close(fw->part);
    fw->part = 0;
}

static rc_cleanup open_part(rc_effect *e, void *arg) {
    (void)e;
    firmware *fw = *(firmware **)arg;
    fw->part = open("/tmp/reactc-guide-firmware.bin", O_WRONLY | O_CREAT, 0600);
    return (rc_cleanup){close_part, fw};
}

static size_t read_backup(void *buf, size_t cap, uint64_t offset, void *user) {
    const firmware *fw = user;
    size_t len = strlen(fw->json), n = offset < len ? len - (size_t)offset : 0;
    if (n > cap) n = cap;
    memcpy(buf, fw->json + offset, n);
    return n;
}

/* guide:device */
static int on_chunk(rc_layout *layout, const rc_upload_chunk *ch, void *user) {
    (void)layout;
    firmware *fw = user;
    if (flash_write(fw->part, ch->offset, ch->data, ch->len) < 0) return -1; /* cancel: 409 */
    rc_state_set_int(fw->received, (int64_t)(ch->offset + ch->len)); /* progress re-renders */
    return 0;
}

static void device(rc_ctx *ctx, const void *props) {
    (void)props;
    firmware *fw = rc_use_ref(ctx, sizeof *fw);
    fw->received = rc_use_int(ctx, "received", 0);
    fw->result = rc_use_string(ctx, "result", "");
    rc_use_effect(ctx, open_part, &fw, sizeof fw, RC_ONCE);
    snprintf(fw->json, sizeof fw->json, "{\"received\":%lld}\n",
             (long long)rc_state_get_int(fw->received));
    const char *up = rc_use_upload(
        ctx, &(rc_upload_opts){
                 .max_bytes = 64u << 20, .on_chunk = on_chunk, .on_done = on_done, .user = fw});
    const char *backup = rc_use_download(ctx, &(rc_download_opts){.filename = "backup.json",
                                                                  .type = "application/json",
                                                                  .size = strlen(fw->json),
                                                                  .read = read_backup,
                                                                  .user = fw});
    RC_EL(ctx, "input", .id = "firmware") {
        rc_attr(ctx, "type", "file");
        if (up) rc_attr(ctx, "data-reactc-upload", up);
    }
    RC_EL(ctx, "p", .id = "progress") {
        rc_textf(ctx, "%lld bytes %s", (long long)rc_state_get_int(fw->received),
                 rc_state_get_string(fw->result));
    }
    RC_EL(ctx, "a", .id = "backup") {
        if (backup) rc_attr(ctx, "href", backup);
        rc_attr(ctx, "download", "");
        rc_text(ctx, "Configuration backup");
    }
}
/* end guide:device */
RC_COMPONENT(device);

int main(int argc, char **argv) {
    rc_app app = {.title = "Uploads", .root = &device_component};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc > 0 ? 0 : 2;
    return rc_app_run(&app);
}
