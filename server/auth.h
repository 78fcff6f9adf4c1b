/* Who may log in: the users file, password checks with crypt(3), and failure penalties. */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>

struct auth_users;

/* A user name that can be a folder name: no '/', no leading '.', no controls, at most 64 octets. */
int auth_valid_name(const char *name);

/*
 * Read a users file: "name:crypt-hash" a line, '#' comments and blank lines.
 * NULL with "FILE:LINE: reason" in err for a malformed line or an unreadable file.
 * Loading also picks what unknown users are checked against: the costliest hash
 * of the file, each distinct method and cost timed once (a few ms to ~100 ms), so a
 * file read again (on reload) gets its own.
 */
struct auth_users *auth_load(const char *path, char *err, size_t errsize);
void auth_free(struct auth_users *u);
size_t auth_count(const struct auth_users *u);
/* The hash an unknown user's password is checked against. */
const char *auth_dummy(const struct auth_users *u);

/*
 * Check a password: 1 right, 0 wrong or no such user, -1 when the check itself
 * failed.  An unknown user costs one hash like a known one.  At most a few checks
 * run at once (yescrypt needs about 16 MiB each); the others wait their turn.
 */
int auth_check(const struct auth_users *u, const char *user, const char *pass);

/*
 * Failures per client address.  A login attempt from an address that failed
 * recently first waits auth_penalty_wait() ms, before its password is checked (so
 * a guesser holds no check slot meanwhile); a failure is then answered after the
 * base delay.  The n-th failure in a row thus costs base, 2x, 4x... at most 7.5 x
 * base in all (2, 4, 8, 15 s for a base of 2 s).  Success forgets the address.
 */
unsigned auth_penalty_wait(const char *addr, unsigned base_ms);
void auth_penalty_fail(const char *addr);
void auth_penalty_clear(const char *addr);

/* Decode base64 (RFC 4648, padding required as sent by SASL clients); -1 when malformed. */
int auth_base64_decode(const char *in, unsigned char *out, size_t outsize, size_t *len_r);

#endif
