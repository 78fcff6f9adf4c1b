/* MIME message parsing for display: header blocks, parts, multipart walking, the body and attachments. */
#include "mime.h"
#include "mime_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- header blocks ---- */

/* Offset just after the line that starts at i. */
static size_t line_end(const char *s, size_t len, size_t i)
{
	const char *nl = memchr(s + i, '\n', len - i);

	return nl != NULL ? (size_t)(nl - s) + 1 : len;
}

/* "Name:" or, after the first line, a continuation; anything else ends a broken header block. */
static int is_header_line(const char *s, size_t n, int first)
{
	size_t i = 0;

	if (s[0] == ' ' || s[0] == '\t')
		return !first;
	if (first && n >= 5 && memcmp(s, "From ", 5) == 0)
		return 1;	/* an mbox separator line */
	while (i < n && s[i] > ' ' && s[i] < 0x7F && s[i] != ':')
		i++;
	if (i == 0)
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':';
}

/* Find where the header block ends: *hlen_r is its length; returns the offset of the body. */
static size_t split_entity(const char *buf, size_t len, size_t *hlen_r)
{
	size_t i = 0, next;

	while (i < len) {
		next = line_end(buf, len, i);
		if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 == len || buf[i + 1] == '\n'))) {
			*hlen_r = i;
			return next;
		}
		if (!is_header_line(buf + i, next - i, i == 0)) {
			*hlen_r = i;
			return i;
		}
		i = next;
	}
	*hlen_r = len;
	return len;
}

/* The raw value (folds included) of the first field called name, or NULL when there is none. */
static const char *header_get(const char *h, size_t hlen, const char *name, size_t *vlen_r)
{
	size_t nlen = strlen(name), i, j, next;

	for (i = 0; i < hlen; i = next) {
		next = line_end(h, hlen, i);
		if (next - i <= nlen || strncasecmp(h + i, name, nlen) != 0)
			continue;
		for (j = i + nlen; j < next && (h[j] == ' ' || h[j] == '\t'); j++)
			;
		if (j == next || h[j] != ':')
			continue;
		while (next < hlen && (h[next] == ' ' || h[next] == '\t'))
			next = line_end(h, hlen, next);
		*vlen_r = next - j - 1;
		return h + j + 1;
	}
	return NULL;
}

/* An unfolded copy of a field's value ("" when absent); -1 when out of memory. */
static int field_dup(const char *h, size_t hlen, const char *name, char **val_r)
{
	size_t vlen;
	const char *v = header_get(h, hlen, name, &vlen);

	*val_r = v != NULL ? mime_unfold_dup(v, vlen, NULL) : mime_dup_mem("", 0, NULL);
	return *val_r == NULL ? -1 : 0;
}

/* ---- one MIME entity ---- */

enum cte { CTE_IDENTITY, CTE_QP, CTE_BASE64 };

struct part {
	char type[80];		/* lower case; text/plain when absent or malformed (RFC 2045 5.2) */
	char *charset, *boundary, *filename;
	int attachment;		/* Content-Disposition: attachment */
	enum cte cte;
	const char *body;
	size_t body_len;
};

static void parse_type(const char *v, char *type, size_t size)
{
	size_t n, i;
	const char *slash;

	v += strspn(v, " \t");
	n = strcspn(v, "; \t");
	slash = memchr(v, '/', n);
	if (n == 0 || n >= size || slash == NULL || slash == v || slash == v + n - 1) {
		strcpy(type, "text/plain");
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];

		/* RFC 2045 tokens only: a type is drawn on the screen, so nothing else gets through. */
		if (ch <= 0x20 || ch >= 0x7f || strchr("()<>@,;:\\\"[]?=", ch) != NULL) {
			strcpy(type, "application/octet-stream");
			return;
		}
		type[i] = (char)tolower(ch);
	}
	type[n] = '\0';
}

static enum cte parse_cte(const char *h, size_t hlen)
{
	size_t vlen;
	const char *v = header_get(h, hlen, "Content-Transfer-Encoding", &vlen);

	if (v == NULL)
		return CTE_IDENTITY;
	while (vlen > 0 && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	if (vlen >= 16 && strncasecmp(v, "quoted-printable", 16) == 0)
		return CTE_QP;
	if (vlen >= 6 && strncasecmp(v, "base64", 6) == 0)
		return CTE_BASE64;
	return CTE_IDENTITY;	/* 7bit, 8bit, binary, and anything unknown */
}

static void part_free(struct part *pt)
{
	free(pt->charset);
	free(pt->boundary);
	free(pt->filename);
}

static int part_read(const char *buf, size_t len, struct part *pt)
{
	size_t hlen, off = split_entity(buf, len, &hlen);
	char *ct = NULL, *cd = NULL;
	int ret = -1;

	memset(pt, 0, sizeof *pt);
	pt->body = buf + off, pt->body_len = len - off;
	pt->cte = parse_cte(buf, hlen);
	if (field_dup(buf, hlen, "Content-Type", &ct) == -1 ||
	    field_dup(buf, hlen, "Content-Disposition", &cd) == -1)
		goto out;
	parse_type(ct, pt->type, sizeof pt->type);
	pt->attachment = strncasecmp(cd + strspn(cd, " \t"), "attachment", 10) == 0;
	if (mime_param_get(ct, "charset", 0, &pt->charset) == -1 ||
	    mime_param_get(ct, "boundary", 0, &pt->boundary) == -1 ||
	    mime_param_get(cd, "filename", 1, &pt->filename) == -1)
		goto out;
	if (pt->filename == NULL && mime_param_get(ct, "name", 1, &pt->filename) == -1)
		goto out;
	ret = 0;
out:
	free(ct);
	free(cd);
	return ret;
}

/* The body without its transfer encoding; NULL when out of memory. */
static char *part_decode(const struct part *pt, size_t *len_r)
{
	char *out = malloc(pt->body_len + 1);

	if (out == NULL)
		return NULL;
	if (pt->cte == CTE_QP)
		*len_r = mime_decode_qp(pt->body, pt->body_len, out);
	else if (pt->cte == CTE_BASE64)
		*len_r = mime_decode_base64(pt->body, pt->body_len, out);
	else
		*len_r = pt->body_len, memcpy(out, pt->body, pt->body_len);
	out[*len_r] = '\0';
	return out;
}

/* ---- walking the tree ---- */

struct walk {
	struct mime_msg *msg;
	struct sbuf plain, html;	/* UTF-8 text of the inline parts seen so far */
	int nplain, nhtml;
	size_t att_cap;
	int oom;
};

static void walk(struct walk *w, const char *buf, size_t len, int depth, int in_alt);

static void add_text(struct walk *w, struct sbuf *dst, int *count, const struct part *pt)
{
	size_t n, un;
	char *raw = part_decode(pt, &n), *utf = NULL;

	if (raw == NULL || (utf = mime_to_utf8(pt->charset, raw, n, &un)) == NULL) {
		w->oom = 1;
	} else {
		if (dst->len > 0)
			mime_sbuf_addc(dst, '\n');
		mime_sbuf_add(dst, utf, un);
		(*count)++;
	}
	free(raw);
	free(utf);
}

static void add_attachment(struct walk *w, const struct part *pt)
{
	struct mime_msg *m = w->msg;
	struct mime_attachment *a;
	char *raw;

	if (m->natt == w->att_cap) {
		size_t cap = w->att_cap ? w->att_cap * 2 : 4;

		if ((a = realloc(m->att, cap * sizeof *a)) == NULL) {
			w->oom = 1;
			return;
		}
		m->att = a, w->att_cap = cap;
	}
	a = &m->att[m->natt];
	memset(a, 0, sizeof *a);
	m->natt++;
	raw = part_decode(pt, &a->size);
	a->type = mime_dup_mem(pt->type, strlen(pt->type), NULL);
	if (pt->filename != NULL)
		a->filename = mime_dup_mem(pt->filename, strlen(pt->filename), NULL);
	if (raw == NULL || a->type == NULL || (pt->filename != NULL && a->filename == NULL))
		w->oom = 1;
	free(raw);
}

/* Inside multipart/alternative only the first text/plain (or text/html) counts. */
static void walk_leaf(struct walk *w, const struct part *pt, int in_alt)
{
	int plain = strcmp(pt->type, "text/plain") == 0;
	int html = strcmp(pt->type, "text/html") == 0;

	if (pt->attachment || (!plain && !html))
		add_attachment(w, pt);
	else if (plain && !(in_alt && w->nplain > 0))
		add_text(w, &w->plain, &w->nplain, pt);
	else if (html && !(in_alt && w->nhtml > 0))
		add_text(w, &w->html, &w->nhtml, pt);
}

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

/* Walk the parts; returns 0 when no boundary line was found at all. */
static int walk_parts(struct walk *w, const struct part *pt, int depth, int alt)
{
	const char *s = pt->body, *end = s + pt->body_len, *part = NULL, *next;
	int kind, found = 0;

	for (; s < end; s = next) {
		next = memchr(s, '\n', (size_t)(end - s));
		next = next != NULL ? next + 1 : end;
		if ((kind = boundary_kind(s, (size_t)(next - s), pt->boundary)) == 0)
			continue;
		if (part != NULL)
			walk(w, part, part_len(part, s), depth + 1, alt);
		if (kind == 2)
			return 1;	/* the epilogue is ignored */
		part = next, found = 1;
	}
	/* No closing boundary: the input was cut (TOP) or broken; keep what arrived. */
	if (part != NULL) {
		walk(w, part, (size_t)(end - part), depth + 1, alt);
		w->msg->truncated = 1;
	}
	return found;
}

static void walk(struct walk *w, const char *buf, size_t len, int depth, int in_alt)
{
	struct part pt;

	if (part_read(buf, len, &pt) == -1) {
		w->oom = 1;
	} else if (strncmp(pt.type, "multipart/", 10) != 0) {
		walk_leaf(w, &pt, in_alt);
	} else if (depth < MIME_MAX_DEPTH) {
		int alt = strcmp(pt.type, "multipart/alternative") == 0;

		/* Without a usable boundary the body is shown as it is rather than not at all. */
		if (pt.boundary == NULL || pt.boundary[0] == '\0' || !walk_parts(w, &pt, depth, alt)) {
			strcpy(pt.type, "text/plain");
			walk_leaf(w, &pt, 0);
		}
	}
	part_free(&pt);
}

/* ---- the message ---- */

static int read_headers(struct mime_msg *m, const char *h, size_t hlen)
{
	static const char *const names[] = { "From", "To", "Cc", "Subject", "Date", "Message-ID" };
	char **fields[] = { &m->from, &m->to, &m->cc, &m->subject, &m->date, &m->message_id };
	const char *v;
	size_t i, vlen;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		v = header_get(h, hlen, names[i], &vlen);
		*fields[i] = v != NULL ? mime_decode_header(v, vlen) : mime_dup_mem("", 0, NULL);
		if (*fields[i] == NULL)
			return -1;
	}
	return 0;
}

static int has_text(const struct sbuf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (!isspace((unsigned char)b->p[i]))
			return 1;
	return 0;
}

/* text/plain unless it is empty and there is HTML; then made safe for the terminal. */
static int choose_body(struct walk *w)
{
	struct mime_msg *m = w->msg;
	char *text;
	size_t n;

	if (has_text(&w->plain) || w->nhtml == 0) {
		m->body = mime_sanitize(w->plain.p, w->plain.len, &m->body_len);
	} else {
		if ((text = mime_html_to_text(w->html.p, w->html.len, &n)) == NULL)
			return -1;
		m->body = mime_sanitize(text, n, &m->body_len);
		free(text);
	}
	return m->body == NULL ? -1 : 0;
}

int mime_parse(const char *buf, size_t len, struct mime_msg **msg_r)
{
	struct walk w;
	size_t hlen;
	int ret = -1;

	*msg_r = NULL;
	memset(&w, 0, sizeof w);
	if ((w.msg = calloc(1, sizeof *w.msg)) == NULL)
		return -1;
	split_entity(buf, len, &hlen);
	if (read_headers(w.msg, buf, hlen) == -1)
		goto out;
	walk(&w, buf, len, 0, 0);
	if (w.oom || w.plain.oom || w.html.oom || choose_body(&w) == -1)
		goto out;
	*msg_r = w.msg;
	w.msg = NULL;
	ret = 0;
out:
	free(w.plain.p);
	free(w.html.p);
	mime_free(w.msg);
	return ret;
}

void mime_free(struct mime_msg *msg)
{
	size_t i;

	if (msg == NULL)
		return;
	free(msg->from);
	free(msg->to);
	free(msg->cc);
	free(msg->subject);
	free(msg->date);
	free(msg->message_id);
	free(msg->body);
	for (i = 0; i < msg->natt; i++) {
		free(msg->att[i].filename);
		free(msg->att[i].type);
	}
	free(msg->att);
	free(msg);
}
