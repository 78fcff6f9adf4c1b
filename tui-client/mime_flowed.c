/* format=flowed (RFC 3676): soft line breaks joined so that the screen can wrap paragraphs itself. */
#include "mime.h"
#include "mime_int.h"

#include <string.h>

/* One physical line, taken apart as RFC 3676 section 4 reads it. */
struct fline {
	const char *text;
	size_t len;
	int depth;	/* quote depth: the number of '>' in front */
	int flowed;	/* ends in a blank: the paragraph goes on in the next line */
};

static void fline_read(const char *s, size_t n, int delsp, struct fline *l)
{
	memset(l, 0, sizeof *l);
	while (l->depth < (int)n && s[l->depth] == '>')
		l->depth++;
	s += l->depth, n -= (size_t)l->depth;
	if (n > 0 && s[0] == ' ')
		s++, n--;	/* space-stuffing (section 4.4) */
	l->text = s, l->len = n;
	/* The signature separator "-- " is never flowed (section 4.3). */
	if (n > 0 && s[n - 1] == ' ' && !(n == 3 && memcmp(s, "-- ", 3) == 0)) {
		l->flowed = 1;
		if (delsp)
			l->len--;
	}
}

/* "> > " for depth 2: the prefix every line of a quoted paragraph gets. */
static void add_prefix(struct sbuf *b, int depth)
{
	for (int i = 0; i < depth; i++)
		mime_sbuf_add(b, "> ", 2);
}

char *mime_flowed_join(const char *s, size_t len, int delsp, size_t *len_r)
{
	struct sbuf b = { 0 };
	struct fline l;
	size_t i = 0;
	int open = 0, depth = 0;	/* a paragraph is open: the previous line was flowed */

	mime_sbuf_reserve(&b, len);
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - s) : len, n = end - i;

		if (n > 0 && s[end - 1] == '\r')
			n--;
		fline_read(s + i, n, delsp, &l);
		/* A change of quote depth ends a paragraph even after a soft break (section 4.5). */
		if (open && l.depth != depth)
			mime_sbuf_addc(&b, '\n'), open = 0;
		if (!open)
			add_prefix(&b, l.depth);
		mime_sbuf_add(&b, l.text, l.len);
		depth = l.depth, open = l.flowed;
		if (!open)
			mime_sbuf_addc(&b, '\n');
		i = nl != NULL ? end + 1 : len;
	}
	if (open)
		mime_sbuf_addc(&b, '\n');
	return mime_sbuf_finish(&b, len_r);
}
