/* Walking a message's MIME tree: the body in the order of its parts, and the list of every part. */
#include "mime.h"
#include "mime_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct walk {
	struct mime_msg *msg;
	const struct mime_opts *o;
	const char *input;	/* the buffer given to mime_parse: part offsets count from here */
	struct sbuf out;	/* the body so far: UTF-8, not yet made terminal-safe */
	size_t cap;
	int fwd;		/* forwarded messages around the current part */
	int oom;
};

static void walk(struct walk *w, const char *buf, size_t len, int depth, int show, int cut);

/* ---- the part list ---- */

static struct mime_part *part_new(struct walk *w)
{
	struct mime_msg *m = w->msg;
	struct mime_part *p;

	if (m->nparts >= MIME_MAX_PARTS)
		return NULL;
	if (m->nparts == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4;

		if ((p = realloc(m->parts, cap * sizeof *p)) == NULL) {
			w->oom = 1;
			return NULL;
		}
		m->parts = p, w->cap = cap;
	}
	p = &m->parts[m->nparts++];
	memset(p, 0, sizeof *p);
	return p;
}

/* List the entity as a part; its size is known unless it may have been cut. */
static void add_part(struct walk *w, const struct mime_entity *e, int shown, int cut)
{
	struct mime_part *p = part_new(w);
	char *raw;

	if (p == NULL)
		return;
	p->off = (size_t)(e->body - w->input), p->len = e->body_len;
	p->encoding = e->encoding, p->depth = w->fwd, p->shown = shown, p->size_known = !cut;
	raw = mime_decode_body(e->body, e->body_len, e->encoding, &p->size);
	p->type = mime_dup_mem(e->type, strlen(e->type), NULL);
	if (e->filename != NULL)
		p->filename = mime_dup_mem(e->filename, strlen(e->filename), NULL);
	if (e->charset != NULL)
		p->charset = mime_dup_mem(e->charset, strlen(e->charset), NULL);
	if (raw == NULL || p->type == NULL || (e->filename != NULL && p->filename == NULL) ||
	    (e->charset != NULL && p->charset == NULL))
		w->oom = 1;
	free(raw);
}

/* ---- text ---- */

/* HTML through the caller's renderer when it has one, else the built-in one. */
static char *render_html(struct walk *w, const char *s, size_t n, size_t *len_r)
{
	char *t = NULL;

	if (w->o->html != NULL)
		t = w->o->html(w->o->html_ctx, s, n, len_r);
	return t != NULL ? t : mime_html_to_text(s, n, len_r);
}

static void add_text(struct walk *w, const struct mime_entity *e)
{
	size_t n, un, tn;
	char *raw = mime_decode_body(e->body, e->body_len, e->encoding, &n), *utf = NULL, *t = NULL;

	if (raw != NULL && (utf = mime_to_utf8(e->charset, raw, n, &un)) != NULL) {
		if (strcmp(e->type, "text/html") == 0)
			t = render_html(w, utf, un, &tn);
		else if (e->flowed)
			t = mime_flowed_join(utf, un, e->delsp, &tn);
		else
			t = utf, tn = un, utf = NULL;
	}
	if (t == NULL) {
		w->oom = 1;
	} else {
		if (w->out.len > 0 && w->out.p[w->out.len - 1] != '\n')
			mime_sbuf_addc(&w->out, '\n');
		mime_sbuf_add(&w->out, t, tn);
	}
	free(raw);
	free(utf);
	free(t);
}

/* "Name: value" of the forwarded message's head, when it has the field. */
static void add_field(struct walk *w, const struct mime_entity *e, const char *name)
{
	char *v = mime_entity_field(e, name);

	if (v == NULL) {
		w->oom = 1;
	} else if (v[0] != '\0') {
		mime_sbuf_add(&w->out, name, strlen(name));
		mime_sbuf_add(&w->out, ": ", 2);
		mime_sbuf_add(&w->out, v, strlen(v));
		mime_sbuf_addc(&w->out, '\n');
	}
	free(v);
}

/* A forwarded message: its own decoded headers, then its body and parts, one level deeper. */
static void walk_rfc822(struct walk *w, const struct mime_entity *e, int depth, int show, int cut)
{
	static const char *const names[] = { "From", "Date", "Subject", "To", "Cc" };
	static const char banner[] = "----- Forwarded message -----\n";
	struct mime_entity inner;

	if (show) {
		if (mime_entity_read(e->body, e->body_len, &inner) == -1) {
			w->oom = 1;
			return;
		}
		/* A blank line before the banner. */
		if (w->out.len > 0 && w->out.p[w->out.len - 1] != '\n')
			mime_sbuf_addc(&w->out, '\n');
		if (w->out.len > 0)
			mime_sbuf_addc(&w->out, '\n');
		mime_sbuf_add(&w->out, banner, sizeof banner - 1);
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			add_field(w, &inner, names[i]);
		mime_sbuf_addc(&w->out, '\n');
		mime_entity_free(&inner);
	}
	w->fwd++;
	walk(w, e->body, e->body_len, depth + 1, show, cut);
	w->fwd--;
}

static void walk_leaf(struct walk *w, const struct mime_entity *e, int depth, int show, int cut)
{
	int text = strcmp(e->type, "text/plain") == 0 || strcmp(e->type, "text/html") == 0;
	int rfc822 = strcmp(e->type, "message/rfc822") == 0 && e->encoding == MIME_ENC_IDENTITY;

	/* A forwarded message is shown even when it came as an attachment, as mutt does. */
	int shown = show && (rfc822 || (text && !e->attachment));

	add_part(w, e, shown, cut);
	if (rfc822 && depth < MIME_MAX_DEPTH)
		walk_rfc822(w, e, depth, shown, cut);
	else if (shown && text)
		add_text(w, e);
}

/* ---- multipart ---- */

/* The children of a multipart, one after the other. */
struct kids {
	const char *s, *end, *part, *boundary;
	int done, found;
};

/* 1 for "--boundary", 2 for "--boundary--" (blanks may follow), else 0. */
static int boundary_kind(const char *s, size_t n, const char *b)
{
	size_t bl = strlen(b), i = 2 + bl;
	int kind = 1;

	if (n < i || s[0] != '-' || s[1] != '-' || memcmp(s + 2, b, bl) != 0)
		return 0;
	if (i + 1 < n && s[i] == '-' && s[i + 1] == '-')
		kind = 2, i += 2;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i == n ? kind : 0;
}

/* A part's length: the line break before the next boundary belongs to the boundary. */
static size_t part_len(const char *part, const char *next_boundary)
{
	size_t n = (size_t)(next_boundary - part);

	if (n > 0 && part[n - 1] == '\n')
		n--;
	if (n > 0 && part[n - 1] == '\r')
		n--;
	return n;
}

/* The next child: 1 with its extent (*closed_r: a boundary ended it), or 0 when there is none. */
static int kids_next(struct kids *k, const char **c_r, size_t *len_r, int *closed_r)
{
	while (!k->done && k->s < k->end) {
		const char *line = k->s, *prev = k->part, *next = memchr(line, '\n', (size_t)(k->end - line));
		int kind;

		next = next != NULL ? next + 1 : k->end;
		k->s = next;
		if ((kind = boundary_kind(line, (size_t)(next - line), k->boundary)) == 0)
			continue;
		k->found = 1;
		k->part = kind == 1 ? next : NULL;
		k->done = kind == 2;	/* the epilogue is ignored */
		if (prev != NULL) {
			*c_r = prev, *len_r = part_len(prev, line), *closed_r = 1;
			return 1;
		}
	}
	if (k->part == NULL)
		return 0;
	/* No closing boundary: the input was cut (TOP) or broken; keep what arrived. */
	*c_r = k->part, *len_r = (size_t)(k->end - k->part), *closed_r = 0;
	k->part = NULL, k->done = 1;
	return 1;
}

static void kids_start(struct kids *k, const struct mime_entity *e)
{
	memset(k, 0, sizeof *k);
	k->s = e->body, k->end = e->body + e->body_len, k->boundary = e->boundary;
}

/* How much an alternative is worth showing: plain text with words, HTML, a multipart, empty text. */
static int alt_score(const char *c, size_t n)
{
	struct mime_entity e;
	int score = 0;

	if (mime_entity_read(c, n, &e) == -1)
		return 0;
	if (strcmp(e.type, "text/plain") == 0) {
		score = 1;
		for (size_t i = 0; i < e.body_len && score == 1; i++)
			score = isspace((unsigned char)e.body[i]) ? 1 : 4;
	} else if (strcmp(e.type, "text/html") == 0) {
		score = 3;
	} else if (strncmp(e.type, "multipart/", 10) == 0) {
		score = 2;
	}
	mime_entity_free(&e);
	return score;
}

/* multipart/alternative: the best child is shown, the others only listed. */
static size_t alt_choose(const struct mime_entity *e)
{
	struct kids k;
	const char *c;
	size_t n, i = 0, best = 0;
	int closed, s, best_s = -1;

	kids_start(&k, e);
	for (; kids_next(&k, &c, &n, &closed); i++)
		if ((s = alt_score(c, n)) > best_s)
			best = i, best_s = s;
	return best;
}

/* Walk the children; returns 0 when no boundary line was found at all. */
static int walk_kids(struct walk *w, const struct mime_entity *e, int depth, int show, int cut)
{
	int alt = strcmp(e->type, "multipart/alternative") == 0, closed;
	size_t best = alt ? alt_choose(e) : 0, i = 0, n;
	struct kids k;
	const char *c;

	kids_start(&k, e);
	for (; kids_next(&k, &c, &n, &closed); i++) {
		if (!closed)
			w->msg->truncated = 1;
		walk(w, c, n, depth + 1, show && (!alt || i == best), cut && !closed);
	}
	return k.found;
}

static void walk(struct walk *w, const char *buf, size_t len, int depth, int show, int cut)
{
	struct mime_entity e;

	if (mime_entity_read(buf, len, &e) == -1) {
		w->oom = 1;
		return;
	}
	if (strncmp(e.type, "multipart/", 10) != 0) {
		walk_leaf(w, &e, depth, show, cut);
	} else if (depth < MIME_MAX_DEPTH) {
		/* Without a usable boundary the body is shown as it is rather than not at all. */
		if (e.boundary == NULL || e.boundary[0] == '\0' || !walk_kids(w, &e, depth, show, cut)) {
			strcpy(e.type, "text/plain");
			walk_leaf(w, &e, depth, show, cut);
		}
	}
	mime_entity_free(&e);
}

int mime_walk_message(struct mime_msg *msg, const char *input, size_t len, const struct mime_opts *o)
{
	struct walk w;

	memset(&w, 0, sizeof w);
	w.msg = msg, w.o = o, w.input = input;
	walk(&w, input, len, 0, 1, o->partial);
	if (!w.oom && !w.out.oom)
		msg->body = mime_sanitize(w.out.p ? w.out.p : "", w.out.len, &msg->body_len);
	free(w.out.p);
	return msg->body == NULL ? -1 : 0;
}
