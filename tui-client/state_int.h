/* What state.c and state_file.c share: the entries, the table, parsing and merging. */
#ifndef STATE_INT_H
#define STATE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

/* The flag letters in bit order: s seen, r read, w saved (written to the save folder). */
#define STATE_LETTERS "srw"
#define STATE_HEADER "# mailroom state 1: flags (s seen, r read, w saved), a blank, the unique-id"

struct state_entry {
	char uid[POP3_UID_MAX + 1];
	unsigned char flags;	/* what we know now */
	unsigned char base;	/* what the file said when we last read or wrote it */
	unsigned char live;	/* in the current LIST */
	unsigned char keep;	/* another client wrote it since: kept by the next prune */
};

struct state {
	char *path;		/* the folder, then '/', then the file name */
	size_t dirlen;		/* the folder's part of path */
	struct state_entry *v;	/* in the order added */
	size_t n, cap;
	uint32_t *slot;		/* open addressing: 0 empty, else index in v plus one */
	size_t nslot;		/* a power of two, at least twice n */
	int listing;		/* state_list_begin was called: saves prune */
};

/* 1 when uid (len octets) is a valid UID: 1 to 70 printable ASCII characters (RFC 1939 s. 7). */
int state_uid_ok(const char *uid, size_t len);
struct state_entry *state_find(const struct state *st, const char *uid);
/* The entry for uid, added with no flags when new; NULL when out of memory or not a UID. */
struct state_entry *state_add(struct state *st, const char *uid);
/* Add the file's lines in buf; damaged ones are counted in *bad_r; 0, or -1 out of memory. */
int state_parse(struct state *st, const char *buf, size_t len, size_t *bad_r);
/* Take in the file as it is now (see state_save); 0 or -1. */
int state_merge(struct state *st, const struct state *disk);
void state_prune(struct state *st);
/* The file's text, malloc'd; 0 or -1. */
int state_format(const struct state *st, char **buf_r, size_t *len_r);

#endif
