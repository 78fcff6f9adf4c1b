/* Colours from the config file for the screen's roles, and which role each line of a message has. */
#include "ui.h"

#include "config.h"

#include <curses.h>
#include <string.h>

/* The config's roles take colour pairs from here on; 1 to 3 are the built-in ones (ui.c). */
#define PAIR_BASE 16

void ui_colors_apply(const struct config *c, int *attrs)
{
	static const enum ui_role roles[CONFIG_ROLES] = {
		[CONFIG_COLOR_LIST] = UI_ROW,	      [CONFIG_COLOR_SELECTED] = UI_SELECTED,
		[CONFIG_COLOR_TITLE] = UI_TITLE,      [CONFIG_COLOR_HEADER] = UI_HEADER,
		[CONFIG_COLOR_QUOTE1] = UI_QUOTE1,    [CONFIG_COLOR_QUOTE2] = UI_QUOTE2,
		[CONFIG_COLOR_QUOTE3] = UI_QUOTE3,    [CONFIG_COLOR_SIGNATURE] = UI_SIGNATURE,
	};

	for (int i = 0; c != NULL && i < CONFIG_ROLES; i++) {
		if (!c->colors[i].set || PAIR_BASE + i >= COLOR_PAIRS ||
		    init_pair((short)(PAIR_BASE + i), c->colors[i].fg, c->colors[i].bg) == ERR)
			continue;
		/* The title and headers keep their weight; the colour replaces the rest. */
		attrs[roles[i]] = (int)COLOR_PAIR(PAIR_BASE + i) |
				  (roles[i] == UI_TITLE || roles[i] == UI_HEADER ? A_BOLD : 0);
	}
}

void ui_colors_pager_marks(const struct ui_lines *l, size_t *hdr_end_r, size_t *sig_r)
{
	size_t i = 0;

	while (i < l->n && l->v[i][0] != '\0')
		i++;
	*hdr_end_r = i;
	/* The last "-- " line: a quoted signature above the real one is not it. */
	*sig_r = l->n;
	for (size_t k = l->n; k > i; k--)
		if (strcmp(l->v[k - 1], "-- ") == 0 || strcmp(l->v[k - 1], "--") == 0) {
			*sig_r = k - 1;
			break;
		}
}

/* The '>' at the start of a line, blanks between them allowed ("> > text" is depth 2). */
static int quote_depth(const char *s)
{
	int d = 0;

	for (; *s == '>' || (*s == ' ' && d > 0); s++)
		d += *s == '>';
	return d;
}

enum ui_role ui_colors_pager_role(const char *line, size_t i, size_t hdr_end, size_t sig)
{
	if (i < hdr_end)
		return UI_HEADER;
	if (i >= sig)
		return UI_SIGNATURE;
	switch (quote_depth(line)) {
	case 0: return UI_NORMAL;
	case 1: return UI_QUOTE1;
	case 2: return UI_QUOTE2;
	default: return UI_QUOTE3;
	}
}
