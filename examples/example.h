/*
 * Shared by the examples: each example is one file whose component is also
 * linked into the gallery (make demo), which compiles it with RC_NO_MAIN.
 */
#ifndef RC_EXAMPLE_H
#define RC_EXAMPLE_H

#include <reactc.h>

/* A little CSS so the examples look like an app, not a test page. */
#define RC_EXAMPLE_HEAD                                                                         \
    "<style>"                                                                                   \
    "body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}"        \
    "main,section{max-width:40rem;margin:1.5rem auto;background:#fff;border-radius:10px;"       \
    "padding:1.25rem 1.5rem;box-shadow:0 1px 3px #0002}"                                        \
    "main section{box-shadow:none;margin:0;padding:0}"                                          \
    "h1{font-size:1.4rem;margin:.2rem 0 1rem}"                                                  \
    "button{font:inherit;padding:.35rem .8rem;border:1px solid #c5cad3;border-radius:6px;"      \
    "background:#fff;cursor:pointer}button:hover{background:#eef1f6}"                           \
    "input,select{font:inherit;padding:.3rem .5rem;border:1px solid #c5cad3;border-radius:6px}" \
    "nav.gallery{max-width:40rem;margin:1rem auto 0;display:flex;gap:1rem}"                     \
    "nav.gallery a{color:#3757c5;text-decoration:none}nav.gallery a.current{font-weight:600}"   \
    ".counter{display:flex;gap:1rem;align-items:center}#count{font-size:1.6rem;min-width:2ch}"  \
    "#todos{list-style:none;padding:0}#todos li{display:flex;gap:.6rem;align-items:center;"     \
    "padding:.3rem 0;border-bottom:1px solid #eee}#todos li .text{flex:1}"                      \
    "#todos li.done .text{text-decoration:line-through;color:#8a90a0}"                          \
    "form#new-todo-form{display:flex;gap:.5rem}#new-todo{flex:1}"                               \
    ".readings{display:grid;grid-template-columns:9rem 1fr;gap:.3rem}.readings dd{margin:0;"    \
    "font-variant-numeric:tabular-nums}.alert{color:#c0392b;font-weight:600}"                   \
    ".settings{display:grid;gap:.6rem;margin-top:1rem}"                                         \
    ".rc-error{color:#c0392b;background:#fff0ee;padding:.5rem;border-radius:6px}"               \
    ".form .alert{margin-left:.5rem}#guests{list-style:none;padding:0}#guests li{display:flex;" \
    "gap:.6rem;align-items:center;padding:.2rem 0}#guests .name{min-width:5rem}"                \
    "#guests .count{min-width:2ch;font-variant-numeric:tabular-nums}"                           \
    "</style>"

/* main() for an example: its component, its title, then any other rc_app
 * fields (designated initialisers); the command line may override them. */
#ifdef RC_NO_MAIN
#define RC_EXAMPLE_MAIN(component, ...)
#else
/* The title is the first of `...`, so `...` is never empty (-Wpedantic). */
#define RC_EXAMPLE_MAIN(component, ...)                                                     \
    int main(int argc, char **argv) {                                                       \
        rc_app app = {.root = &(component), .head = RC_EXAMPLE_HEAD, .title = __VA_ARGS__}; \
        int rc = rc_app_parse_args(&app, argc, argv);                                       \
        if (rc) return rc > 0 ? 0 : 2;                                                      \
        return rc_app_run(&app);                                                            \
    }
#endif

#endif
