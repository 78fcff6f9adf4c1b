/* The draft of a reply or forward, and the message made from it: subjects, References, quoting. */
#include "compose.h"

#include "mime.h"
#include "mime_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- subject ---- */

/* Length of one prefix such as "Re:", "RE[2]:", "Fwd:", "Fw:" at s (blanks before it included), or 0. */
static size_t prefix_len(const char *s, enum compose_kind kind)
{
	static const char *const re[] = { "re", NULL }, *const fwd[] = { "fwd", "fw", NULL };
	const char *const *names = kind == COMPOSE_FORWARD ? fwd : re;
	size_t i = strspn(s, " \t");

	for (; *names != NULL; names++) {
		size_t n = strlen(*names), j = i + n;

		if (strncasecmp(s + i, *names, n) != 0)
			continue;
		if (s[j] == '[' || s[j] == '(') {	/* "Re[2]:", "Re(2):" */
			char close = s[j] == '[' ? ']' : ')';

			j += 1 + strspn(s + j + 1, "0123456789");
			if (s[j] != close)
				continue;
			j++;
		}
		if (s[j] == ':')
			return j + 1;
	}
	return 0;
}

char *compose_subject(const char *subject, enum compose_kind kind)
{
	size_t n;
	char *out;

	while ((n = prefix_len(subject, kind)) > 0)
		subject += n;
	subject += strspn(subject, " \t");
	if (asprintf(&out, "%s%s", kind == COMPOSE_FORWARD ? "Fwd: " : "Re: ", subject) < 0)
		return NULL;
	return out;
}

/* ---- References ---- */

/* The next "<...>" in s from *pos: its start and length; 0 when there is none. */
static size_t next_id(const char *s, size_t *pos, const char **id_r)
{
	const char *lt = strchr(s + *pos, '<'), *gt = lt != NULL ? strchr(lt, '>') : NULL;

	if (gt == NULL)
		return 0;
	*id_r = lt;
	*pos = (size_t)(gt + 1 - s);
	return (size_t)(gt + 1 - lt);
}

/* Append the ids of s to the array (no duplicates); their count. */
static size_t collect_ids(const char *s, const char **ids, size_t *lens, size_t n, size_t max)
{
	size_t pos = 0, len, k;
	const char *id;

	while ((len = next_id(s, &pos, &id)) > 0 && n < max) {
		for (k = 0; k < n && (lens[k] != len || memcmp(ids[k], id, len) != 0); k++)
			;
		if (k == n && strcspn(id, " \t") >= len)
			ids[n] = id, lens[n++] = len;
	}
	return n;
}

char *compose_references(const char *refs, const char *msgid)
{
	enum { MAX_IDS = 1000 };	/* ids read from a hostile header: bounded */
	const char **ids = malloc((MAX_IDS + 1) * sizeof(*ids));
	size_t *lens = malloc((MAX_IDS + 1) * sizeof(*lens)), n = 0;
	size_t col = strlen("References: ");
	struct sbuf b = { 0 };

	if (ids == NULL || lens == NULL)
		b.oom = 1;
	else
		n = collect_ids(msgid, ids, lens, collect_ids(refs, ids, lens, 0, MAX_IDS), MAX_IDS + 1);
	for (size_t i = 0; i < n; i++) {
		/* Keep the thread's root and the latest ids: the nearest ancestors matter most. */
		if (n > COMPOSE_REFS_MAX && i > 0 && i < n - (COMPOSE_REFS_MAX - 1))
			continue;
		if (b.len > 0) {
			int fold = col + 1 + lens[i] > COMPOSE_FOLD;

			mime_sbuf_add(&b, fold ? "\n " : " ", fold ? 2 : 1);
			col = fold ? 1 : col + 1;
		}
		mime_sbuf_add(&b, ids[i], lens[i]);
		col += lens[i];
	}
	free(ids);
	free(lens);
	return mime_sbuf_finish(&b, NULL);
}

/* ---- quoting ---- */

/* One line quoted: its quote marks ("> >", ">>") counted and written again as "> " each. */
static void quote_line(struct sbuf *b, const char *s, size_t n)
{
	size_t i = 0, depth = 1;

	while (i < n && s[i] == '>') {
		depth++;
		i++;
		if (i < n && s[i] == ' ')
			i++;
	}
	for (size_t d = 0; d < depth; d++)
		mime_sbuf_add(b, d + 1 < depth || i < n ? "> " : ">", d + 1 < depth || i < n ? 2 : 1);
	mime_sbuf_add(b, s + i, n - i);
	mime_sbuf_addc(b, '\n');
}

char *compose_quote(const char *text, size_t len)
{
	struct sbuf b = { 0 };

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\r'))
		len--;	/* blank lines at the end say nothing */
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl != NULL ? (size_t)(nl - text) : len, n = e - i;

		if (n > 0 && text[i + n - 1] == '\r')
			n--;
		quote_line(&b, text + i, n);
		i = e + 1;
	}
	return mime_sbuf_finish(&b, NULL);
}

/* ---- the draft ---- */

/* What a reply needs of the original: raw address fields, decoded texts, ids. */
struct orig {
	char *from, *reply_to, *to, *cc, *refs, *msgid;	/* raw, unfolded */
	char *subject, *date, *from_text, *to_text, *cc_text;	/* decoded */
};

static void orig_free(struct orig *o)
{
	char **f[] = { &o->from, &o->reply_to, &o->to, &o->cc, &o->refs, &o->msgid,
		       &o->subject, &o->date, &o->from_text, &o->to_text, &o->cc_text };

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		free(*f[i]);
}

static int orig_read(const char *raw, size_t len, struct orig *o)
{
	static const char *const rawn[] = { "From", "Reply-To", "To", "Cc", "References", "Message-ID" };
	static const char *const decn[] = { "Subject", "Date", "From", "To", "Cc" };
	char **rawf[] = { &o->from, &o->reply_to, &o->to, &o->cc, &o->refs, &o->msgid };
	char **decf[] = { &o->subject, &o->date, &o->from_text, &o->to_text, &o->cc_text };
	struct mime_entity e;
	int r = 0;

	memset(o, 0, sizeof(*o));
	if (mime_entity_read(raw, len, &e) < 0)
		return -1;
	for (size_t i = 0; i < sizeof rawn / sizeof rawn[0]; i++)
		if ((*rawf[i] = mime_entity_raw(&e, rawn[i])) == NULL)
			r = -1;
	for (size_t i = 0; i < sizeof decn / sizeof decn[0]; i++)
		if ((*decf[i] = mime_entity_field(&e, decn[i])) == NULL)
			r = -1;
	mime_entity_free(&e);
	return r;
}

/* "Name: value\n" when value is not empty (or always, with always). */
static void header(struct sbuf *b, const char *name, const char *value, int always)
{
	if (value[0] == '\0' && !always)
		return;
	mime_sbuf_add(b, name, strlen(name));
	mime_sbuf_add(b, ": ", 2);
	mime_sbuf_add(b, value, strlen(value));
	mime_sbuf_addc(b, '\n');
}

/* To and Cc of a reply: Reply-To else From; with all, the original To and Cc too, less ourselves. */
static int reply_addrs(const struct orig *o, int all, const struct compose_addrs *self,
		       struct compose_addrs *to, struct compose_addrs *cc)
{
	struct compose_addrs rest = { 0 };
	int r = compose_addrs_parse(o->reply_to[0] != '\0' ? o->reply_to : o->from, to);

	if (r == 0 && all && (compose_addrs_parse(o->to, &rest) < 0 || compose_addrs_parse(o->cc, &rest) < 0))
		r = -1;
	for (size_t i = 0; r == 0 && i < rest.n; i++)
		if (!compose_addrs_has(self, rest.v[i].addr) && !compose_addrs_has(to, rest.v[i].addr))
			r = compose_addrs_add(cc, rest.v[i].name, rest.v[i].addr);
	compose_addrs_free(&rest);
	return r;
}

/* The reply's address headers. */
static int reply_headers(struct sbuf *b, const struct orig *o, int all, const struct compose_addrs *self)
{
	struct compose_addrs to = { 0 }, cc = { 0 };
	char *tos = NULL, *ccs = NULL;
	int r = -1;

	if (reply_addrs(o, all, self, &to, &cc) == 0 && (tos = compose_addrs_format(&to, 4, 0)) != NULL &&
	    (ccs = compose_addrs_format(&cc, 4, 0)) != NULL) {
		header(b, "To", tos, 1);
		header(b, "Cc", ccs, 1);
		r = 0;
	}
	free(tos);
	free(ccs);
	compose_addrs_free(&to);
	compose_addrs_free(&cc);
	return r;
}

/* The name of the original's sender for the attribution line. */
static char *sender_name(const struct orig *o)
{
	struct compose_addrs a = { 0 };
	char *s;

	if (compose_addrs_parse(o->from, &a) < 0)
		return NULL;
	s = strdup(a.n == 0 ? "someone" : a.v[0].name[0] != '\0' ? a.v[0].name : a.v[0].addr);
	compose_addrs_free(&a);
	return s;
}

static int reply_body(struct sbuf *b, const struct orig *o, const char *body)
{
	char *name = sender_name(o), *q = compose_quote(body, strlen(body));
	int r = name != NULL && q != NULL ? 0 : -1;

	if (r == 0 && o->date[0] != '\0')
		mime_sbuf_add(b, "On ", 3), mime_sbuf_add(b, o->date, strlen(o->date)), mime_sbuf_add(b, ", ", 2);
	if (r == 0) {
		mime_sbuf_add(b, name, strlen(name));
		mime_sbuf_add(b, " wrote:\n", 8);
		mime_sbuf_add(b, q, strlen(q));
	}
	free(name);
	free(q);
	return r;
}

static void forward_body(struct sbuf *b, const struct orig *o, const char *body)
{
	mime_sbuf_add(b, "\n---------- Forwarded message ----------\n", 41);
	header(b, "From", o->from_text, 0);
	header(b, "Date", o->date, 0);
	header(b, "Subject", o->subject, 0);
	header(b, "To", o->to_text, 0);
	header(b, "Cc", o->cc_text, 0);
	mime_sbuf_addc(b, '\n');
	mime_sbuf_add(b, body, strlen(body));
	if (b->len > 0 && b->p[b->len - 1] != '\n')
		mime_sbuf_addc(b, '\n');
}

/* In-Reply-To and References of a reply. */
static int thread_headers(struct sbuf *b, const struct orig *o)
{
	size_t pos = 0;
	const char *id;
	size_t n = next_id(o->msgid, &pos, &id);
	char *refs = compose_references(o->refs, o->msgid), *irt = mime_dup_mem(n ? id : "", n, NULL);

	if (refs != NULL && irt != NULL) {
		header(b, "In-Reply-To", irt, 0);
		header(b, "References", refs, 0);
	}
	free(irt);
	free(refs);
	return refs != NULL && irt != NULL ? 0 : -1;
}

char *compose_draft(enum compose_kind kind, const char *raw, size_t len, const char *body,
		    const char *from, const struct compose_addrs *self)
{
	struct sbuf b = { 0 };
	struct orig o;
	char *subj = NULL;
	int r = orig_read(raw, len, &o);

	if (r == 0)
		r = (subj = compose_subject(o.subject, kind)) != NULL ? 0 : -1;
	header(&b, "From", from, 1);
	if (r == 0 && kind == COMPOSE_FORWARD) {
		header(&b, "To", "", 1);
		header(&b, "Cc", "", 1);
	} else if (r == 0) {
		r = reply_headers(&b, &o, kind == COMPOSE_REPLY_ALL, self);
	}
	if (r == 0)
		header(&b, "Subject", subj, 1);
	if (r == 0 && kind != COMPOSE_FORWARD)
		r = thread_headers(&b, &o);
	mime_sbuf_addc(&b, '\n');
	if (r == 0 && kind == COMPOSE_FORWARD)
		forward_body(&b, &o, body);
	else if (r == 0)
		r = reply_body(&b, &o, body);
	free(subj);
	orig_free(&o);
	if (r < 0 || b.oom) {
		free(b.p);
		return NULL;
	}
	return mime_sbuf_finish(&b, NULL);
}
