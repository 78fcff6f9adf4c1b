/* Text for the screen: UTF-8 measured by display width, wrapped, controls never reach the terminal. */
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#define TAB_WIDTH 8

/*
 * Decode the next character of s (len octets left) into *wc; returns octets used.
 * Invalid bytes and controls come back as '?', so nothing from mail steers the terminal.
 */
static size_t next_char(const char *s, size_t len, wchar_t *wc)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t n = mbrtowc(wc, s, len, &st);

	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		return 1;
	}
	if (*wc != L'\t' && (iswcntrl((wint_t)*wc) || wcwidth(*wc) < 0))
		*wc = L'?';
	return n;
}

/* The columns a character takes at column col (tabs run to the next stop). */
static int char_width(wchar_t wc, int col)
{
	if (wc == L'\t')
		return TAB_WIDTH - col % TAB_WIDTH;
	int w = wcwidth(wc);

	return w < 0 ? 1 : w;
}

int ui_text_width(const char *s)
{
	size_t len = strlen(s);
	int col = 0;

	while (len > 0) {
		wchar_t wc;
		size_t n = next_char(s, len, &wc);

		col += char_width(wc, col);
		s += n;
		len -= n;
	}
	return col;
}

void ui_text_put(int y, int x, int width, const char *s, int attr)
{
	wchar_t buf[512];
	size_t len = s ? strlen(s) : 0, k = 0;
	int col = 0;

	while (len > 0 && k < sizeof(buf) / sizeof(buf[0]) - TAB_WIDTH - 1) {
		wchar_t wc;
		size_t n = next_char(s, len, &wc);
		int w = char_width(wc, col);

		if (col + w > width)
			break;
		if (wc == L'\t') {
			for (int i = 0; i < w; i++)
				buf[k++] = L' ';
		} else if (w > 0 || k > 0) {
			/* A combining mark joins the character before it; one at the start is dropped. */
			buf[k++] = wc;
		}
		col += w;
		s += n;
		len -= n;
	}
	while (col < width && k < sizeof(buf) / sizeof(buf[0]) - 1) {
		buf[k++] = L' ';
		col++;
	}
	buf[k] = L'\0';
	attrset(attr);
	mvaddnwstr(y, x, buf, (int)k);
	attrset(A_NORMAL);
}

int ui_lines_add(struct ui_lines *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	l->v[l->n++] = copy;
	return 0;
}

void ui_lines_clear(struct ui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Append prefix + s[0..n) as one line. */
static int emit(struct ui_lines *out, const char *pre, size_t plen, const char *s, size_t n)
{
	char *line;
	int r;

	if (plen == 0)
		return ui_lines_add(out, s, n);
	if ((line = malloc(plen + n + 1)) == NULL)
		return -1;
	memcpy(line, pre, plen);
	memcpy(line + plen, s, n);
	r = ui_lines_add(out, line, plen + n);
	free(line);
	return r;
}

/* Columns taken by s[0..len) starting at column 0. */
static int span_width(const char *s, size_t len)
{
	int col = 0;

	for (size_t pos = 0, n; pos < len; pos += n) {
		wchar_t wc;

		n = next_char(s + pos, len - pos, &wc);
		col += char_width(wc, col);
	}
	return col;
}

/* The quote marks at the start of a line ("> > ", ">> "), repeated on each wrapped part. */
static size_t quote_prefix(const char *s, size_t len)
{
	size_t i = 0, end = 0;

	while (i < len && s[i] == '>') {
		i++;
		if (i < len && s[i] == ' ')
			i++;
		end = i;
	}
	return end;
}

/*
 * Wrap text (no newline inside) at width columns, each line after pre.  A break inside a word
 * never falls between a zero-width joiner and the character it joins (emoji sequences).
 */
static int wrap_body(const char *s, size_t len, int width, const char *pre, size_t plen, struct ui_lines *out)
{
	size_t start = 0, pos = 0, last_space = 0, cluster = 0;
	int col = 0, col_at_space = 0, joined = 0;

	while (pos < len) {
		wchar_t wc;
		size_t n = next_char(s + pos, len - pos, &wc);
		int w = char_width(wc, col);

		if (col + w > width && pos > start) {
			/* Break after the last blank when there is one, else in the word. */
			size_t cut = last_space > start ? last_space : joined && cluster > start ? cluster : pos;

			if (emit(out, pre, plen, s + start, cut - start) < 0)
				return -1;
			col = last_space > start ? col - col_at_space : span_width(s + cut, pos - cut);
			start = cut;
			last_space = 0;
			continue;
		}
		if (w > 0 && !joined)
			cluster = pos;
		joined = wc == 0x200D;
		col += w;
		pos += n;
		if (wc == L' ') {
			last_space = pos;
			col_at_space = col;
		}
	}
	return emit(out, pre, plen, s + start, len - start);
}

/* Wrap one line (no newline inside) at width columns; quoted lines keep their quote marks. */
static int wrap_line(const char *s, size_t len, int width, struct ui_lines *out)
{
	size_t plen = quote_prefix(s, len);

	if (plen == 0 || (int)plen * 2 > width)
		return wrap_body(s, len, width, "", 0, out);
	return wrap_body(s + plen, len - plen, width - (int)plen, s, plen, out);
}

int ui_text_wrap(const char *text, size_t len, int width, struct ui_lines *out)
{
	size_t pos = 0;

	if (width < 1)
		width = 1;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t line_end = end;

		if (line_end > pos && text[line_end - 1] == '\r')
			line_end--;
		if (wrap_line(text + pos, line_end - pos, width, out) < 0)
			return -1;
		pos = nl ? end + 1 : len;
	}
	return 0;
}

void ui_text_size(unsigned long long n, char *buf, size_t size)
{
	if (n < 1024)
		snprintf(buf, size, "%llu B", n);
	else if (n < 1024 * 1024)
		snprintf(buf, size, "%.1fK", (double)n / 1024);
	else if (n < 1024ULL * 1024 * 1024)
		snprintf(buf, size, "%.1fM", (double)n / (1024 * 1024));
	else
		snprintf(buf, size, "%.1fG", (double)n / (1024.0 * 1024 * 1024));
}

int ui_text_contains(const char *hay, const char *needle)
{
	return hay != NULL && strcasestr(hay, needle) != NULL;
}
