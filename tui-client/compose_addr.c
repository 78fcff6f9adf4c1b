/* Addresses of replies: reading address headers (RFC 5322 s. 3.4), writing them back, RFC 2047 words. */
#include "compose.h"

#include "mime.h"
#include "mime_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- reading ---- */

/* Skip a comment starting at s[i] == '(' (nested, with quoted pairs); the index after it. */
static size_t skip_comment(const char *s, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return n;
}

/* Skip a quoted string starting at s[i] == '"'; the index after it. */
static size_t skip_quoted(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

/* The end of the element starting at i: a comma or semicolon outside quotes, comments, <>. */
static size_t element_end(const char *s, size_t n, size_t i, size_t *colon_r)
{
	int angle = 0;

	*colon_r = (size_t)-1;
	while (i < n) {
		if (s[i] == '"')
			i = skip_quoted(s, n, i);
		else if (s[i] == '(')
			i = skip_comment(s, n, i);
		else if (s[i] == '<')
			angle = 1, i++;
		else if (s[i] == '>')
			angle = 0, i++;
		else if (!angle && (s[i] == ',' || s[i] == ';'))
			return i;
		else if (!angle && s[i] == ':' && *colon_r == (size_t)-1)
			*colon_r = i++;	/* a group's name ends here */
		else
			i++;
	}
	return n;
}

/*
 * Copy s[0..n) into b as a phrase: quotes removed (pairs unescaped), comments dropped or
 * (keep_comment) taken as the text, blanks collapsed.
 */
static void phrase(struct sbuf *b, const char *s, size_t n, int keep_comment)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || (s[i] == '(' && keep_comment)) {
			char close = s[i] == '"' ? '"' : ')';

			for (i++; i < n && s[i] != close; i++) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				mime_sbuf_addc(b, s[i]);
			}
		} else if (s[i] == '(') {
			i = skip_comment(s, n, i) - 1;
		} else if (s[i] == ' ' || s[i] == '\t') {
			if (b->len > 0 && b->p[b->len - 1] != ' ')
				mime_sbuf_addc(b, ' ');
		} else {
			mime_sbuf_addc(b, s[i]);
		}
	}
	while (b->len > 0 && b->p[b->len - 1] == ' ')
		b->p[--b->len] = '\0';
}

/* Copy an addr-spec without comments and blanks (quoted local parts kept as they are). */
static void addr_spec(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '(') {
			i = skip_comment(s, n, i) - 1;
		} else if (s[i] == '"') {
			size_t e = skip_quoted(s, n, i);

			mime_sbuf_add(b, s + i, e - i);
			i = e - 1;
		} else if ((unsigned char)s[i] > ' ') {
			mime_sbuf_addc(b, s[i]);
		}
	}
}

/* One element s[0..n): "Name <addr>", "addr (Name)" or "addr". */
static int parse_element(const char *s, size_t n, struct compose_addrs *a)
{
	struct sbuf name = { 0 }, addr = { 0 };
	const char *lt = NULL;
	int r = -1;

	for (size_t i = 0; i < n && lt == NULL; i++)
		if (s[i] == '"')
			i = skip_quoted(s, n, i) - 1;
		else if (s[i] == '(')
			i = skip_comment(s, n, i) - 1;
		else if (s[i] == '<')
			lt = s + i;
	if (lt != NULL) {
		const char *gt = memchr(lt, '>', n - (size_t)(lt - s));
		const char *end = gt != NULL ? gt : s + n, *route = memchr(lt, ':', (size_t)(end - lt));

		phrase(&name, s, (size_t)(lt - s), 0);
		lt = route != NULL ? route : lt;	/* an obsolete route "<@a,@b:x@y>" is dropped */
		addr_spec(&addr, lt + 1, (size_t)(end - lt - 1));
	} else {
		addr_spec(&addr, s, n);
		for (size_t i = 0; i < n; i++)
			if (s[i] == '(') {
				phrase(&name, s + i, skip_comment(s, n, i) - i, 1);
				break;
			}
	}
	char *dec = mime_decode_header(name.p ? name.p : "", name.len);

	if (!name.oom && !addr.oom && dec != NULL)
		r = addr.len == 0 ? 0 : compose_addrs_add(a, dec, addr.p);
	free(dec);
	free(name.p);
	free(addr.p);
	return r;
}

int compose_addrs_parse(const char *value, struct compose_addrs *a)
{
	size_t n = strlen(value), colon;

	for (size_t i = 0; i < n;) {
		size_t e = element_end(value, n, i, &colon);
		size_t start = colon != (size_t)-1 ? colon + 1 : i;

		if (parse_element(value + start, e - start, a) < 0)
			return -1;
		i = e + 1;
	}
	return 0;
}

int compose_addrs_has(const struct compose_addrs *a, const char *addr)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcasecmp(a->v[i].addr, addr) == 0)
			return 1;
	return 0;
}

int compose_addrs_add(struct compose_addrs *a, const char *name, const char *addr)
{
	if (compose_addrs_has(a, addr))
		return 0;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		struct compose_addr *v = realloc(a->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		a->v = v, a->cap = cap;
	}
	struct compose_addr *e = &a->v[a->n];

	e->name = strdup(name);
	e->addr = strdup(addr);
	if (e->name == NULL || e->addr == NULL) {
		free(e->name);
		free(e->addr);
		return -1;
	}
	a->n++;
	return 0;
}

void compose_addrs_free(struct compose_addrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].addr);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* ---- writing ---- */

static int is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s > '~')
			return 0;
	return 1;
}

static void base64(struct sbuf *b, const unsigned char *s, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)s[i] << 16 | (i + 1 < n ? (unsigned long)s[i + 1] << 8 : 0) |
				  (i + 2 < n ? s[i + 2] : 0);
		char q[4] = { tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
			      i + 2 < n ? tab[v & 63] : '=' };

		mime_sbuf_add(b, q, 4);
	}
}

/* Octets of s (at most max) that end on a character boundary; at least one character. */
static size_t chunk(const char *s, size_t max)
{
	size_t n = strlen(s), k;

	if (n <= max)
		return n;
	for (k = max; k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80; k--)
		;
	if (k == 0)	/* no boundary within max: take one whole character */
		for (k = 1; ((unsigned char)s[k] & 0xc0) == 0x80; k++)
			;
	return k;
}

char *compose_encode_words(const char *text, size_t col)
{
	struct sbuf b = { 0 };

	if (is_ascii(text))
		return mime_dup_mem(text, strlen(text), NULL);
	/* The first word shares its line with the header name: fewer octets when that is long. */
	size_t room = col + 12 < 76 ? (76 - col - 12) / 4 * 3 : 3;
	size_t max = room < COMPOSE_WORD_OCTETS ? room : COMPOSE_WORD_OCTETS;

	while (*text != '\0') {
		size_t k = chunk(text, max);

		if (b.len > 0)
			mime_sbuf_add(&b, "\n ", 2);
		mime_sbuf_add(&b, "=?UTF-8?B?", 10);
		base64(&b, (const unsigned char *)text, k);
		mime_sbuf_add(&b, "?=", 2);
		text += k;
		max = COMPOSE_WORD_OCTETS;
	}
	return mime_sbuf_finish(&b, NULL);
}

/* A display name as a phrase: as it is, quoted when it holds specials, or encoded. */
static char *format_name(const char *name, size_t col, int encode)
{
	struct sbuf b = { 0 };

	if (encode && !is_ascii(name))
		return compose_encode_words(name, col);
	if (strpbrk(name, "()<>[]:;@\\,.\"") == NULL)
		return mime_dup_mem(name, strlen(name), NULL);
	mime_sbuf_addc(&b, '"');
	for (; *name != '\0'; name++) {
		if (*name == '"' || *name == '\\')
			mime_sbuf_addc(&b, '\\');
		mime_sbuf_addc(&b, *name);
	}
	mime_sbuf_addc(&b, '"');
	return mime_sbuf_finish(&b, NULL);
}

/* Display columns of the last line of s (octets of UTF-8 continuation bytes not counted). */
static size_t last_line_cols(const char *s)
{
	const char *nl = strrchr(s, '\n');
	size_t c = 0;

	for (s = nl != NULL ? nl + 1 : s; *s != '\0'; s++)
		c += ((unsigned char)*s & 0xc0) != 0x80;
	return c;
}

char *compose_addrs_format(const struct compose_addrs *a, size_t name_len, int encode)
{
	struct sbuf b = { 0 };
	size_t col = name_len;

	for (size_t i = 0; i < a->n; i++) {
		const struct compose_addr *e = &a->v[i];
		char *name = e->name[0] != '\0' ? format_name(e->name, 0, encode) : NULL;
		size_t w = (name != NULL ? last_line_cols(name) + 3 : 0) + strlen(e->addr);

		if (e->name[0] != '\0' && name == NULL)
			b.oom = 1;
		if (i > 0) {
			int fold = col + 2 + w > COMPOSE_FOLD;

			mime_sbuf_add(&b, fold ? ",\n " : ", ", fold ? 3 : 2);
			col = fold ? 1 : col + 2;
		}
		if (name != NULL) {
			mime_sbuf_add(&b, name, strlen(name));
			mime_sbuf_add(&b, " <", 2);
			mime_sbuf_add(&b, e->addr, strlen(e->addr));
			mime_sbuf_addc(&b, '>');
		} else {
			mime_sbuf_add(&b, e->addr, strlen(e->addr));
		}
		col += w;
		free(name);
	}
	return mime_sbuf_finish(&b, NULL);
}
