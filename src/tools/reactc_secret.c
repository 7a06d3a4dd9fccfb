/*
 * reactc-secret: prints a fresh secret for state tokens, in the default
 * form: b64: and 32 random bytes in base64 (--hex: hex: and 64 hex digits).
 * Put it in REACTC_SECRET or a file of mode 0600 given to --secret-file
 * (docs/resume.md, "Keys").
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

int main(int argc, char **argv) {
    bool hex = argc == 2 && strcmp(argv[1], "--hex") == 0;
    if (argc > 2 || (argc == 2 && !hex)) {
        fprintf(stderr,
                "usage: %s [--hex]\n"
                "prints a new secret for reactc state tokens: b64:<32 random bytes in base64>\n"
                "(--hex: hex:<64 hex digits>)\n",
                argv[0]);
        return strcmp(argv[argc - 1], "--help") == 0 ? 0 : 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "%s: libsodium failed to initialise\n", argv[0]);
        return 1;
    }
    unsigned char key[32];
    char text[2 * sizeof key + 1]; /* hex; base64 needs 45 */
    randombytes_buf(key, sizeof key);
    if (hex) sodium_bin2hex(text, sizeof text, key, sizeof key);
    else sodium_bin2base64(text, sizeof text, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
    printf("%s:%s\n", hex ? "hex" : "b64", text);
    sodium_memzero(key, sizeof key);
    sodium_memzero(text, sizeof text);
    return fflush(stdout) == 0 ? 0 : 1;
}
