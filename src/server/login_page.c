/*
 * The login form: one small page, no script (the page's CSP holds: its
 * only style is a <style> element, which 'unsafe-inline' for styles
 * allows), posting to RC_PATH_LOGIN. Works without the client bundle.
 */
#include <string.h>

#include "server/auth.h"
#include "server/endpoints.h"

static void put(rc_buf *b, const char *s) { rc_buf_append(b, s, strlen(s)); }

static void put_escaped(rc_buf *b, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '&': put(b, "&amp;"); break;
        case '"': put(b, "&quot;"); break;
        default: rc_buf_putc(b, *s);
        }
    }
}

void rc_login_page(rc_buf *b, const char *title, const char *message) {
    put(b, "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<link rel=\"icon\" href=\"data:,\"><title>Sign in: ");
    put_escaped(b, title ? title : "");
    put(b, "</title><style>body{font-family:system-ui,sans-serif;max-width:20em;margin:4em auto}"
           "label,input,button{display:block;width:100%;margin:.3em 0}"
           ".error{color:#b00020}</style></head><body><h1>");
    put_escaped(b, title ? title : "");
    put(b, "</h1>");
    if (message) {
        put(b, "<p class=\"error\" id=\"reactc-login-error\" role=\"alert\">");
        put_escaped(b, message);
        put(b, "</p>");
    }
    put(b, "<form method=\"post\" action=\"" RC_PATH_LOGIN "\">"
           "<label>User <input name=\"user\" autocomplete=\"username\" required "
           "maxlength=\"64\"></label>"
           "<label>Password <input name=\"password\" type=\"password\" "
           "autocomplete=\"current-password\" required maxlength=\"256\"></label>"
           "<button type=\"submit\">Sign in</button></form></body></html>\n");
}
