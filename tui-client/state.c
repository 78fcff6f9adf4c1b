/* The per-account state in memory: a hash table of unique-ids with their flags, parsed from and merged with the file. */
#include "state.h"
#include "state_int.h"

#include "hash.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The smallest index; it doubles when more than half full. */
#define SLOTS_MIN 64

/* Keyed, so that a server's crafted unique-ids cannot pile up in one run of slots. */
static size_t hash(const char *s)
{
	return (size_t)hash_str(s);
}

/* The slot holding uid, or the empty slot where it would go. */
static size_t probe(const struct state *st, const char *uid)
{
	size_t mask = st->nslot - 1, i = hash(uid) & mask;

	while (st->slot[i] != 0 && strcmp(st->v[st->slot[i] - 1].uid, uid) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Index the first n entries again in a table of nslot slots; 0 or -1. */
static int reindex(struct state *st, size_t nslot)
{
	uint32_t *s = calloc(nslot, sizeof(*s));

	if (s == NULL)
		return -1;
	free(st->slot);
	st->slot = s;
	st->nslot = nslot;
	for (size_t k = 0; k < st->n; k++)
		st->slot[probe(st, st->v[k].uid)] = (uint32_t)(k + 1);
	return 0;
}

struct state_entry *state_find(const struct state *st, const char *uid)
{
	if (st->nslot == 0)
		return NULL;
	uint32_t k = st->slot[probe(st, uid)];

	return k ? &st->v[k - 1] : NULL;
}

int state_uid_ok(const char *uid, size_t len)
{
	if (len == 0 || len > POP3_UID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)uid[i] < 0x21 || (unsigned char)uid[i] > 0x7e)
			return 0;
	return 1;
}

/* Make room for one more entry: the array and the index; 0 or -1. */
static int grow(struct state *st)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		struct state_entry *v = realloc(st->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		st->v = v;
		st->cap = cap;
	}
	if ((st->n + 1) * 2 > st->nslot)
		return reindex(st, st->nslot ? st->nslot * 2 : SLOTS_MIN);
	return 0;
}

struct state_entry *state_add(struct state *st, const char *uid)
{
	struct state_entry *e = state_find(st, uid);

	if (e != NULL)
		return e;
	if (!state_uid_ok(uid, strlen(uid)) || grow(st) < 0)
		return NULL;
	e = &st->v[st->n];
	memset(e, 0, sizeof(*e));
	memcpy(e->uid, uid, strlen(uid) + 1);
	st->slot[probe(st, uid)] = (uint32_t)(++st->n);
	return e;
}

/* "sr" -> STATE_SEEN | STATE_READ; -1 for an empty or unknown flag. */
static int parse_flags(const char *s, size_t len)
{
	int f = 0;

	for (size_t i = 0; i < len; i++) {
		const char *p = s[i] ? strchr(STATE_LETTERS, s[i]) : NULL;

		if (p == NULL)
			return -1;
		f |= 1 << (p - STATE_LETTERS);
	}
	return len ? f : -1;
}

/* One line without its newline: 1 taken, 0 blank or comment, -1 damaged, -2 out of memory. */
static int parse_line(struct state *st, const char *line, size_t len)
{
	if (len == 0 || line[0] == '#')
		return memchr(line, '\0', len) ? -1 : 0;
	if (len > STATE_LINE_MAX || memchr(line, '\0', len))
		return -1;
	const char *sp = memchr(line, ' ', len);
	size_t flen = sp ? (size_t)(sp - line) : 0, ulen = sp ? len - flen - 1 : 0;
	int f = sp ? parse_flags(line, flen) : -1;
	char uid[POP3_UID_MAX + 1];

	if (f < 0 || !state_uid_ok(sp + 1, ulen))
		return -1;
	memcpy(uid, sp + 1, ulen);
	uid[ulen] = '\0';
	struct state_entry *e = state_add(st, uid);

	if (e == NULL)
		return -2;
	e->flags |= (unsigned char)f;
	e->base = e->flags;
	return 1;
}

int state_parse(struct state *st, const char *buf, size_t len, size_t *bad_r)
{
	size_t bad = 0;

	for (size_t o = 0; o < len;) {
		const char *nl = memchr(buf + o, '\n', len - o);
		/* A last line without its newline was cut short: its UID may be too. */
		size_t l = nl ? (size_t)(nl - (buf + o)) : len - o;
		int r = nl ? parse_line(st, buf + o, l) : -1;

		if (r == -2)
			return -1;
		bad += r == -1;
		o += l + 1;
	}
	*bad_r = bad;
	return 0;
}

unsigned state_get(const struct state *st, const char *uid)
{
	const struct state_entry *e = state_find(st, uid);

	return e ? e->flags : 0;
}

int state_set(struct state *st, const char *uid, unsigned flags)
{
	struct state_entry *e = state_add(st, uid);

	if (e == NULL)
		return -1;
	e->flags = (unsigned char)(flags & STATE_FLAGS);
	return 0;
}

size_t state_count(const struct state *st)
{
	return st->n;
}

void state_list_begin(struct state *st)
{
	st->listing = 1;
	for (size_t k = 0; k < st->n; k++)
		st->v[k].live = 0;
}

int state_list_add(struct state *st, const char *uid, unsigned *old_r)
{
	struct state_entry *e = state_add(st, uid);

	if (e == NULL)
		return -1;
	*old_r = e->flags;
	e->flags |= STATE_SEEN;
	e->live = 1;
	return 0;
}

/*
 * Take in what the file holds now (disk): per flag, ours where we changed it since the
 * load (flags differ from base), else the file's.  An id the file has and we did not load
 * was written by another client since: it is kept even when our LIST lacks it.
 */
int state_merge(struct state *st, const struct state *disk)
{
	for (size_t k = 0; k < disk->n; k++) {
		const struct state_entry *d = &disk->v[k];
		struct state_entry *e = state_find(st, d->uid);
		int ours = e != NULL;

		if (e == NULL && (e = state_add(st, d->uid)) == NULL)
			return -1;
		unsigned changed = ours ? (unsigned)(e->flags ^ e->base) : 0;

		if (!ours || d->flags != e->base)
			e->keep = 1;
		e->flags = (unsigned char)((e->flags & changed) | (d->flags & ~changed));
	}
	return 0;
}

/* Drop what is not worth writing: no flags, or (after a LIST) not listed and not another's. */
void state_prune(struct state *st)
{
	size_t o = 0;

	for (size_t k = 0; k < st->n; k++) {
		struct state_entry *e = &st->v[k];

		if (e->flags == 0 || (st->listing && !e->live && !e->keep))
			continue;
		e->keep = 0;
		st->v[o++] = *e;
	}
	st->n = o;
	if (reindex(st, st->nslot ? st->nslot : SLOTS_MIN) < 0) {
		/* Out of memory: an empty index finds nothing, rather than the wrong entries. */
		memset(st->slot, 0, st->nslot * sizeof(*st->slot));
		st->n = 0;
	}
}

/* The file's text: the comment line, then "flags uid" a line.  Caller frees *buf_r. */
int state_format(const struct state *st, char **buf_r, size_t *len_r)
{
	size_t cap = sizeof(STATE_HEADER) + st->n * (STATE_LINE_MAX + 1), o;
	char *buf = malloc(cap);

	if (buf == NULL)
		return -1;
	o = (size_t)snprintf(buf, cap, "%s\n", STATE_HEADER);
	for (size_t k = 0; k < st->n; k++) {
		for (int b = 0; STATE_LETTERS[b]; b++)
			if (st->v[k].flags & (1u << b))
				buf[o++] = STATE_LETTERS[b];
		o += (size_t)snprintf(buf + o, cap - o, " %s\n", st->v[k].uid);
	}
	*buf_r = buf;
	*len_r = o;
	return 0;
}

void state_free(struct state *st)
{
	if (st == NULL)
		return;
	free(st->v);
	free(st->slot);
	free(st->path);
	free(st);
}
