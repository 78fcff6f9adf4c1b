/* Saving a retrieved message: temporary file with O_EXCL, write, fsync, rename; never a second copy. */
#ifndef SAVE_H
#define SAVE_H

#include <stddef.h>

/*
 * The file name for a message: the UIDL made safe (letters, digits, '-', '_', '.'
 * kept, everything else as %XX) plus ".eml", or "msg-N.eml" when uid is empty.
 */
void save_name(const char *uid, unsigned num, char *name, size_t size);

/* 1 when dir/name already exists, else 0. */
int save_exists(const char *dir, const char *name);

/* The names in the save folder, read once: a stat per message costs seconds at 100,000. */
struct save_index {
	char **names;	/* sorted */
	size_t n;
};

/* Read dir's names (none when it is missing); 0, or -1 when out of memory (ix then empty). */
int save_index_load(const char *dir, struct save_index *ix);
/* 1 when name was in the folder when it was read, else 0. */
int save_index_has(const struct save_index *ix, const char *name);
void save_index_free(struct save_index *ix);

/* Write all of data to fd, again after EINTR; 0, or -1 with errno. */
int save_write_all(int fd, const char *data, size_t len);

/*
 * Write data to dir/name (creating dir if missing): a temporary file opened with
 * O_EXCL, every write checked, fsync, then linked into place, so no reader ever sees
 * half a message and an existing copy is never replaced (*existed_r = 1 then).
 * Returns 0, or -1 with the reason in err and no file left behind.
 */
int save_message(const char *dir, const char *name, const char *data, size_t len, int *existed_r,
		 char *err, size_t errsize);

/* Numbered names tried before saving a part gives up ("name (1).ext" ... "name (999).ext"). */
#define SAVE_UNIQUE_MAX 1000

/*
 * Write data to dir/name, or "name (1).ext", "name (2).ext"... when taken: never replacing a
 * file (temporary file, fsync, link).  The name used goes to final.  name must already be safe
 * (see attach_safe_name).  Returns 0, or -1 with the reason in err and no file left behind.
 */
int save_unique(const char *dir, const char *name, const char *data, size_t len, char *final,
		size_t fsize, char *err, size_t errsize);

#endif
