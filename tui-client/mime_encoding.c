/* MIME encodings: quoted-printable, base64, RFC 2047 encoded words, RFC 2045/2231 parameters. */
#include "mime.h"
#include "mime_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- transfer encodings ---- */

int mime_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex_pair(const char *s, size_t avail)
{
	if (avail < 2 || mime_hexval(s[0]) < 0 || mime_hexval(s[1]) < 0)
		return -1;
	return mime_hexval(s[0]) * 16 + mime_hexval(s[1]);
}

/* Length of a soft line break at the '=' in[i] (blanks, then CRLF, LF or the end), or 0. */
static size_t qp_soft_break(const char *in, size_t len, size_t i)
{
	size_t j = i + 1;

	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		j++;
	if (j == len)
		return j - i;
	if (in[j] == '\n')
		return j + 1 - i;
	if (in[j] == '\r' && (j + 1 == len || in[j + 1] == '\n'))
		return (j + 1 == len ? j + 1 : j + 2) - i;
	return 0;
}

size_t mime_decode_qp(const char *in, size_t len, char *out)
{
	size_t i = 0, o = 0, k;
	int v;

	while (i < len) {
		if (in[i] != '=') {
			out[o++] = in[i++];
		} else if ((k = qp_soft_break(in, len, i)) > 0) {
			i += k;
		} else if ((v = hex_pair(in + i + 1, len - i - 1)) >= 0) {
			out[o++] = (char)v;
			i += 3;
		} else {
			out[o++] = in[i++];	/* an invalid escape is kept as it is */
		}
	}
	return o;
}

/* RFC 2047 "Q": like quoted-printable, with '_' for a space and no line breaks. */
static size_t q_decode(const char *in, size_t len, char *out)
{
	size_t i, o = 0;
	int v;

	for (i = 0; i < len; i++) {
		if (in[i] == '_')
			out[o++] = ' ';
		else if (in[i] == '=' && (v = hex_pair(in + i + 1, len - i - 1)) >= 0)
			out[o++] = (char)v, i += 2;
		else
			out[o++] = in[i];
	}
	return o;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	return c == '/' ? 63 : -1;
}

/* The bytes of an incomplete group of n sextets (padding missing or a chunk ended early). */
static size_t b64_flush(unsigned long acc, int n, char *out)
{
	if (n == 2) {
		out[0] = (char)((acc >> 4) & 0xFF);
		return 1;
	}
	if (n == 3) {
		out[0] = (char)((acc >> 10) & 0xFF);
		out[1] = (char)((acc >> 2) & 0xFF);
		return 2;
	}
	return 0;
}

size_t mime_decode_base64(const char *in, size_t len, char *out)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int n = 0, v;

	for (i = 0; i < len; i++) {
		if (in[i] == '=') {
			o += b64_flush(acc, n, out + o);
			acc = 0, n = 0;
		} else if ((v = b64val((unsigned char)in[i])) >= 0) {
			acc = acc << 6 | (unsigned long)v;
			if (++n == 4) {
				out[o++] = (char)((acc >> 16) & 0xFF);
				out[o++] = (char)((acc >> 8) & 0xFF);
				out[o++] = (char)(acc & 0xFF);
				acc = 0, n = 0;
			}
		}
	}
	return o + b64_flush(acc, n, out + o);
}

/* ---- RFC 2047 header decoding ---- */

struct eword {
	const char *cs, *text;
	size_t cslen, tlen;
	int enc;	/* 'Q' or 'B' */
};

struct hdec {
	struct sbuf out;
	struct sbuf pend;		/* decoded bytes of adjacent words, not yet converted */
	char cs[MIME_CHARSET_MAX];	/* the charset of those bytes */
};

/* Parse "=?charset?Q?text?=" at s; returns its length, or 0 when s holds no encoded word. */
static size_t ew_parse(const char *s, size_t n, struct eword *w)
{
	size_t i = 2;

	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	while (i < n && s[i] != '?' && !isspace((unsigned char)s[i]))
		i++;
	if (i + 2 >= n || i == 2 || i - 2 >= MIME_CHARSET_MAX || s[i + 2] != '?')
		return 0;
	w->cs = s + 2, w->cslen = i - 2;
	w->enc = toupper((unsigned char)s[i + 1]);
	if (w->enc != 'Q' && w->enc != 'B')
		return 0;
	w->text = s + i + 3;
	for (i += 3; i + 1 < n && !(s[i] == '?' && s[i + 1] == '='); i++)
		if (isspace((unsigned char)s[i]) || i > MIME_WORD_MAX)
			return 0;
	if (i + 1 >= n)
		return 0;
	w->tlen = (size_t)(s + i - w->text);
	return i + 2;
}

static void hdec_flush_words(struct hdec *h)
{
	size_t n;
	char *utf;

	h->out.oom |= h->pend.oom;
	if (h->pend.len == 0)
		return;
	utf = mime_to_utf8(h->cs, h->pend.p, h->pend.len, &n);
	if (utf == NULL)
		h->out.oom = 1;
	else
		mime_sbuf_add(&h->out, utf, n);
	free(utf);
	h->pend.len = 0;
}

/* Words in one charset are converted together: a character may be split between two B words. */
static void hdec_word(struct hdec *h, const struct eword *w)
{
	char *tmp = malloc(w->tlen + 1);
	size_t n;

	if (tmp == NULL) {
		h->out.oom = 1;
		return;
	}
	n = w->enc == 'B' ? mime_decode_base64(w->text, w->tlen, tmp) : q_decode(w->text, w->tlen, tmp);
	if (strlen(h->cs) != w->cslen || strncasecmp(h->cs, w->cs, w->cslen) != 0) {
		hdec_flush_words(h);
		memcpy(h->cs, w->cs, w->cslen);
		h->cs[w->cslen] = '\0';
	}
	mime_sbuf_add(&h->pend, tmp, n);
	free(tmp);
}

/* Plain text between words has no charset: bytes that are not UTF-8 are taken as windows-1252. */
static void hdec_plain(struct hdec *h, const char *s, size_t n)
{
	size_t un;
	char *utf;

	if (n == 0)
		return;
	hdec_flush_words(h);
	utf = mime_to_utf8(NULL, s, n, &un);
	if (utf == NULL)
		h->out.oom = 1;
	else
		mime_sbuf_add(&h->out, utf, un);
	free(utf);
}

static int only_blanks(const char *s, size_t n)
{
	return strspn(s, " \t") >= n;
}

static void hdec_run(struct hdec *h, const char *s, size_t n)
{
	size_t i = 0, plain = 0, k;
	struct eword w;
	int after_word = 0;

	while (i < n) {
		if (s[i] != '=' || (k = ew_parse(s + i, n - i, &w)) == 0) {
			i++;
			continue;
		}
		/* Blanks between two encoded words are dropped (RFC 2047 section 6.2). */
		if (!after_word || !only_blanks(s + plain, i - plain))
			hdec_plain(h, s + plain, i - plain);
		hdec_word(h, &w);
		after_word = 1;
		i += k;
		plain = i;
	}
	hdec_plain(h, s + plain, n - plain);
	hdec_flush_words(h);
}

/* A copy without CR and LF: unfolding keeps the blank that starts each continuation line. */
char *mime_unfold_dup(const char *s, size_t n, size_t *len_r)
{
	struct sbuf b = { 0 };
	size_t i;

	mime_sbuf_reserve(&b, n);
	for (i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			mime_sbuf_addc(&b, s[i]);
	return mime_sbuf_finish(&b, len_r);
}

char *mime_decode_header(const char *value, size_t len)
{
	struct hdec h;
	char *line, *res = NULL;
	size_t n;

	memset(&h, 0, sizeof h);
	line = mime_unfold_dup(value, len, &n);
	if (line == NULL)
		return NULL;
	hdec_run(&h, line, n);
	if (!h.out.oom)
		res = mime_clean_header(h.out.p, h.out.len);
	free(line);
	free(h.out.p);
	free(h.pend.p);
	return res;
}

/* ---- parameters (RFC 2045, RFC 2231) ---- */

struct param {
	const char *attr, *val;
	size_t alen, vlen;
	int quoted;
};

struct section {
	const char *val;
	size_t len;
	int quoted, ext, set;
};

/* The parameter after the next ';' in p; returns where to go on, or NULL when there is none. */
static const char *param_next(const char *p, struct param *pr)
{
	if ((p = strchr(p, ';')) == NULL)
		return NULL;
	p += 1 + strspn(p + 1, " \t");
	pr->attr = p;
	p += strcspn(p, "=;");
	for (pr->alen = (size_t)(p - pr->attr); pr->alen > 0 && isspace((unsigned char)pr->attr[pr->alen - 1]);)
		pr->alen--;
	pr->quoted = 0;
	pr->val = p, pr->vlen = 0;
	if (*p != '=')
		return p;
	p += 1 + strspn(p + 1, " \t");
	if (*p == '"') {
		pr->quoted = 1;
		for (pr->val = ++p; *p != '\0' && *p != '"'; p++)
			if (*p == '\\' && p[1] != '\0')
				p++;
		pr->vlen = (size_t)(p - pr->val);
		return *p == '"' ? p + 1 : p;
	}
	pr->val = p;
	p += strcspn(p, ";");
	for (pr->vlen = (size_t)(p - pr->val); pr->vlen > 0 && isspace((unsigned char)pr->val[pr->vlen - 1]);)
		pr->vlen--;
	return p;
}

/* 1 for "name", 2 for an RFC 2231 section "name*", "name*N" or "name*N*" (stored), else 0. */
static int param_match(const struct param *pr, const char *name, struct section *sec)
{
	size_t n = strlen(name), idx = 0;
	const char *a = pr->attr + n, *end = pr->attr + pr->alen;
	int ext = 0;

	if (pr->alen < n || strncasecmp(pr->attr, name, n) != 0)
		return 0;
	if (a == end)
		return 1;
	if (*a++ != '*')
		return 0;
	for (; a < end && isdigit((unsigned char)*a); a++)
		if ((idx = idx * 10 + (size_t)(*a - '0')) >= MIME_MAX_SECTIONS)
			return 0;
	if (a < end && *a == '*')
		a++, ext = 1;
	if (a != end)
		return 0;
	ext |= a == pr->attr + n + 1;	/* plain "name*=" */
	sec[idx] = (struct section){ pr->val, pr->vlen, pr->quoted, ext, 1 };
	return 2;
}

/* Append a section's bytes: backslash escapes of quoted strings, %XX of extended values. */
static void section_add(struct sbuf *b, const char *s, size_t n, int quoted, int ext)
{
	size_t i;
	int v;

	for (i = 0; i < n; i++) {
		if (quoted && s[i] == '\\' && i + 1 < n)
			mime_sbuf_addc(b, s[++i]);
		else if (ext && s[i] == '%' && (v = hex_pair(s + i + 1, n - i - 1)) >= 0)
			mime_sbuf_addc(b, (char)v), i += 2;
		else
			mime_sbuf_addc(b, s[i]);
	}
}

/* Take "charset'language'" off the front of an extended value. */
static void section_charset(const char **s, size_t *n, char *cs, size_t size)
{
	const char *q1 = memchr(*s, '\'', *n), *q2;

	if (q1 == NULL || (q2 = memchr(q1 + 1, '\'', *n - (size_t)(q1 + 1 - *s))) == NULL)
		return;
	if ((size_t)(q1 - *s) < size) {
		memcpy(cs, *s, (size_t)(q1 - *s));
		cs[q1 - *s] = '\0';
	}
	*n -= (size_t)(q2 + 1 - *s);
	*s = q2 + 1;
}

static int param_join(const struct section *sec, char **val_r)
{
	struct sbuf raw = { 0 };
	char cs[MIME_CHARSET_MAX] = "";
	size_t i, n;
	char *utf;

	for (i = 0; i < MIME_MAX_SECTIONS && sec[i].set; i++) {
		const char *s = sec[i].val;

		n = sec[i].len;
		if (i == 0 && sec[0].ext)
			section_charset(&s, &n, cs, sizeof cs);
		section_add(&raw, s, n, sec[i].quoted, sec[i].ext);
	}
	utf = raw.oom ? NULL : mime_to_utf8(cs[0] != '\0' ? cs : NULL, raw.p, raw.len, &n);
	*val_r = utf != NULL ? mime_clean_header(utf, n) : NULL;
	free(utf);
	free(raw.p);
	return *val_r == NULL ? -1 : 0;
}

static int param_plain(const struct param *pr, int decode, char **val_r)
{
	struct sbuf raw = { 0 };

	section_add(&raw, pr->val, pr->vlen, pr->quoted, 0);
	if (mime_sbuf_finish(&raw, NULL) == NULL)
		return -1;
	/* Many mailers put RFC 2047 words in a quoted filename, against the RFC: accept them. */
	*val_r = decode ? mime_decode_header(raw.p, raw.len) : raw.p;
	if (decode)
		free(raw.p);
	return *val_r == NULL ? -1 : 0;
}

/* The value of parameter name in a field value; *val_r is NULL when absent.  -1 when out of memory. */
int mime_param_get(const char *v, const char *name, int decode, char **val_r)
{
	struct section sec[MIME_MAX_SECTIONS];
	struct param pr, plain;
	int have_plain = 0, have_ext = 0, k;

	*val_r = NULL;
	memset(sec, 0, sizeof sec);
	memset(&plain, 0, sizeof plain);
	while ((v = param_next(v, &pr)) != NULL) {
		k = param_match(&pr, name, sec);
		if (k == 1 && !have_plain)
			plain = pr, have_plain = 1;
		have_ext |= k == 2;
	}
	if (have_ext)
		return param_join(sec, val_r);
	return have_plain ? param_plain(&plain, decode, val_r) : 0;
}
