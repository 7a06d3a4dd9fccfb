/*
 * Building rc_value objects from readers that already know their keys
 * (not public): the wire layer's JSON readers and the snapshot decoder.
 * rc_object_set searches the object before it adds a member, which makes
 * building an object of n members cost n² / 2 key comparisons; these build
 * it in O(n) and check uniqueness once, with a hash.
 */
#ifndef RC_CORE_VALUE_BUILD_H
#define RC_CORE_VALUE_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "reactc.h"

/* Adds a member with a copy of the len bytes at key (no NUL among them)
 * without looking for an existing one: the caller guarantees the key is new
 * (jansson rejected duplicates) or checks with rc_object_has_duplicate once
 * the object is complete. An RC_NULL obj becomes an empty object first.
 * Returns the new member's value (RC_NULL), or NULL if obj is not an object. */
rc_value *rc_object_append(rc_value *obj, const char *key, size_t len);

/* Whether two members of obj have the same key: a hash of every key (keyed
 * by a per-process seed, so that a client cannot choose keys that collide),
 * then a comparison only where hashes meet; expected O(total key bytes). */
bool rc_object_has_duplicate(const rc_value *obj);

/* Key comparisons made by object lookups and rc_object_has_duplicate in
 * this thread since it started: tests read it to check that building and
 * checking objects stays linear in the number of members. */
extern _Thread_local size_t rc_object_key_compares;

#endif
