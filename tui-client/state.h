/* What the client remembers per account: the unique-ids it has seen, read and saved, in a small file. */
#ifndef STATE_H
#define STATE_H

#include <stddef.h>

#include "pop3.h"

/*
 * The file is $XDG_STATE_HOME/mailroom/NAME (default ~/.local/state/mailroom), NAME being
 * "user@host:port" made safe (see state_file_name), mode 0600 in a 0700 folder.  It holds
 * a comment line, then one line a message: its flags, a blank, its unique-id:
 *     # mailroom state 1: flags (s seen, r read, w saved), a blank, the unique-id
 *     sr 4f1a2b
 * Written as mpop writes its UID lists: a temporary file in the same folder, fsync,
 * rename, under an flock of NAME.lock so that two clients on one account merge.
 */
#define STATE_SEEN 1u	/* listed by the server in some session */
#define STATE_READ 2u	/* opened in the pager (or marked read) */
#define STATE_SAVED 4u	/* saved to the save folder */
#define STATE_FLAGS (STATE_SEEN | STATE_READ | STATE_SAVED)

/* More than this is not read: 10,000 messages take about 300 KB, so this is damage. */
#define STATE_FILE_MAX (32u << 20)
/* A longer line is damage: three flags, a blank and a UID of 70 octets (RFC 1939 s. 7). */
#define STATE_LINE_MAX (4 + POP3_UID_MAX)
/* How long a save waits (ms) for another client's save to finish. */
#define STATE_LOCK_WAIT_MS 3000

struct state;

/* The folder: $XDG_STATE_HOME/mailroom (when absolute), else $HOME/.local/state/mailroom; 0 or -1. */
int state_dir(char *buf, size_t size);
/* account ("user@host:port") as a file name: letters, digits, '@', '-', '_', '.' (not first) kept, others %XX. */
void state_file_name(const char *account, char *buf, size_t size);

/*
 * Read the state of account from folder dir.  A missing file is an empty state; a damaged
 * one keeps its valid lines and note says how many were skipped (else note is "").  Returns
 * 0, or -1 when out of memory (note says so).
 */
int state_load(const char *dir, const char *account, struct state **st_r, char *note, size_t nsize);
void state_free(struct state *st);

/* The flags remembered for uid, 0 when none; O(1) on average. */
unsigned state_get(const struct state *st, const char *uid);
/* Remember exactly these flags for uid; 0, or -1 when out of memory or uid is not a valid UID. */
int state_set(struct state *st, const char *uid, unsigned flags);
/* Entries held. */
size_t state_count(const struct state *st);

/*
 * A fresh LIST begins: from now on a save keeps only the ids added with state_list_add
 * (and those other clients wrote since the load).
 */
void state_list_begin(struct state *st);
/* uid is in the current LIST: its flags before go to *old_r, then it is marked seen; 0 or -1. */
int state_list_add(struct state *st, const char *uid, unsigned *old_r);

/*
 * Write the state: under the lock, the file is read again and merged (what another client
 * changed since our load is kept, what we changed wins), ids not in the current LIST are
 * dropped, then the whole is written atomically.  0, or -1 with the reason in err, the old
 * file untouched and no temporary file left behind.
 */
int state_save(struct state *st, char *err, size_t esize);

#endif
