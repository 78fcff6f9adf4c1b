/* A keyed hash for tables whose keys a peer chooses: SipHash-1-3 under a random key per process. */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * The hash of len octets.  The key is drawn once per process from getrandom(), so a
 * sender, a server or a client cannot pick keys that all land in one slot.
 */
uint64_t hash_bytes(const void *p, size_t len);
/* The same for a NUL-terminated string. */
uint64_t hash_str(const char *s);
/* SipHash-1-3 of len octets under the key k (k[0]: octets 0-7, k[1]: 8-15, little-endian). */
uint64_t hash_keyed(const uint64_t k[2], const void *p, size_t len);

#endif
