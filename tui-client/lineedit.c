/* An editable input line (the raw console's): cursor moves, kills and words as in a shell. */
#include "lineedit.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* Remove the characters [from, to) and put the cursor at from. */
static void cut(struct lineedit *e, size_t from, size_t to)
{
	wmemmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	e->pos = from;
}

void lineedit_insert(struct lineedit *e, wchar_t ch)
{
	if (e->len >= LINEEDIT_MAX || ch < L' ' || ch == 0x7f || iswcntrl((wint_t)ch))
		return;
	wmemmove(e->buf + e->pos + 1, e->buf + e->pos, e->len - e->pos + 1);
	e->buf[e->pos++] = ch;
	e->len++;
}

void lineedit_backspace(struct lineedit *e)
{
	if (e->pos > 0)
		cut(e, e->pos - 1, e->pos);
}

void lineedit_delete(struct lineedit *e)
{
	if (e->pos < e->len)
		cut(e, e->pos, e->pos + 1);
}

void lineedit_home(struct lineedit *e)
{
	e->pos = 0;
}

void lineedit_end(struct lineedit *e)
{
	e->pos = e->len;
}

void lineedit_left(struct lineedit *e)
{
	if (e->pos > 0)
		e->pos--;
}

void lineedit_right(struct lineedit *e)
{
	if (e->pos < e->len)
		e->pos++;
}

void lineedit_kill_start(struct lineedit *e)
{
	cut(e, 0, e->pos);
}

/* The start of the word before position p: skip blanks back, then the word. */
static size_t word_start(const struct lineedit *e, size_t p)
{
	while (p > 0 && iswspace((wint_t)e->buf[p - 1]))
		p--;
	while (p > 0 && !iswspace((wint_t)e->buf[p - 1]))
		p--;
	return p;
}

void lineedit_kill_word(struct lineedit *e)
{
	cut(e, word_start(e, e->pos), e->pos);
}

void lineedit_word_left(struct lineedit *e)
{
	e->pos = word_start(e, e->pos);
}

void lineedit_word_right(struct lineedit *e)
{
	size_t p = e->pos;

	while (p < e->len && iswspace((wint_t)e->buf[p]))
		p++;
	while (p < e->len && !iswspace((wint_t)e->buf[p]))
		p++;
	e->pos = p;
}

void lineedit_set(struct lineedit *e, const char *s)
{
	size_t n = mbstowcs(e->buf, s, LINEEDIT_MAX);

	e->len = n == (size_t)-1 ? 0 : n;
	e->buf[e->len] = L'\0';
	e->pos = e->len;
}

void lineedit_clear(struct lineedit *e)
{
	e->len = e->pos = 0;
	e->buf[0] = L'\0';
}
