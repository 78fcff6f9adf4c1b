/* HTML to plain text for display: tags dropped, line breaks kept, entities decoded. */
#include "mime_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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
		mime_sbuf_addc(&h->b, ' ');
	h->space = 0, h->nl = 0;
	mime_sbuf_add(&h->b, s, n);
}

static void html_break(struct html *h, int lines)
{
	h->space = 0;
	while (h->nl < lines && h->b.len > 0)
		mime_sbuf_addc(&h->b, '\n'), h->nl++;
}

static void html_cp(struct html *h, unsigned long cp)
{
	char u[4];

	html_text(h, u, mime_utf8_put(cp, u));
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
		d = hex ? mime_hexval(s[j]) : (isdigit((unsigned char)s[j]) ? s[j] - '0' : -1);
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
char *mime_html_to_text(const char *s, size_t len, size_t *len_r)
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
	return mime_sbuf_finish(&h.b, len_r);
}
