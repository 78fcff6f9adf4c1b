/* Choosing unique-ids under the list's lock: which validity, which ids, when the list is written. */
#ifndef UIDSYNC_H
#define UIDSYNC_H

#include <stddef.h>
#include <stdint.h>

#include "maildrop.h"
#include "uidlist.h"

/* uidsync_begin's answer when a new validity must be started. */
enum { SCAN_RESET = 1 };

/* What one scan installs: validity, next id, the list's stamp, and what the list needs. */
struct uid_plan {
	uint32_t validity, next_uid;
	struct uidlist_stamp stamp;
	size_t fresh;		/* messages given new ids by this scan */
	size_t listed;		/* records in the list read, when it was read */
	int keep;		/* the index's messages keep their ids (same validity) */
	int from_list;		/* the list was read: it may name messages that are gone */
	int dirty;		/* the list must be written even without new ids */
};

/*
 * Start a scan's plan with the list locked.  Without reset: read the list if another
 * process wrote it since this one last did (t gets its records; a newer validity
 * there means the index is rebuilt under it).  With reset: a new validity above
 * *floor and every message numbered anew.  Returns 0, or SCAN_RESET with *floor set
 * when the list cannot be trusted (corrupt, exhausted, validity gone back).
 */
int uidsync_begin(const struct maildrop *md, int dirfd, int reset, uint32_t *floor,
		  struct uid_plan *p, struct uid_table *t);
/* Give messages without an id the next ones, in the order given.  -1 when ids would run out. */
int uidsync_assign(struct uid_plan *p, struct msg **msgs, size_t n);
/*
 * Write the list when it differs from msgs (kept: how many of the index's messages
 * the scan found again).  An id a client may see must be on disk first: -1 with
 * errno when new ids or a new validity could not be saved.  A list that only still
 * names deleted messages is no error; it is written again at the next change.
 */
int uidsync_save(struct maildrop *md, int dirfd, struct uid_plan *p, struct msg *const *msgs,
		 size_t n, size_t kept);

#endif
