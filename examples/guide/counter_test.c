/* The test of docs/guide/testing.md, run by CTest (guide.counter_test) against
 * examples/counter.c's component. The asserts must run in every build type,
 * release (NDEBUG) included. */
#undef NDEBUG
/* guide:test */
#include <assert.h>
#include <string.h>
#include <reactc_test.h>

extern const rc_component counter_component;

int main(void) {
    rc_test *t = rc_test_new(&counter_component, NULL, 0);
    assert(strcmp(rc_test_get_text_of(t, "#count"), "0") == 0);
    assert(rc_test_click(t, rc_test_find_text(t, "+1")) == 0);
    assert(strcmp(rc_test_get_text_of(t, "#count"), "1") == 0);

    assert(rc_test_resume(t) == 0); /* a server restart: through a token */
    assert(strcmp(rc_test_get_text_of(t, "#count"), "1") == 0);
    rc_test_free(t);
    return 0;
}
/* end guide:test */
