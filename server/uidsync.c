/* Choosing unique-ids under the list's lock, so that every process serving a folder gives the same. */
#include "log.h"
#include "uidsync.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* A validity greater than floor and than any this index had: the time, or one more. */
static uint32_t new_validity(const struct maildrop *md, uint32_t floor)
{
	uint32_t v = (uint32_t)time(NULL);

	if (floor < md->validity)
		floor = md->validity;
	return v > floor ? v : floor + 1;
}

/* The list another process wrote: adopt its ids, or its newer validity.  -1 when it went back. */
static int adopt(const struct maildrop *md, struct uid_plan *p, struct uid_table *t)
{
	p->from_list = 1;
	p->listed = t->n;
	if (md->scanned && t->validity == md->validity) {
		/* Ids this process gave are on disk too: the larger next id is the true one. */
		if (t->next_uid > p->next_uid)
			p->next_uid = t->next_uid;
		return 0;
	}
	if (t->validity > md->validity) {
		p->keep = 0;	/* the index's messages carry ids of an older validity */
		p->validity = t->validity;
		p->next_uid = t->next_uid;
		return 0;
	}
	t->why = "its validity went back";
	return -1;
}

static int read_list(const struct maildrop *md, int dirfd, struct uid_plan *p,
		     struct uid_table *t, uint32_t *floor)
{
	switch (uidlist_load(dirfd, md->scanned ? &md->list : NULL, t, &p->stamp)) {
	case UIDLIST_SAME:
		return 0;
	case UIDLIST_MISSING:
		*floor = 0;
		if (!md->scanned)
			return SCAN_RESET;	/* a folder never served: nothing to log */
		p->dirty = 1;	/* removed by hand: this index still knows every id given */
		return 0;
	case UIDLIST_LOADED:
		if (adopt(md, p, t) == 0)
			return 0;
		break;
	case UIDLIST_CORRUPT:
		break;
	}
	log_msg("%s/%s: %s: starting new unique-ids", md->path, UIDLIST_NAME, t->why);
	*floor = t->validity;
	uidlist_free(t);
	return SCAN_RESET;
}

int uidsync_begin(const struct maildrop *md, int dirfd, int reset, uint32_t *floor,
		  struct uid_plan *p, struct uid_table *t)
{
	memset(p, 0, sizeof(*p));
	p->validity = md->validity;
	p->next_uid = md->next_uid;
	p->stamp = md->list;
	p->keep = md->scanned && !reset;
	if (!reset)
		return read_list(md, dirfd, p, t, floor);
	p->validity = new_validity(md, *floor);
	p->next_uid = 1;
	p->keep = 0;
	return 0;
}

int uidsync_assign(struct uid_plan *p, struct msg **msgs, size_t n)
{
	size_t fresh = 0;

	for (size_t i = 0; i < n; i++)
		fresh += msgs[i]->uid == 0;
	/* The next id stays within UIDLIST_UID_MAX, so every list written loads again. */
	if ((uint64_t)p->next_uid + fresh > UIDLIST_UID_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (msgs[i]->uid == 0)
			msgs[i]->uid = p->next_uid++;
	p->fresh = fresh;
	return 0;
}

int uidsync_save(struct maildrop *md, int dirfd, struct uid_plan *p, struct msg *const *msgs,
		 size_t n, size_t kept)
{
	/* New ids, or a validity the list on disk does not have yet: a client must not see them unsaved. */
	int must = p->fresh > 0 || p->validity != p->stamp.validity;

	if (!must && !p->dirty && !md->uids_dirty && kept == md->count &&
	    (!p->from_list || p->listed == n))
		return 0;
	if (uidlist_save(dirfd, p->validity, p->next_uid, msgs, n, &p->stamp) == 0) {
		md->uids_dirty = 0;
		return 0;
	}
	int e = errno;

	log_msg("%s/%s: cannot save: %s%s", md->path, UIDLIST_NAME, strerror(e),
		must ? "; logins refused until it can be" : "");
	md->uids_dirty = 1;
	errno = e;
	return must ? -1 : 0;
}
