/* The UID list file: unique-ids and wire sizes of a folder, kept across restarts and shared by processes. */
#ifndef UIDLIST_H
#define UIDLIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct msg;

/*
 * The list lives in a sub-folder: rewriting it then leaves the mailbox folder's
 * mtime alone, which is what tells the index that mail came or went.
 */
#define UIDLIST_DIR ".pop3"
#define UIDLIST_NAME ".pop3/uidlist"

/* Ids run from 1 to UIDLIST_UID_MAX; a list whose next id is past it must start a new validity. */
#define UIDLIST_UID_MAX (UINT32_MAX - 1)

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
	const char *why;	/* why a list was refused (corrupt, exhausted, implausible) */
};

/*
 * The list as this process last read or wrote it.  Another process wrote it since
 * when the file's identity, size or mtime, or its header, differ: the header check
 * also catches an inode number reused within one tick of the file clock.
 */
struct uidlist_stamp {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	uint32_t validity, next_uid;
};

/* The .pop3 folder, opened without following a symlink, and its lock file, locked. */
struct uidlist_lock {
	int dirfd, fd;
};

/*
 * Open .pop3 in the folder whose descriptor is given (made if missing) and take the exclusive lock on .pop3/lock that
 * every process serving this folder takes before it allocates ids or writes the
 * list.  It is an open-file-description lock (F_OFD_SETLK): threads of one process
 * then exclude each other as two processes do, and closing another descriptor of
 * the file does not drop it, as it would a POSIX record lock.  Waits at most
 * UIDLIST_LOCK_WAIT_MS (a folder's owner can hold the lock for ever), then fails
 * with ETIMEDOUT.  0, or -1 with errno and nothing held.
 */
int uidlist_lock(int folder, struct uidlist_lock *lk);
/* Release the lock and close both descriptors. */
void uidlist_unlock(struct uidlist_lock *lk);

enum uidlist_read {
	UIDLIST_SAME,		/* the list is as *last says: nothing was read */
	UIDLIST_LOADED,		/* read into t; *stamp_r describes it */
	UIDLIST_MISSING,	/* there is no list */
	UIDLIST_CORRUPT,	/* refused (t->why says why); t->validity is a floor for the next */
};

/*
 * Read the list in the locked .pop3 folder, unless it is still what *last says
 * (last may be NULL: then always).  A list is refused when it cannot be parsed, its
 * ids are exhausted, an id repeats or is not below the next id.  On UIDLIST_CORRUPT
 * t is empty but t->validity holds a value no lower than any validity the list held.
 */
enum uidlist_read uidlist_load(int dirfd, const struct uidlist_stamp *last, struct uid_table *t,
			       struct uidlist_stamp *stamp_r);
void uidlist_free(struct uid_table *t);
/* Make the list's sub-folder if it is missing (a read-only folder is no error here). */
void uidlist_prepare(int folder);
/*
 * Write the list durably in the locked .pop3 folder: a temporary file, written,
 * fsynced, renamed over the list, then the folder fsynced, so that after a crash
 * the list is the old one or the new one, whole.  *stamp_r describes what was
 * written.  0, or -1 with errno (the old list is left as it was).
 */
int uidlist_save(int dirfd, uint32_t validity, uint32_t next_uid, struct msg *const *msgs,
		 size_t n, struct uidlist_stamp *stamp_r);

#endif
