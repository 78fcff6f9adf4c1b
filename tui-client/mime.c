/* MIME decoding for display: RFC 2047/2231 headers, QP and base64, charsets via iconv, multipart walking. */
#include "mime.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Multipart nesting deeper than this is not walked: real mail stays far below, and it bounds the stack. */
#define MIME_MAX_DEPTH 32
/* RFC 2231 parameter sections beyond this many are ignored. */
#define MIME_MAX_SECTIONS 64
/* Longest charset name taken (the longest IANA name has 45 characters). */
#define MIME_CHARSET_MAX 64
/* Longest encoded word taken (RFC 2047 allows 75; broken mailers write longer ones). */
#define MIME_WORD_MAX 4096
/* U+FFFD REPLACEMENT CHARACTER, in UTF-8. */
#define REPLACEMENT "\xef\xbf\xbd"

/* ---- growable strings: an allocation failure sets oom, and later appends do nothing ---- */

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

static int sbuf_reserve(struct sbuf *b, size_t extra)
{
	size_t cap;
	char *np;

	if (b->oom)
		return -1;
	if (extra > SIZE_MAX / 4 - b->len) {
		b->oom = 1;
		return -1;
	}
	if (b->len + extra + 1 <= b->cap)
		return 0;
	for (cap = b->cap ? b->cap : 64; cap < b->len + extra + 1; cap *= 2)
		;
	np = realloc(b->p, cap);
	if (np == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = np;
	b->cap = cap;
	return 0;
}

static void sbuf_add(struct sbuf *b, const void *s, size_t n)
{
	if (n == 0 || sbuf_reserve(b, n) == -1)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sbuf_addc(struct sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

/* Hand the NUL-terminated string over (never NULL unless out of memory, when it is freed). */
static char *sbuf_finish(struct sbuf *b, size_t *len_r)
{
	if (sbuf_reserve(b, 0) == -1) {
		free(b->p);
		b->p = NULL;
		return NULL;
	}
	b->p[b->len] = '\0';
	if (len_r != NULL)
		*len_r = b->len;
	return b->p;
}

static char *dup_mem(const char *s, size_t n, size_t *len_r)
{
	struct sbuf b = { 0 };

	sbuf_add(&b, s, n);
	return sbuf_finish(&b, len_r);
}

/* ---- UTF-8 ---- */

/* Encode a code point; invalid ones (NUL, surrogates, beyond U+10FFFF) become U+FFFD. */
static size_t utf8_put(unsigned long cp, char *u)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		memcpy(u, REPLACEMENT, 3);
		return 3;
	}
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (char)(0xF0 | cp >> 18);
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	u[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0 when it is invalid or cut. */
static size_t utf8_len(const unsigned char *s, size_t n, unsigned long *cp_r)
{
	size_t need, i;
	unsigned long cp;

	if (s[0] < 0x80) {
		*cp_r = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		need = 2, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		need = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		need = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*cp_r = cp;
	return need;
}

static int utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, k;

	for (; i < n; i += k)
		if ((k = utf8_len(u + i, n - i, &cp)) == 0)
			return 0;
	return 1;
}

/* ---- terminal safety ---- */

/* Length of the escape sequence at s[0] == ESC: a CSI, a string (OSC, DCS...) or ESC plus one byte. */
static size_t escape_len(const unsigned char *s, size_t n)
{
	size_t i;

	if (n < 2)
		return 1;
	if (s[1] == '[') {
		for (i = 2; i < n && s[i] >= 0x20 && s[i] <= 0x3F; i++)
			;
		return i < n && s[i] >= 0x40 && s[i] <= 0x7E ? i + 1 : i;
	}
	if (s[1] == ']' || s[1] == 'P' || s[1] == '_' || s[1] == '^') {
		for (i = 2; i < n && s[i] != 0x07 && s[i] != 0x1B && s[i] != '\n'; i++)
			;
		if (i + 1 < n && s[i] == 0x1B && s[i + 1] == '\\')
			return i + 2;
		return i < n && s[i] == 0x07 ? i + 1 : i;
	}
	return s[1] >= 0x20 && s[1] < 0x7F ? 2 : 1;
}

/* C0 and C1 controls, DEL, and the bidi overrides that can make a name read backwards. */
static int unsafe_cp(unsigned long cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Replace controls and bad UTF-8; in a header, LF and TAB become spaces too. */
static char *sanitize(const char *in, size_t len, int header, size_t *len_r)
{
	const unsigned char *s = (const unsigned char *)in;
	struct sbuf b = { 0 };
	unsigned long cp;
	size_t i = 0, k;

	sbuf_reserve(&b, len);
	while (i < len) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			k = 1;
		else if (s[i] == '\n' || s[i] == '\t')
			sbuf_addc(&b, header ? ' ' : (char)s[i]), k = 1;
		else if (s[i] == 0x1B)
			sbuf_add(&b, REPLACEMENT, 3), k = escape_len(s + i, len - i);
		else if ((k = utf8_len(s + i, len - i, &cp)) == 0 || unsafe_cp(cp))
			sbuf_add(&b, REPLACEMENT, 3), k = k ? k : 1;
		else
			sbuf_add(&b, s + i, k);
		i += k;
	}
	return sbuf_finish(&b, len_r);
}

char *mime_sanitize(const char *in, size_t len, size_t *len_r)
{
	return sanitize(in, len, 0, len_r);
}

/* A header value for display: no controls, no line breaks, no blanks at either end. */
static char *clean_header(const char *s, size_t n)
{
	size_t len, start = 0;
	char *out = sanitize(s, n, 1, &len);

	if (out == NULL)
		return NULL;
	while (len > 0 && out[len - 1] == ' ')
		len--;
	while (start < len && out[start] == ' ')
		start++;
	memmove(out, out + start, len - start);
	out[len - start] = '\0';
	return out;
}

/* ---- transfer encodings ---- */

static int hexval(int c)
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
	if (avail < 2 || hexval(s[0]) < 0 || hexval(s[1]) < 0)
		return -1;
	return hexval(s[0]) * 16 + hexval(s[1]);
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

/* ---- charsets ---- */

/* Labels iconv lacks or that mail misuses; NULL means "no real charset: sniff". */
static const struct {
	const char *label, *iconv_name;
} charset_aliases[] = {
	{ "utf8", "UTF-8" },
	/* Mail labelled Latin-1 is often windows-1252 (curly quotes in 0x80-0x9F), as WHATWG assumes. */
	{ "iso-8859-1", "WINDOWS-1252" }, { "iso8859-1", "WINDOWS-1252" },
	{ "iso_8859-1", "WINDOWS-1252" }, { "latin1", "WINDOWS-1252" },
	{ "latin-1", "WINDOWS-1252" }, { "l1", "WINDOWS-1252" }, { "cp1252", "WINDOWS-1252" },
	{ "ks_c_5601-1987", "CP949" }, { "gb2312", "GB18030" },
	{ "us-ascii", NULL }, { "ascii", NULL }, { "x-unknown", NULL }, { "unknown", NULL },
	{ "unknown-8bit", NULL }, { "x-user-defined", NULL }, { "default", NULL },
};

/* Map a MIME charset label to an iconv name; -1 when there is none and the text is to be sniffed. */
static int charset_name(const char *label, char *name_r, size_t size)
{
	size_t n, i;

	if (label == NULL)
		return -1;
	label += strspn(label, " \t\"");
	n = strcspn(label, "*\" \t;");	/* '*' starts an RFC 2231 language tag */
	if (n == 0 || n >= size)
		return -1;
	for (i = 0; i < n; i++) {
		/* Only name characters: a suffix such as "//TRANSLIT" must not reach iconv. */
		if (!isalnum((unsigned char)label[i]) && strchr("-_.:+()", label[i]) == NULL)
			return -1;
		name_r[i] = (char)tolower((unsigned char)label[i]);
	}
	name_r[n] = '\0';
	for (i = 0; i < sizeof charset_aliases / sizeof charset_aliases[0]; i++) {
		if (strcmp(name_r, charset_aliases[i].label) != 0)
			continue;
		if (charset_aliases[i].iconv_name == NULL)
			return -1;
		strcpy(name_r, charset_aliases[i].iconv_name);
	}
	return 0;
}

/* One iconv call into the free space of b; -1 with errno as iconv sets it. */
static int iconv_step(iconv_t cd, char **ip, size_t *ileft, struct sbuf *b)
{
	char *op;
	size_t oleft, r;

	if (sbuf_reserve(b, (ileft != NULL ? *ileft * 2 : 0) + 16) == -1) {
		errno = ENOMEM;
		return -1;
	}
	op = b->p + b->len;
	oleft = b->cap - b->len - 1;
	r = iconv(cd, ip, ileft, &op, &oleft);
	b->len = (size_t)(op - b->p);
	return r == (size_t)-1 ? -1 : 0;
}

static char *iconv_all(iconv_t cd, const char *in, size_t len, size_t *len_r)
{
	struct sbuf b = { 0 };
	char *ip = (char *)in;
	size_t ileft = len;

	while (ileft > 0 && !b.oom) {
		if (iconv_step(cd, &ip, &ileft, &b) == 0)
			continue;
		if (errno == E2BIG) {
			sbuf_reserve(&b, b.cap);
			continue;
		}
		/* EILSEQ, or EINVAL for a sequence cut at the end: mark it, go on after one byte. */
		sbuf_add(&b, REPLACEMENT, 3);
		ip++, ileft--;
	}
	while (!b.oom && iconv_step(cd, NULL, NULL, &b) == -1 && errno == E2BIG)
		sbuf_reserve(&b, b.cap);	/* a stateful charset's final shift sequence */
	return sbuf_finish(&b, len_r);
}

/* 0 with *out_r set, 1 when iconv does not know the charset, -1 when out of memory. */
static int convert_with(const char *name, const char *in, size_t len, char **out_r, size_t *len_r)
{
	iconv_t cd = iconv_open("UTF-8", name);

	if (cd == (iconv_t)-1)
		return errno == ENOMEM ? -1 : 1;
	*out_r = iconv_all(cd, in, len, len_r);
	iconv_close(cd);
	return *out_r == NULL ? -1 : 0;
}

/* Text of no known charset: kept when it is valid UTF-8, else read as windows-1252. */
static char *sniff_to_utf8(const char *in, size_t len, size_t *len_r)
{
	char *out = NULL;
	int r;

	if (utf8_valid(in, len))
		return dup_mem(in, len, len_r);
	r = convert_with("WINDOWS-1252", in, len, &out, len_r);
	if (r == 1)	/* no iconv module for it: at least mark the bad bytes */
		return mime_sanitize(in, len, len_r);
	return out;
}

char *mime_to_utf8(const char *charset, const char *in, size_t len, size_t *len_r)
{
	char name[MIME_CHARSET_MAX];
	char *out = NULL;
	int r;

	if (charset_name(charset, name, sizeof name) == -1)
		return sniff_to_utf8(in, len, len_r);
	r = convert_with(name, in, len, &out, len_r);
	if (r == 1)
		return sniff_to_utf8(in, len, len_r);
	return out;
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
		sbuf_add(&h->out, utf, n);
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
	sbuf_add(&h->pend, tmp, n);
	free(tmp);
}

/* Plain text between words: raw 8-bit bytes that are not UTF-8 are taken as windows-1252. */
static void hdec_plain(struct hdec *h, const char *s, size_t n)
{
	size_t un;
	char *utf;

	if (n == 0)
		return;
	hdec_flush_words(h);
	utf = sniff_to_utf8(s, n, &un);
	if (utf == NULL)
		h->out.oom = 1;
	else
		sbuf_add(&h->out, utf, un);
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
static char *unfold_dup(const char *s, size_t n, size_t *len_r)
{
	struct sbuf b = { 0 };
	size_t i;

	sbuf_reserve(&b, n);
	for (i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			sbuf_addc(&b, s[i]);
	return sbuf_finish(&b, len_r);
}

char *mime_decode_header(const char *value, size_t len)
{
	struct hdec h;
	char *line, *res = NULL;
	size_t n;

	memset(&h, 0, sizeof h);
	line = unfold_dup(value, len, &n);
	if (line == NULL)
		return NULL;
	hdec_run(&h, line, n);
	if (!h.out.oom)
		res = clean_header(h.out.p, h.out.len);
	free(line);
	free(h.out.p);
	free(h.pend.p);
	return res;
}

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

	*val_r = v != NULL ? unfold_dup(v, vlen, NULL) : dup_mem("", 0, NULL);
	return *val_r == NULL ? -1 : 0;
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
			sbuf_addc(b, s[++i]);
		else if (ext && s[i] == '%' && (v = hex_pair(s + i + 1, n - i - 1)) >= 0)
			sbuf_addc(b, (char)v), i += 2;
		else
			sbuf_addc(b, s[i]);
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
	*val_r = utf != NULL ? clean_header(utf, n) : NULL;
	free(utf);
	free(raw.p);
	return *val_r == NULL ? -1 : 0;
}

static int param_plain(const struct param *pr, int decode, char **val_r)
{
	struct sbuf raw = { 0 };

	section_add(&raw, pr->val, pr->vlen, pr->quoted, 0);
	if (sbuf_finish(&raw, NULL) == NULL)
		return -1;
	/* Many mailers put RFC 2047 words in a quoted filename, against the RFC: accept them. */
	*val_r = decode ? mime_decode_header(raw.p, raw.len) : raw.p;
	if (decode)
		free(raw.p);
	return *val_r == NULL ? -1 : 0;
}

/* The value of parameter name in a field value; *val_r is NULL when absent.  -1 when out of memory. */
static int param_get(const char *v, const char *name, int decode, char **val_r)
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
	if (param_get(ct, "charset", 0, &pt->charset) == -1 ||
	    param_get(ct, "boundary", 0, &pt->boundary) == -1 ||
	    param_get(cd, "filename", 1, &pt->filename) == -1)
		goto out;
	if (pt->filename == NULL && param_get(ct, "name", 1, &pt->filename) == -1)
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
			sbuf_addc(dst, '\n');
		sbuf_add(dst, utf, un);
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
	a->type = dup_mem(pt->type, strlen(pt->type), NULL);
	if (pt->filename != NULL)
		a->filename = dup_mem(pt->filename, strlen(pt->filename), NULL);
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

/* ---- HTML to text ---- */

struct html {
	struct sbuf b;
	int space;	/* blanks seen and not yet written */
	int nl;		/* line breaks at the end of b */
};

static const struct {
	const char *name;
	unsigned long cp;
} html_entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "nbsp", ' ' }, { "copy", 0xA9 }, { "reg", 0xAE }, { "euro", 0x20AC },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "hellip", 0x2026 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D }, { "bull", 0x2022 },
	{ "laquo", 0xAB }, { "raquo", 0xBB }, { "middot", 0xB7 }, { "deg", 0xB0 }, { "times", 0xD7 },
	{ "Auml", 0xC4 }, { "Ouml", 0xD6 }, { "Uuml", 0xDC }, { "szlig", 0xDF }, { "agrave", 0xE0 },
	{ "aacute", 0xE1 }, { "auml", 0xE4 }, { "ccedil", 0xE7 }, { "egrave", 0xE8 },
	{ "eacute", 0xE9 }, { "iacute", 0xED }, { "ntilde", 0xF1 }, { "oacute", 0xF3 },
	{ "ouml", 0xF6 }, { "uacute", 0xFA }, { "uuml", 0xFC },
};

/* Tags that break a line (1) or a paragraph (2). */
static const struct {
	const char *name;
	int nl;
} html_breaks[] = {
	{ "br", 1 }, { "p", 2 }, { "/p", 2 }, { "div", 1 }, { "/div", 1 }, { "/tr", 1 },
	{ "li", 1 }, { "hr", 1 }, { "/table", 1 }, { "/ul", 1 }, { "/ol", 1 },
	{ "blockquote", 2 }, { "/blockquote", 2 }, { "/h1", 2 }, { "/h2", 2 }, { "/h3", 2 },
	{ "/h4", 2 }, { "/h5", 2 }, { "/h6", 2 },
};

static void html_text(struct html *h, const char *s, size_t n)
{
	if (h->space && h->nl == 0 && h->b.len > 0)
		sbuf_addc(&h->b, ' ');
	h->space = 0, h->nl = 0;
	sbuf_add(&h->b, s, n);
}

static void html_break(struct html *h, int lines)
{
	h->space = 0;
	while (h->nl < lines && h->b.len > 0)
		sbuf_addc(&h->b, '\n'), h->nl++;
}

static void html_cp(struct html *h, unsigned long cp)
{
	char u[4];

	html_text(h, u, utf8_put(cp, u));
}

/* Offset just past the next pat at or after i, or len. */
static size_t skip_past(const char *s, size_t len, size_t i, const char *pat)
{
	size_t pl = strlen(pat);

	for (; i + pl <= len; i++)
		if (strncasecmp(s + i, pat, pl) == 0)
			return i + pl;
	return len;
}

/* Lower-case tag name (with a leading '/' when closing) at s[i]; returns the offset after it. */
static size_t tag_name(const char *s, size_t len, size_t i, char *name, size_t size)
{
	size_t n = 0;

	if (i < len && s[i] == '/')
		name[n++] = '/', i++;
	while (i < len && isalnum((unsigned char)s[i]) && n + 1 < size)
		name[n++] = (char)tolower((unsigned char)s[i++]);
	name[n] = '\0';
	return i;
}

static size_t html_tag(struct html *h, const char *s, size_t len, size_t i)
{
	char name[16], close[20];
	size_t j, k;

	if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0)
		return skip_past(s, len, i + 4, "-->");
	if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '?'))
		return skip_past(s, len, i + 1, ">");	/* <!DOCTYPE ...>, <?xml ...?> */
	j = tag_name(s, len, i + 1, name, sizeof name);
	if (!isalpha((unsigned char)name[name[0] == '/'])) {
		html_text(h, "<", 1);	/* "a < b": a plain '<' */
		return i + 1;
	}
	j = skip_past(s, len, j, ">");
	if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0 || strcmp(name, "title") == 0) {
		snprintf(close, sizeof close, "</%s", name);
		return skip_past(s, len, skip_past(s, len, j, close), ">");
	}
	for (k = 0; k < sizeof html_breaks / sizeof html_breaks[0]; k++)
		if (strcmp(name, html_breaks[k].name) == 0)
			html_break(h, html_breaks[k].nl);
	return j;
}

/* "&#233;" or "&#xE9;" at s[i]; returns the offset after it, or i when it is not one. */
static size_t html_numeric(struct html *h, const char *s, size_t len, size_t i)
{
	size_t j = i + 2, start;
	int hex = 0, d;
	unsigned long cp = 0;

	if (j < len && (s[j] == 'x' || s[j] == 'X'))
		hex = 1, j++;
	for (start = j; j < len && j - start < 8; j++) {
		d = hex ? hexval(s[j]) : (isdigit((unsigned char)s[j]) ? s[j] - '0' : -1);
		if (d < 0)
			break;
		cp = cp * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (j == start)
		return i;
	html_cp(h, cp);
	return j < len && s[j] == ';' ? j + 1 : j;
}

static size_t html_entity(struct html *h, const char *s, size_t len, size_t i)
{
	char name[12];
	size_t j = i + 1, n = 0, k;

	if (j < len && s[j] == '#' && (k = html_numeric(h, s, len, i)) != i)
		return k;
	while (j < len && n + 1 < sizeof name && isalnum((unsigned char)s[j]))
		name[n++] = s[j++];
	name[n] = '\0';
	for (k = 0; j < len && s[j] == ';' && k < sizeof html_entities / sizeof html_entities[0]; k++) {
		if (strcmp(name, html_entities[k].name) == 0) {
			html_cp(h, html_entities[k].cp);
			return j + 1;
		}
	}
	html_text(h, "&", 1);
	return i + 1;
}

/* Tags dropped (script and style with their contents), entities decoded, blanks collapsed. */
static char *html_to_text(const char *s, size_t len, size_t *len_r)
{
	struct html h;
	size_t i = 0;

	memset(&h, 0, sizeof h);
	while (i < len && !h.b.oom) {
		if (s[i] == '<')
			i = html_tag(&h, s, len, i);
		else if (s[i] == '&')
			i = html_entity(&h, s, len, i);
		else if (isspace((unsigned char)s[i]))
			h.space = 1, i++;
		else
			html_text(&h, s + i, 1), i++;
	}
	while (h.b.len > 0 && (h.b.p[h.b.len - 1] == '\n' || h.b.p[h.b.len - 1] == ' '))
		h.b.len--;
	return sbuf_finish(&h.b, len_r);
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
		*fields[i] = v != NULL ? mime_decode_header(v, vlen) : dup_mem("", 0, NULL);
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
		m->body = sanitize(w->plain.p, w->plain.len, 0, &m->body_len);
	} else {
		if ((text = html_to_text(w->html.p, w->html.len, &n)) == NULL)
			return -1;
		m->body = sanitize(text, n, 0, &m->body_len);
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
