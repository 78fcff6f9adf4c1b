/* Threads of messages: parents from the id headers through a hash table, loops cut, rows in tree order. */
#include "thread.h"

#include "hash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A message id: the text between < and > (or a bare Message-ID), not NUL-terminated. */
struct id {
	const char *s;
	size_t len;
};

/* Open addressing over message indices, keyed by their Message-IDs. */
struct table {
	size_t *slot;		/* THREAD_NONE when empty */
	size_t mask;
	const struct id *ids;	/* the id of each message */
};

/* The next <id> in a header from *p on; 0 when there is none. */
static int next_id(const char **p, struct id *id_r)
{
	const char *lt = *p ? strchr(*p, '<') : NULL;
	const char *gt = lt ? strchr(lt + 1, '>') : NULL;

	if (gt == NULL)
		return 0;
	id_r->s = lt + 1;
	id_r->len = (size_t)(gt - lt - 1);
	*p = gt + 1;
	return 1;
}

/* A Message-ID: the first <id>, else the value itself without blanks around it. */
static struct id message_id(const char *h)
{
	struct id id = { "", 0 };
	const char *p = h;

	if (h == NULL || next_id(&p, &id))
		return id;
	h += strspn(h, " \t");
	id.s = h;
	id.len = strlen(h);
	while (id.len > 0 && (h[id.len - 1] == ' ' || h[id.len - 1] == '\t'))
		id.len--;
	return id;
}

/* Keyed, so that crafted Message-IDs cannot pile up in one run of slots. */
static size_t hash(struct id id)
{
	return (size_t)hash_bytes(id.s, id.len);
}

static int same(struct id a, struct id b)
{
	return a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
}

/* The message whose id this is, or THREAD_NONE. */
static size_t table_find(const struct table *t, struct id id)
{
	if (id.len == 0)
		return THREAD_NONE;
	for (size_t h = hash(id) & t->mask;; h = (h + 1) & t->mask) {
		size_t i = t->slot[h];

		if (i == THREAD_NONE || same(t->ids[i], id))
			return i;
	}
}

/* Enter message i under its id unless the id is empty or already taken (a duplicate). */
static void table_add(struct table *t, size_t i)
{
	struct id id = t->ids[i];

	if (id.len == 0)
		return;
	for (size_t h = hash(id) & t->mask;; h = (h + 1) & t->mask) {
		if (t->slot[h] == THREAD_NONE) {
			t->slot[h] = i;
			return;
		}
		if (same(t->ids[t->slot[h]], id))
			return;
	}
}

static int table_init(struct table *t, const struct thread_msg *v, size_t n, struct id *ids)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	if ((t->slot = malloc(size * sizeof(*t->slot))) == NULL)
		return -1;
	memset(t->slot, 0xff, size * sizeof(*t->slot));	/* every slot THREAD_NONE */
	t->mask = size - 1;
	t->ids = ids;
	for (size_t i = 0; i < n; i++)
		ids[i] = message_id(v[i].id);
	for (size_t i = 0; i < n; i++)
		table_add(t, i);
	return 0;
}

/* A message named in a header that is here and is not message self, or THREAD_NONE. */
static size_t present(const struct table *t, struct id id, size_t self)
{
	size_t j = table_find(t, id);

	return j == self ? THREAD_NONE : j;
}

/* The parent a message's own headers give: In-Reply-To, else the last References id here. */
static size_t own_parent(const struct table *t, const struct thread_msg *m, size_t self)
{
	const char *p = m->in_reply_to;
	struct id id;
	size_t parent = THREAD_NONE, j;

	if (next_id(&p, &id) && (parent = present(t, id, self)) != THREAD_NONE)
		return parent;
	for (p = m->references; next_id(&p, &id);)
		if ((j = present(t, id, self)) != THREAD_NONE)
			parent = j;
	return parent;
}

/* What message i's References say of the others: each id here is the parent of the next id here. */
static void link_references(const struct table *t, const struct thread_msg *m, size_t self, size_t *parent)
{
	const char *p = m->references;
	struct id id;
	size_t prev = THREAD_NONE, j;

	while (next_id(&p, &id)) {
		if ((j = present(t, id, self)) == THREAD_NONE)
			continue;
		if (prev != THREAD_NONE && prev != j && parent[j] == THREAD_NONE)
			parent[j] = prev;
		prev = j;
	}
}

/* Walk up from each message; a walk that meets itself is a loop, cut above where it closed. */
static int cut_loops(size_t *parent, size_t n)
{
	unsigned char *seen = calloc(n ? n : 1, 1);	/* 0 new, 1 on this walk, 2 done */

	if (seen == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t j = i, last = THREAD_NONE;

		while (j != THREAD_NONE && seen[j] == 0) {
			seen[j] = 1;
			last = j;
			j = parent[j];
		}
		if (j != THREAD_NONE && seen[j] == 1)
			parent[last] = THREAD_NONE;	/* last's parent closed the loop */
		for (j = i; j != THREAD_NONE && seen[j] == 1; j = parent[j])
			seen[j] = 2;
	}
	free(seen);
	return 0;
}

int thread_parents(const struct thread_msg *v, size_t n, size_t *parent_r)
{
	struct id *ids = malloc((n ? n : 1) * sizeof(*ids));
	struct table t = { NULL, 0, NULL };
	int ret = -1;

	if (ids == NULL || table_init(&t, v, n, ids) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		parent_r[i] = own_parent(&t, &v[i], i);
	for (size_t i = 0; i < n; i++)
		link_references(&t, &v[i], i, parent_r);
	ret = cut_loops(parent_r, n);
out:
	free(t.slot);
	free(ids);
	return ret;
}

/* A reply as the children's sort sees it. */
struct kid {
	long long date;
	size_t idx;
};

static int kid_cmp(const void *a, const void *b)
{
	const struct kid *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The replies of message p are kids[first[p] .. first[p + 1]), oldest first; pos: n scratch entries. */
static void group_children(const struct thread_msg *v, const size_t *parent, size_t n, size_t *first,
			   size_t *pos, struct kid *kids)
{
	memset(first, 0, (n + 1) * sizeof(*first));
	for (size_t i = 0; i < n; i++)
		if (parent[i] != THREAD_NONE)
			first[parent[i] + 1]++;
	for (size_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	memcpy(pos, first, n * sizeof(*pos));
	for (size_t i = 0; i < n; i++)
		if (parent[i] != THREAD_NONE)
			kids[pos[parent[i]]++] = (struct kid){ v[i].date, i };
	for (size_t p = 0; p < n; p++)
		if (first[p + 1] - first[p] > 1)
			qsort(kids + first[p], first[p + 1] - first[p], sizeof(*kids), kid_cmp);
}

/* Root r and its replies, depth first, appended at order_r[*k]; stack: n scratch entries. */
static void walk_tree(const size_t *first, const struct kid *kids, size_t r, size_t *stack, int *depth,
		      size_t *order_r, int *depth_r, size_t *k)
{
	size_t sp = 0;

	stack[sp++] = r;
	depth[r] = 0;
	while (sp > 0) {
		size_t i = stack[--sp];

		order_r[*k] = i;
		depth_r[(*k)++] = depth[i];
		/* Pushed youngest first, so that the oldest reply comes out next. */
		for (size_t c = first[i + 1]; c-- > first[i];) {
			depth[kids[c].idx] = depth[i] + 1;
			stack[sp++] = kids[c].idx;
		}
	}
}

int thread_build(const struct thread_msg *v, size_t n, size_t *order_r, int *depth_r)
{
	size_t m = n ? n : 1, k = 0;
	size_t *parent = malloc(m * sizeof(size_t)), *first = malloc((n + 1) * sizeof(size_t));
	size_t *scratch = malloc(m * sizeof(size_t));
	struct kid *kids = malloc(m * sizeof(*kids));
	int *depth = malloc(m * sizeof(int)), ret = -1;

	if (!parent || !first || !scratch || !kids || !depth || thread_parents(v, n, parent) < 0)
		goto out;
	group_children(v, parent, n, first, scratch, kids);
	for (size_t r = 0; r < n; r++)
		if (parent[r] == THREAD_NONE)
			walk_tree(first, kids, r, scratch, depth, order_r, depth_r, &k);
	ret = 0;
out:
	free(parent);
	free(first);
	free(scratch);
	free(kids);
	free(depth);
	return ret;
}
