/*
 * Unit tests for the render arena (vdom/arena.c): alignment, the bytes it
 * reports as requested (the next render's size hint), and peek/commit, the
 * way rc_textf writes a text straight into a chunk's free space. The oracle
 * is a model of one chunk: offsets computed here from the sizes asked for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vdom/arena.h"

static size_t align_to(size_t n, size_t al) { return (n + al - 1) & ~(al - 1); }

static void test_peek_on_empty_arena(void **state) {
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    size_t room = 123;
    assert_null(rc_arena_peek(&a, 8, &room));
    assert_int_equal(room, 0);
    rc_arena_free(&a);
}

/* Within one chunk (a hint big enough), every pointer is where the model
 * says, peek's room is the rest of the chunk, and requested counts what
 * was handed out with the padding before it. */
static void test_offsets_match_a_model(void **state) {
    (void)state;
    enum { CHUNK = 4096 };
    rc_arena a;
    rc_arena_init_hint(&a, CHUNK);
    unsigned char *base = rc_arena_alloc_align(&a, 1, 1);
    size_t off = 1, requested = 1;
    uint32_t rng = 12345;
    for (int i = 0; i < 200; i++) {
        rng = rng * 1103515245u + 12345u;
        size_t align = (size_t)1 << (rng >> 28) % 4; /* 1, 2, 4, 8 */
        size_t size = 1 + (rng >> 8) % 13;
        size_t at = align_to(off, align);
        if (at + size + 64 > CHUNK) break;
        switch ((rng >> 4) % 3) {
        case 0: { /* alloc_align: sizes round up to the alignment */
            unsigned char *p = rc_arena_alloc_align(&a, size, align);
            assert_ptr_equal(p, base + at);
            assert_int_equal((uintptr_t)p % align, 0);
            requested += at - off + align_to(size, align);
            off = at + align_to(size, align);
            break;
        }
        case 1: { /* peek + commit of fewer bytes than the room: exact */
            size_t room;
            unsigned char *p = rc_arena_peek(&a, align, &room);
            assert_ptr_equal(p, base + at);
            assert_int_equal(room, CHUNK - at);
            memset(p, 0xab, size);
            rc_arena_commit(&a, p, size);
            requested += at - off + size;
            off = at + size;
            break;
        }
        default: { /* strings are packed */
            char *s = rc_arena_strndup(&a, "abcdefghijklm", size);
            assert_ptr_equal((unsigned char *)s, base + off);
            assert_int_equal(strlen(s), size);
            requested += size + 1;
            off += size + 1;
            break;
        }
        }
        assert_int_equal(a.requested, requested);
    }
    assert_int_equal(a.total, CHUNK);
    rc_arena_free(&a);
}

/* A peek at a full chunk gives no room; the next allocation opens a new
 * chunk, and what was committed before is intact. */
static void test_commit_then_new_chunk(void **state) {
    (void)state;
    rc_arena a;
    rc_arena_init_hint(&a, 64);
    (void)rc_arena_alloc_align(&a, 8, 8);
    size_t room;
    char *p = rc_arena_peek(&a, 1, &room);
    assert_non_null(p);
    assert_int_equal(room, 64 - 8);
    memset(p, 'x', room - 1);
    p[room - 1] = '\0';
    rc_arena_commit(&a, p, room);
    assert_null(rc_arena_peek(&a, 1, &room));
    assert_int_equal(room, 0);
    char *q = rc_arena_strndup(&a, "next", 4);
    assert_string_equal(q, "next");
    assert_int_equal(strlen(p), 64 - 8 - 1);
    assert_true(a.total > 64);
    rc_arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_peek_on_empty_arena),
        cmocka_unit_test(test_offsets_match_a_model),
        cmocka_unit_test(test_commit_then_new_chunk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
