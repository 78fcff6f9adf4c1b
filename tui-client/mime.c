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

static int parse_cte(const char *h, size_t hlen)
{
	size_t vlen;
	const char *v = header_get(h, hlen, "Content-Transfer-Encoding", &vlen);

	if (v == NULL)
		return MIME_ENC_IDENTITY;
	while (vlen > 0 && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	if (vlen >= 16 && strncasecmp(v, "quoted-printable", 16) == 0)
		return MIME_ENC_QP;
	if (vlen >= 6 && strncasecmp(v, "base64", 6) == 0)
		return MIME_ENC_BASE64;
	return MIME_ENC_IDENTITY;	/* 7bit, 8bit, binary, and anything unknown */
}

void mime_entity_free(struct mime_entity *e)
{
	free(e->charset);
	free(e->boundary);
	free(e->filename);
}

/* format=flowed and delsp=yes, both case-insensitive (RFC 3676). */
static int param_is(const char *ct, const char *name, const char *want, int *is_r)
{
	char *v;

	if (mime_param_get(ct, name, 0, &v) == -1)
		return -1;
	*is_r = v != NULL && strcasecmp(v, want) == 0;
	free(v);
	return 0;
}

int mime_entity_read(const char *buf, size_t len, struct mime_entity *e)
{
	size_t hlen, off = split_entity(buf, len, &hlen);
	char *ct = NULL, *cd = NULL;
	int ret = -1;

	memset(e, 0, sizeof *e);
	e->head = buf, e->head_len = hlen;
	e->body = buf + off, e->body_len = len - off;
	e->encoding = parse_cte(buf, hlen);
	if (field_dup(buf, hlen, "Content-Type", &ct) == -1 ||
	    field_dup(buf, hlen, "Content-Disposition", &cd) == -1)
		goto out;
	parse_type(ct, e->type, sizeof e->type);
	e->attachment = strncasecmp(cd + strspn(cd, " \t"), "attachment", 10) == 0;
	if (mime_param_get(ct, "charset", 0, &e->charset) == -1 ||
	    mime_param_get(ct, "boundary", 0, &e->boundary) == -1 ||
	    mime_param_get(cd, "filename", 1, &e->filename) == -1 ||
	    param_is(ct, "format", "flowed", &e->flowed) == -1 || param_is(ct, "delsp", "yes", &e->delsp) == -1)
		goto out;
	if (e->filename == NULL && mime_param_get(ct, "name", 1, &e->filename) == -1)
		goto out;
	ret = 0;
out:
	if (ret == -1)
		mime_entity_free(e);
	free(ct);
	free(cd);
	return ret;
}

char *mime_decode_body(const char *body, size_t len, int encoding, size_t *len_r)
{
	char *out = malloc(len + 1);

	if (out == NULL)
		return NULL;
	if (encoding == MIME_ENC_QP)
		*len_r = mime_decode_qp(body, len, out);
	else if (encoding == MIME_ENC_BASE64)
		*len_r = mime_decode_base64(body, len, out);
	else
		*len_r = len, memcpy(out, body, len);
	out[*len_r] = '\0';
	return out;
}

char *mime_entity_field(const struct mime_entity *e, const char *name)
{
	size_t vlen;
	const char *v = header_get(e->head, e->head_len, name, &vlen);

	return v != NULL ? mime_decode_header(v, vlen) : mime_dup_mem("", 0, NULL);
}

char *mime_entity_raw(const struct mime_entity *e, const char *name)
{
	size_t vlen;
	const char *v = header_get(e->head, e->head_len, name, &vlen);

	return v != NULL ? mime_unfold_dup(v, vlen, NULL) : mime_dup_mem("", 0, NULL);
}

int mime_part_data(const struct mime_part *p, const char *buf, char **data_r, size_t *len_r)
{
	*data_r = mime_decode_body(buf + p->off, p->len, p->encoding, len_r);
	return *data_r == NULL ? -1 : 0;
}

/* ---- the message ---- */

static int read_headers(struct mime_msg *m, const struct mime_entity *e)
{
	static const char *const names[] = { "From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
					     "References" };
	char **fields[] = { &m->from, &m->to, &m->cc, &m->subject, &m->date, &m->message_id, &m->in_reply_to,
			    &m->references };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((*fields[i] = mime_entity_field(e, names[i])) == NULL)
			return -1;
	return 0;
}

int mime_parse_opts(const char *buf, size_t len, const struct mime_opts *o, struct mime_msg **msg_r)
{
	static const struct mime_opts none;
	struct mime_msg *m;
	struct mime_entity e;
	int ret = -1;

	*msg_r = NULL;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return -1;
	if (mime_entity_read(buf, len, &e) == -1)
		goto out;
	ret = read_headers(m, &e);
	mime_entity_free(&e);
	if (ret == 0)
		ret = mime_walk_message(m, buf, len, o != NULL ? o : &none);
out:
	if (ret == 0)
		*msg_r = m;
	else
		mime_free(m);
	return ret;
}

int mime_parse(const char *buf, size_t len, struct mime_msg **msg_r)
{
	return mime_parse_opts(buf, len, NULL, msg_r);
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
	free(msg->in_reply_to);
	free(msg->references);
	free(msg->body);
	for (i = 0; i < msg->nparts; i++) {
		free(msg->parts[i].filename);
		free(msg->parts[i].type);
		free(msg->parts[i].charset);
	}
	free(msg->parts);
	free(msg);
}
