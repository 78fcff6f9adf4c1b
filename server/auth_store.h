/* The accounts in force: the users file's table, replaced whole when the file is read again. */
#ifndef AUTH_STORE_H
#define AUTH_STORE_H

#include <stddef.h>

struct auth_store;

/* Read the users file (see auth_load); NULL with "FILE:LINE: reason" in err. */
struct auth_store *auth_store_open(const char *path, char *err, size_t errsize);
/* Let go of the store (checks still running keep their table until they end). */
void auth_store_free(struct auth_store *st);
/*
 * Read the file again and check every later login against it; a check already
 * running finishes against the table it started with.  On -1 (reason in err) the
 * old table stays in force.
 */
int auth_store_reload(struct auth_store *st, char *err, size_t errsize);
/* auth_check against the table in force. */
int auth_store_check(struct auth_store *st, const char *user, const char *pass);
/* The number of accounts in force, and the file they come from. */
size_t auth_store_count(struct auth_store *st);
const char *auth_store_path(const struct auth_store *st);

#endif
