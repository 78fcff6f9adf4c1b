/* HTML to plain text for display: structure kept as text (links, lists, tables, images, pre, headings). */
#include "mime.h"
#include "mime_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Lists nested deeper than this are drawn at this depth: it bounds the state and the indent. */
#define HTML_LIST_MAX 8
/* Links numbered beyond this many are not listed: a hostile page cannot grow the list forever. */
#define HTML_LINKS_MAX 1000
/* Longest link target kept. */
#define HTML_HREF_MAX 2048

struct html {
	struct sbuf b;
	struct sbuf links;	/* "[1] https://...\n" lines, appended at the end */
	int nlinks;
	int space;		/* blanks seen and not yet written */
	int nl;			/* line breaks at the end of b */
	int pre;		/* inside <pre>: blanks and line breaks kept */
	int cells;		/* cells so far in the current table row */
	int href;		/* the number of the open link, 0 when none */
	int depth;		/* list nesting */
	int ordered[HTML_LIST_MAX], count[HTML_LIST_MAX];
	size_t heading;		/* where the open heading's text starts in b, plus one; 0 when none */
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
	{ "br", 1 }, { "p", 2 }, { "/p", 2 }, { "div", 1 }, { "/div", 1 }, { "tr", 1 }, { "/tr", 1 },
	{ "hr", 1 }, { "table", 1 }, { "/table", 1 }, { "ul", 1 }, { "/ul", 1 }, { "ol", 1 }, { "/ol", 1 },
	{ "blockquote", 2 }, { "/blockquote", 2 }, { "pre", 1 }, { "/pre", 1 }, { "dt", 1 }, { "dd", 1 },
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

/* ---- entities ---- */

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

/* ---- attributes ---- */

/* The value of attribute name in the tag s[i..end), entities decoded, into *out; 0 when absent. */
static int attr_get(const char *s, size_t i, size_t end, const char *name, struct html *out)
{
	size_t nl = strlen(name), j, vend;

	for (i++; i + nl < end; i++) {
		if (strncasecmp(s + i, name, nl) != 0 || !isspace((unsigned char)s[i - 1]))
			continue;
		for (j = i + nl; j < end && isspace((unsigned char)s[j]); j++)
			;
		if (j >= end || s[j] != '=')
			continue;
		for (j++; j < end && isspace((unsigned char)s[j]); j++)
			;
		if (j < end && (s[j] == '"' || s[j] == '\'')) {
			const char *q = memchr(s + j + 1, s[j], end - j - 1);

			vend = q != NULL ? (size_t)(q - s) : end, j++;
		} else {
			for (vend = j; vend < end && !isspace((unsigned char)s[vend]) && s[vend] != '>'; vend++)
				;
		}
		while (j < vend && !out->b.oom)
			j = s[j] == '&' ? html_entity(out, s, vend, j) : (html_text(out, s + j, 1), j + 1);
		return 1;
	}
	return 0;
}

/* ---- structure ---- */

static void indent(struct html *h)
{
	for (int i = 1; i < h->depth; i++)
		html_text(h, "  ", 2);
}

static void list_item(struct html *h)
{
	int d = (h->depth > 0 ? h->depth : 1) - 1;
	char num[16];

	html_break(h, 1);
	indent(h);
	/* Lists nested past HTML_LIST_MAX are not tracked: their items get bullets. */
	if (h->depth > 0 && h->depth <= HTML_LIST_MAX && h->ordered[d]) {
		snprintf(num, sizeof num, "%d. ", ++h->count[d]);
		html_text(h, num, strlen(num));
	} else {
		html_text(h, "* ", 2);
	}
	h->nl = 0, h->space = 0;
}

static void list_open(struct html *h, int ordered)
{
	if (h->depth < HTML_LIST_MAX) {
		h->ordered[h->depth] = ordered;
		h->count[h->depth] = 0;
	}
	h->depth++;
}

/* A heading: a blank line before; h1 and h2 are underlined with '=' and '-'. */
static void heading(struct html *h, const char *name)
{
	if (name[0] != '/') {
		html_break(h, 2);
		h->heading = h->b.len + 1;
		return;
	}
	if (h->heading != 0 && (name[2] == '1' || name[2] == '2')) {
		size_t cols = 0;

		for (size_t i = h->heading - 1; i < h->b.len; i++)
			cols += ((unsigned char)h->b.p[i] & 0xC0) != 0x80;	/* one a character */
		mime_sbuf_addc(&h->b, '\n');
		while (cols-- > 0)
			mime_sbuf_addc(&h->b, name[2] == '1' ? '=' : '-');
		h->nl = 0;
	}
	h->heading = 0;
	html_break(h, 2);
}

static void link_open(struct html *h, const char *s, size_t i, size_t end)
{
	struct html v;

	memset(&v, 0, sizeof v);
	h->href = 0;
	if (attr_get(s, i, end, "href", &v) && v.b.len > 0 && v.b.len < HTML_HREF_MAX && !v.b.oom &&
	    v.b.p[0] != '#' && strncasecmp(v.b.p, "javascript:", 11) != 0 && h->nlinks < HTML_LINKS_MAX) {
		char num[24];

		h->href = ++h->nlinks;
		snprintf(num, sizeof num, "[%d] ", h->href);
		mime_sbuf_add(&h->links, num, strlen(num));
		mime_sbuf_add(&h->links, v.b.p, v.b.len);
		mime_sbuf_addc(&h->links, '\n');
	}
	free(v.b.p);
}

static void link_close(struct html *h)
{
	char num[16];

	if (h->href == 0)
		return;
	snprintf(num, sizeof num, "[%d]", h->href);
	h->space = 0;
	html_text(h, num, strlen(num));
	h->href = 0;
}

static void image(struct html *h, const char *s, size_t i, size_t end)
{
	struct html v;

	memset(&v, 0, sizeof v);
	if (attr_get(s, i, end, "alt", &v) && v.b.len > 0 && !v.b.oom) {
		html_text(h, "[image: ", 8);
		mime_sbuf_add(&h->b, v.b.p, v.b.len);
		html_text(h, "]", 1);
	}
	free(v.b.p);
}

static void cell(struct html *h)
{
	if (h->cells++ > 0) {
		h->space = 0;
		html_text(h, " | ", 3);
	}
	h->space = 0;
}

/* What a tag does to the text; s[i..end) is the whole tag. */
static void html_element(struct html *h, const char *name, const char *s, size_t i, size_t end)
{
	for (size_t k = 0; k < sizeof html_breaks / sizeof html_breaks[0]; k++)
		if (strcmp(name, html_breaks[k].name) == 0)
			html_break(h, html_breaks[k].nl);
	if (strcmp(name, "a") == 0)
		link_open(h, s, i, end);
	else if (strcmp(name, "/a") == 0)
		link_close(h);
	else if (strcmp(name, "img") == 0)
		image(h, s, i, end);
	else if (strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0)
		list_open(h, name[0] == 'o');
	else if ((strcmp(name, "/ul") == 0 || strcmp(name, "/ol") == 0) && h->depth > 0)
		h->depth--;
	else if (strcmp(name, "li") == 0)
		list_item(h);
	else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		cell(h);
	else if (strcmp(name, "tr") == 0 || strcmp(name, "/tr") == 0)
		h->cells = 0;
	else if (strcmp(name, "pre") == 0 || strcmp(name, "/pre") == 0)
		h->pre = name[0] == 'p';
	else if ((name[0] == 'h' || (name[0] == '/' && name[1] == 'h')) && name[name[0] == '/' ? 2 : 1] >= '1' &&
		 name[name[0] == '/' ? 2 : 1] <= '6' && name[name[0] == '/' ? 3 : 2] == '\0')
		heading(h, name);
}

static size_t html_tag(struct html *h, const char *s, size_t len, size_t i)
{
	char name[16], close[20];
	size_t j;

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
	html_element(h, name, s, i, j);
	return j;
}

/* Inside <pre> every blank and line break is text. */
static void pre_char(struct html *h, char c)
{
	if (c == '\r')
		return;
	if (c == '\n') {
		mime_sbuf_addc(&h->b, '\n');
		h->nl++, h->space = 0;
		return;
	}
	h->space = 0;
	html_text(h, &c, 1);
}

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
		else if (h.pre)
			pre_char(&h, s[i++]);
		else if (isspace((unsigned char)s[i]))
			h.space = 1, i++;
		else
			html_text(&h, s + i, 1), i++;
	}
	while (h.b.len > 0 && (h.b.p[h.b.len - 1] == '\n' || h.b.p[h.b.len - 1] == ' '))
		h.b.len--;
	if (h.links.len > 0 && !h.links.oom) {
		mime_sbuf_add(&h.b, "\n\n", 2);
		mime_sbuf_add(&h.b, h.links.p, h.links.len - 1);
	}
	free(h.links.p);
	return mime_sbuf_finish(&h.b, len_r);
}
