/* Text into UTF-8 for the terminal: growable buffers, UTF-8 checks, iconv conversion, control removal. */
#include "mime.h"
#include "mime_int.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* U+FFFD REPLACEMENT CHARACTER, in UTF-8. */
#define REPLACEMENT "\xef\xbf\xbd"

/* ---- growable strings: an allocation failure sets oom, and later appends do nothing ---- */

int mime_sbuf_reserve(struct sbuf *b, size_t extra)
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

void mime_sbuf_add(struct sbuf *b, const void *s, size_t n)
{
	if (n == 0 || mime_sbuf_reserve(b, n) == -1)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void mime_sbuf_addc(struct sbuf *b, char c)
{
	mime_sbuf_add(b, &c, 1);
}

/* Hand the NUL-terminated string over (never NULL unless out of memory, when it is freed). */
char *mime_sbuf_finish(struct sbuf *b, size_t *len_r)
{
	if (mime_sbuf_reserve(b, 0) == -1) {
		free(b->p);
		b->p = NULL;
		return NULL;
	}
	b->p[b->len] = '\0';
	if (len_r != NULL)
		*len_r = b->len;
	return b->p;
}

char *mime_dup_mem(const char *s, size_t n, size_t *len_r)
{
	struct sbuf b = { 0 };

	mime_sbuf_add(&b, s, n);
	return mime_sbuf_finish(&b, len_r);
}

/* ---- UTF-8 ---- */

/* Encode a code point; invalid ones (NUL, surrogates, beyond U+10FFFF) become U+FFFD. */
size_t mime_utf8_put(unsigned long cp, char *u)
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

	mime_sbuf_reserve(&b, len);
	while (i < len) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			k = 1;
		else if (s[i] == '\n' || s[i] == '\t')
			mime_sbuf_addc(&b, header ? ' ' : (char)s[i]), k = 1;
		else if (s[i] == 0x1B)
			mime_sbuf_add(&b, REPLACEMENT, 3), k = escape_len(s + i, len - i);
		else if ((k = utf8_len(s + i, len - i, &cp)) == 0 || unsafe_cp(cp))
			mime_sbuf_add(&b, REPLACEMENT, 3), k = k ? k : 1;
		else
			mime_sbuf_add(&b, s + i, k);
		i += k;
	}
	return mime_sbuf_finish(&b, len_r);
}

char *mime_sanitize(const char *in, size_t len, size_t *len_r)
{
	return sanitize(in, len, 0, len_r);
}

/* A header value for display: no controls, no line breaks, no blanks at either end. */
char *mime_clean_header(const char *s, size_t n)
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

	if (mime_sbuf_reserve(b, (ileft != NULL ? *ileft * 2 : 0) + 16) == -1) {
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
			mime_sbuf_reserve(&b, b.cap);
			continue;
		}
		/* EILSEQ, or EINVAL for a sequence cut at the end: mark it, go on after one byte. */
		mime_sbuf_add(&b, REPLACEMENT, 3);
		ip++, ileft--;
	}
	while (!b.oom && iconv_step(cd, NULL, NULL, &b) == -1 && errno == E2BIG)
		mime_sbuf_reserve(&b, b.cap);	/* a stateful charset's final shift sequence */
	return mime_sbuf_finish(&b, len_r);
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
		return mime_dup_mem(in, len, len_r);
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
