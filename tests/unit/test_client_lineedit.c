/* Unit tests of the raw console's input line: cursor moves, kills and words. */
#include "harness.h"
#include "lineedit.h"

#include <locale.h>
#include <wchar.h>

/* Type s (ASCII or UTF-8) at the cursor. */
static void type(struct lineedit *e, const wchar_t *s)
{
	while (*s)
		lineedit_insert(e, *s++);
}

static int is(const struct lineedit *e, const wchar_t *text, size_t pos)
{
	return wcscmp(e->buf, text) == 0 && e->len == wcslen(text) && e->pos == pos;
}

static void test_locale(void)
{
	CHECK(setlocale(LC_ALL, "C.UTF-8") != NULL);
}

static void test_insert_moves(void)
{
	struct lineedit e = { 0 };

	type(&e, L"TOP 1");
	CHECK(is(&e, L"TOP 1", 5));
	lineedit_home(&e);
	type(&e, L"x");
	CHECK(is(&e, L"xTOP 1", 1));
	lineedit_delete(&e);
	CHECK(is(&e, L"xOP 1", 1));
	lineedit_backspace(&e);
	CHECK(is(&e, L"OP 1", 0));
	lineedit_backspace(&e);	/* at the start: nothing */
	CHECK(is(&e, L"OP 1", 0));
	lineedit_left(&e);
	CHECK(e.pos == 0);
	lineedit_end(&e);
	lineedit_right(&e);
	CHECK(is(&e, L"OP 1", 4));
	lineedit_delete(&e);	/* at the end: nothing */
	CHECK(is(&e, L"OP 1", 4));
	lineedit_left(&e);
	type(&e, L"0");
	CHECK(is(&e, L"OP 01", 4));
}

static void test_controls_and_full(void)
{
	struct lineedit e = { 0 };

	lineedit_insert(&e, L'\x1b');
	lineedit_insert(&e, L'\n');
	lineedit_insert(&e, 0x7f);
	lineedit_insert(&e, 0x9b);	/* C1 CSI */
	CHECK(is(&e, L"", 0));
	for (int i = 0; i < LINEEDIT_MAX + 10; i++)
		lineedit_insert(&e, L'a');
	CHECK(e.len == LINEEDIT_MAX && e.pos == LINEEDIT_MAX && e.buf[LINEEDIT_MAX] == L'\0');
}

static void test_kills(void)
{
	struct lineedit e = { 0 };

	type(&e, L"RETR  12 34");
	lineedit_kill_word(&e);
	CHECK(is(&e, L"RETR  12 ", 9));
	lineedit_kill_word(&e);	/* blanks first, then the word */
	CHECK(is(&e, L"RETR  ", 6));
	lineedit_left(&e);
	lineedit_left(&e);
	lineedit_kill_start(&e);
	CHECK(is(&e, L"  ", 0));
	lineedit_kill_word(&e);	/* at the start: nothing */
	CHECK(is(&e, L"  ", 0));
	lineedit_clear(&e);
	CHECK(is(&e, L"", 0));
}

static void test_words(void)
{
	struct lineedit e = { 0 };

	type(&e, L"UIDL  café 7");
	lineedit_word_left(&e);
	CHECK(e.pos == 11);
	lineedit_word_left(&e);
	CHECK(e.pos == 6);
	lineedit_word_left(&e);
	CHECK(e.pos == 0);
	lineedit_word_left(&e);
	CHECK(e.pos == 0);
	lineedit_word_right(&e);
	CHECK(e.pos == 4);
	lineedit_word_right(&e);
	CHECK(e.pos == 10);
	lineedit_word_right(&e);
	lineedit_word_right(&e);
	CHECK(e.pos == 12);
}

static void test_set(void)
{
	struct lineedit e = { 0 };

	lineedit_set(&e, "LIST 1 ☕");
	CHECK(is(&e, L"LIST 1 ☕", 8));
	lineedit_set(&e, "bad \xff");
	CHECK(is(&e, L"", 0));
}

TEST_MAIN("client_lineedit", TEST(test_locale), TEST(test_insert_moves), TEST(test_controls_and_full), TEST(test_kills),
	  TEST(test_words), TEST(test_set))
