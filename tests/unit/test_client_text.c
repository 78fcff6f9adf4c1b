/* Unit tests of the screen's text helpers: display width, wrapping, sizes; no terminal needed. */
#include "harness.h"
#include "ui.h"

#include <locale.h>
#include <stdlib.h>

static void test_locale(void)
{
	CHECK(setlocale(LC_ALL, "C.UTF-8") != NULL);
}

static void test_width(void)
{
	CHECK(ui_text_width("abc") == 3);
	/* é is two octets, one column; ☕ and 日 take two columns. */
	CHECK(ui_text_width("Café") == 4);
	CHECK(ui_text_width("☕") == 2);
	CHECK(ui_text_width("日本") == 4);
	/* e + COMBINING ACUTE ACCENT: one column. */
	CHECK(ui_text_width("e\xcc\x81") == 1);
	/* ESC and a broken byte are drawn as '?', one column each. */
	CHECK(ui_text_width("\x1b[31m") == 5);
	CHECK(ui_text_width("a\xff") == 2);
	CHECK(ui_text_width("\tx") == 9);
}

static void test_wrap_words(void)
{
	struct ui_lines l = { 0 };
	const char *t = "the quick brown fox\r\njumps\n\nover";

	CHECK(ui_text_wrap(t, strlen(t), 10, &l) == 0);
	CHECK(l.n == 5);
	if (l.n == 5) {
		CHECK_STR(l.v[0], "the quick ");
		CHECK_STR(l.v[1], "brown fox");
		CHECK_STR(l.v[2], "jumps");
		CHECK_STR(l.v[3], "");
		CHECK_STR(l.v[4], "over");
	}
	ui_lines_clear(&l);
}

static void test_wrap_wide(void)
{
	struct ui_lines l = { 0 };
	const char *t = "日本語のテキスト";	/* 8 characters, 16 columns */

	CHECK(ui_text_wrap(t, strlen(t), 5, &l) == 0);
	/* Two wide characters (4 columns) a line: never half a character. */
	CHECK(l.n == 4);
	for (size_t i = 0; i < l.n; i++)
		CHECK(ui_text_width(l.v[i]) <= 5);
	ui_lines_clear(&l);
}

static void test_wrap_long_word(void)
{
	struct ui_lines l = { 0 };
	const char *t = "aaaaaaaaaaaaaaaaaaaaaaaaa";

	CHECK(ui_text_wrap(t, strlen(t), 10, &l) == 0);
	CHECK(l.n == 3);
	if (l.n == 3)
		CHECK_STR(l.v[2], "aaaaa");
	ui_lines_clear(&l);
}

static void test_wrap_quoted(void)
{
	struct ui_lines l = { 0 };
	const char *t = "> > one two three four five six";

	/* Each wrapped part of a quoted line keeps the quote marks. */
	CHECK(ui_text_wrap(t, strlen(t), 16, &l) == 0);
	CHECK(l.n == 3);
	if (l.n == 3) {
		CHECK_STR(l.v[0], "> > one two ");
		CHECK_STR(l.v[1], "> > three four ");
		CHECK_STR(l.v[2], "> > five six");
	}
	ui_lines_clear(&l);
}

static void test_wrap_joined(void)
{
	struct ui_lines l = { 0 };
	/* x, then a family (man ZWJ woman ZWJ girl, 6 columns), then e + combining acute. */
	const char *t = "xx\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7" "e\xcc\x81";

	CHECK(ui_text_width("\xf0\x9f\x91\x8d\xef\xb8\x8f") == 2);	/* a variation selector takes no column */
	CHECK(ui_text_wrap(t, strlen(t), 7, &l) == 0);
	CHECK(l.n == 2);
	if (l.n == 2)
		CHECK_STR(l.v[0], "xx");
	/* The break never falls after a joiner, and the accent stays on its e. */
	for (size_t i = 0; i < l.n; i++) {
		size_t n = strlen(l.v[i]);

		CHECK(n < 3 || memcmp(l.v[i] + n - 3, "\xe2\x80\x8d", 3) != 0);
		CHECK(strncmp(l.v[i], "\xcc\x81", 2) != 0);
	}
	ui_lines_clear(&l);
}

static void test_sizes(void)
{
	char b[32];

	ui_text_size(697, b, sizeof(b));
	CHECK_STR(b, "697 B");
	ui_text_size(2218, b, sizeof(b));
	CHECK_STR(b, "2.2K");
	ui_text_size(5 * 1024 * 1024 + 1, b, sizeof(b));
	CHECK_STR(b, "5.0M");
}

static void test_contains(void)
{
	CHECK(ui_text_contains("Quarterly figures", "QUARTER"));
	CHECK(ui_text_contains("Café meeting", "café"));
	CHECK(!ui_text_contains("Welcome", "bye"));
	CHECK(!ui_text_contains(NULL, "x"));
}

TEST_MAIN("client_text", TEST(test_locale), TEST(test_width), TEST(test_wrap_words), TEST(test_wrap_wide),
	  TEST(test_wrap_long_word), TEST(test_wrap_quoted), TEST(test_wrap_joined), TEST(test_sizes), TEST(test_contains))
