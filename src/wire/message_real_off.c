/*
 * RC_WITH_FAST_REALS=OFF (CMakeLists.txt): no table of powers of five.
 * Every real of a message goes to strtod (message_fast.c asks it when this
 * says no), which gives the same doubles; a far exponent reads slower.
 */
#include "wire/message_fast.h"

bool rc_wire_read_real(const char *p, size_t n, double *out) {
    (void)p;
    (void)n;
    (void)out;
    return false;
}
