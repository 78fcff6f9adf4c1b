/* The UID list file: keeps unique-ids and wire sizes of a folder across restarts. */
#ifndef UIDLIST_H
#define UIDLIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "maildrop.h"

/*
 * The list lives in a sub-folder: rewriting it then leaves the mailbox folder's
 * mtime alone, which is what tells the index that mail came or went.
 */
#define UIDLIST_DIR ".pop3"
#define UIDLIST_NAME ".pop3/uidlist"

/* A message as the list remembers it; a file matches when key, inode and mtime match. */
struct uid_rec {
	char *key;
	ino_t ino;
	off_t size;
	int64_t mt_sec;
	long mt_nsec;
	uint64_t wire;
	uint32_t uid;
};

struct uid_table {
	struct uid_rec *recs;
	size_t n;
	uint32_t validity, next_uid;
};

/*
 * Read DIR/.pop3/uidlist into t.  Returns 0 when loaded; 1 when the file is missing;
 * -1 when it is corrupt or unreadable: then t is empty, and t->validity holds a value
 * no lower than any validity the list held, so a rebuilt list can choose a greater one.
 */
int uidlist_load(const char *dir, struct uid_table *t);
void uidlist_free(struct uid_table *t);
/* Make the list's sub-folder if it is missing (a read-only folder is no error here). */
void uidlist_prepare(const char *dir);
/* Write the list atomically (temporary file, fsync, rename).  0, or -1 with errno. */
int uidlist_save(const char *dir, uint32_t validity, uint32_t next_uid, struct msg *const *msgs,
		 size_t n, int maildir);

#endif
