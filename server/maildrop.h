/* The shared message index: one per mailbox folder, one mutex each, snapshots for sessions. */
#ifndef MAILDROP_H
#define MAILDROP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "uidlist.h"

/*
 * One message in the index.  Reference-counted: a session's snapshot keeps its
 * messages alive after another session has deleted them.  name (and key, where
 * it is the same string), gone, changed, seen and refs change only under the
 * maildrop's mutex; uid is given by the scan before the message enters the index;
 * the other fields are set when the scan makes the message and never change after,
 * so a session reads size and wire without the lock.  The file is reached only
 * relative to the folder's descriptor, and only while it is still a regular file
 * with this ino and size.
 */
struct msg {
	char *name;		/* path under the folder: "msg1", "cur/1700000000.M1P2.host:2,S" */
	char *key;		/* identity for UIDs: the name, or a Maildir base name without ":2," */
	ino_t ino;
	off_t size;		/* octets on disk */
	struct timespec mtime;
	uint64_t wire;		/* octets RETR sends before dot-stuffing */
	uint32_t uid;
	int refs;
	int gone;		/* deleted, or no longer in the folder */
	int changed;		/* found changed on disk: the next scan indexes the file anew */
	int seen;		/* found by the scan in progress */
};

/*
 * The index of one folder, found in the registry by the folder's identity (dev,
 * ino), so two names for one folder share one index.  refs changes under the
 * registry's lock; everything else under lock, which is held while the folder is
 * scanned: a slow folder delays only its own sessions.  Lock order: this mutex,
 * then the file lock on .pop3/lock that every process takes to give ids (the scan
 * takes it only when the folder changed); msgs, validity, next_uid and list
 * change only with both held.
 */
struct maildrop {
	char *path;		/* the name it was first opened by, for logs and the UID list */
	int fd;			/* the folder, opened once without following a symlink */
	int sub[2];		/* a Maildir's new/ and cur/ (without following symlinks), or -1 */
	dev_t dev;
	ino_t ino;
	int maildir;
	int refs;
	pthread_mutex_t lock;
	struct msg **msgs;	/* in mailbox order */
	size_t count, cap;
	uint32_t validity;	/* UID validity: changes only when the UID list is rebuilt */
	uint32_t next_uid;
	struct uidlist_stamp list;	/* the UID list as this process last read or wrote it */
	int scanned, rescan, uids_dirty;
	struct timespec dir_mtime[3];	/* the folder, then a Maildir's new/ and cur/ */
};

/* A session's fixed view: message numbers and sizes never change during a session. */
struct snapshot {
	struct msg **msgs;
	size_t count;
	uint64_t octets;
	uint32_t validity;	/* of every message's id: a later validity rebuilds the index */
};

enum maildrop_err {
	MAILDROP_GONE = 1,	/* the message was deleted by another session or by hand */
	MAILDROP_CHANGED,	/* the file changed since the snapshot: sizes would lie */
	MAILDROP_IO,		/* another failure; errno says which */
};

/* How maildrop_open treats the folder's name. */
enum maildrop_open_flags {
	MAILDROP_NOFOLLOW = 1,	/* a user's folder: a symbolic link is refused (ELOOP) */
};

/*
 * Open (or share) the index of a folder and scan it.  The registry's lock is held
 * only to find or add the entry; the scan runs under the folder's own mutex.
 * NULL with errno on failure (ELOOP: the name is a symbolic link, under MAILDROP_NOFOLLOW).
 */
struct maildrop *maildrop_open(const char *dir, int flags);
/*
 * Make the folder of a new account as a Maildir (cur, new, tmp; mode 0700): made
 * under a temporary name and renamed into place, so no one sees half of it.  0 when
 * made or when the folder already exists; -1 with errno.
 */
int maildrop_create(const char *dir);
/* Drop a reference; the last one frees the index. */
void maildrop_release(struct maildrop *md);
/* Rescan what changed, then take a snapshot.  0, or -1 with errno. */
int maildrop_snapshot(struct maildrop *md, struct snapshot *snap_r);
void maildrop_snapshot_free(struct maildrop *md, struct snapshot *snap);
/* Open a message of a snapshot for reading; -1 with *why_r set on failure. */
int maildrop_open_msg(struct maildrop *md, struct msg *m, int *fd_r, enum maildrop_err *why_r);
/*
 * Delete messages (UPDATE state): unlink each under the lock.  *deleted_r counts
 * the files removed; a message already gone does not count and is no error.
 * Returns 0, or -1 when some file could not be removed (it stays in the index).
 */
int maildrop_commit(struct maildrop *md, struct msg **del, size_t n, unsigned *deleted_r);
/* The unique-id of a message of a snapshot: 16 hex digits, validity then number. */
void maildrop_uid(const struct snapshot *snap, const struct msg *m, char buf[17]);
/* Totals of the index, for the start-up log. */
void maildrop_totals(struct maildrop *md, size_t *count_r, uint64_t *octets_r);

#endif
