/* An editable input line (the raw console's): cursor moves, kills and words as in a shell. */
#ifndef LINEEDIT_H
#define LINEEDIT_H

#include <stddef.h>
#include <wchar.h>

#define LINEEDIT_MAX 250

/* Zero-initialise; buf stays NUL-terminated, pos <= len <= LINEEDIT_MAX. */
struct lineedit {
	wchar_t buf[LINEEDIT_MAX + 1];
	size_t len, pos;
};

/* Insert a printable character at the cursor; ignored when full or a control. */
void lineedit_insert(struct lineedit *e, wchar_t ch);
/* Backspace: erase the character before the cursor. */
void lineedit_backspace(struct lineedit *e);
/* Delete the character under the cursor (Ctrl-D, Delete). */
void lineedit_delete(struct lineedit *e);
/* Ctrl-A, Ctrl-E, Left, Right. */
void lineedit_home(struct lineedit *e);
void lineedit_end(struct lineedit *e);
void lineedit_left(struct lineedit *e);
void lineedit_right(struct lineedit *e);
/* Ctrl-U: erase from the start of the line to the cursor. */
void lineedit_kill_start(struct lineedit *e);
/* Ctrl-W: erase the word before the cursor (blanks, then non-blanks). */
void lineedit_kill_word(struct lineedit *e);
/* Alt-B, Alt-F: to the start of this or the previous word, to the end of this or the next. */
void lineedit_word_left(struct lineedit *e);
void lineedit_word_right(struct lineedit *e);
/* Replace the whole line with s (UTF-8), the cursor at its end. */
void lineedit_set(struct lineedit *e, const char *s);
/* Empty the line. */
void lineedit_clear(struct lineedit *e);

#endif
