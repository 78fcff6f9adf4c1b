/* Unit tests for the list's order: ui_order_apply on a list whose headers are loaded (no network). */
#include "harness.h"
#include "ui.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A list of n loaded messages, numbered 1..n; the fields are set by the caller. */
static void make_list(struct ui *ui, size_t n)
{
	memset(ui, 0, sizeof(*ui));
	ui->msgs = calloc(n, sizeof(*ui->msgs));
	ui->n = n;
	for (size_t i = 0; i < n; i++) {
		ui->msgs[i].e.num = (unsigned)(i + 1);
		ui->msgs[i].loaded = 1;
		ui->msgs[i].when = LLONG_MIN;
	}
}

static void set(struct ui *ui, size_t i, const char *from, const char *subject, long long when, size_t size)
{
	struct ui_msg *m = &ui->msgs[i];

	m->from = strdup(from);
	m->subject = strdup(subject);
	m->when = when;
	m->e.size = size;
}

/* The message numbers of the rows, as "3 1 2". */
static const char *rows(const struct ui *ui)
{
	static char buf[256];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ui->n && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u", i ? " " : "", ui->msgs[i].e.num);
	return buf;
}

static void sample(struct ui *ui)
{
	make_list(ui, 4);
	set(ui, 0, "\"zoe\" <z@x>", "Re: [team] budget", 300, 50);
	set(ui, 1, "<adam@x>", "Lunch", LLONG_MIN, 10);
	set(ui, 2, "Émile <e@x>", "FWD: Budget", 100, 40);
	set(ui, 3, "bea <b@x>", "AW: Re[2]: \xc3\x84rger", 200, 20);
}

static void test_sorts(void)
{
	struct ui ui;

	sample(&ui);
	ui.sort = UI_SORT_DATE;
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "2 3 4 1");	/* the unreadable date first */
	ui.sort = UI_SORT_SIZE;
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "2 4 3 1");
	ui.sort = UI_SORT_SENDER;
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "2 4 1 3");	/* adam, bea, zoe, then é after z */
	ui.sort = UI_SORT_SUBJECT;
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "3 1 2 4");	/* budget (100), budget (300), lunch, ärger */

	ui.sort_rev = 1;
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "4 2 1 3");
	ui.sort = UI_SORT_SERVER;
	ui.sort_rev = 0;
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "1 2 3 4");
	ui_mbox_free(&ui);
}

/* Message num's subject replaced. */
static void resubject(struct ui *ui, unsigned num, const char *subject)
{
	struct ui_msg *m = &ui->msgs[ui_mbox_find(ui, num)];

	free(m->subject);
	m->subject = strdup(subject);
}

static void test_bad_utf8(void)
{
	struct ui ui;

	sample(&ui);
	ui.sort = UI_SORT_SUBJECT;
	/* Bytes that are not UTF-8 (a bad byte, a cut sequence, one at the end) still sort, after the letters. */
	resubject(&ui, 2, "\xff\xe2\x82 x \xc3");
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "3 1 4 2");
	resubject(&ui, 4, "lunch");
	resubject(&ui, 1, "LUNCH");
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "3 4 1 2");	/* lunch (200) and LUNCH (300) alike, by date */
	ui_mbox_free(&ui);
}

static void test_cursor_kept(void)
{
	struct ui ui;

	sample(&ui);
	ui.sel = 2;	/* message 3 */
	ui.sort = UI_SORT_SIZE;
	ui_order_apply(&ui);
	CHECK(ui.msgs[ui.sel].e.num == 3);
	CHECK(ui_mbox_find(&ui, 3) == ui.sel);
	CHECK(ui_mbox_find(&ui, 2) == 0);
	CHECK(ui_mbox_find(&ui, 9) == (size_t)-1);
	ui_mbox_free(&ui);
}

static void test_threads(void)
{
	struct ui ui;

	sample(&ui);
	ui.msgs[0].msgid = strdup("<r@x>");
	ui.msgs[0].in_reply_to = strdup("<root@x>");
	ui.msgs[2].msgid = strdup("<root@x>");
	ui.threads = 1;
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "2 3 1 4");
	CHECK(ui.msgs[2].depth == 1 && ui.msgs[1].depth == 0);
	ui.threads = 0;
	ui_order_apply(&ui);
	CHECK_STR(rows(&ui), "1 2 3 4");
	CHECK(ui.msgs[0].depth == 0);
	ui_mbox_free(&ui);
}

/* Not an assertion: the thread view of 10,000 loaded messages, sorted by date, for bench/README.md. */
static void test_timing_printout(void)
{
	enum { N = 10000 };
	struct ui ui;
	struct timespec t0, t1;
	char buf[64];

	make_list(&ui, N);
	srand(14);
	for (size_t i = 0; i < N; i++) {
		size_t root = i - i % 8, p = root + (i > root ? (size_t)rand() % (i - root) : 0);

		snprintf(buf, sizeof(buf), "Re: subject %zu", root);
		set(&ui, i, "Someone <someone@example.org>", buf, 1795425120LL + rand() % 864000, (size_t)rand());
		snprintf(buf, sizeof(buf), "<%zu@bench>", i);
		ui.msgs[i].msgid = strdup(buf);
		if (i > root) {
			snprintf(buf, sizeof(buf), "<%zu@bench>", p);
			ui.msgs[i].in_reply_to = strdup(buf);
			snprintf(buf, sizeof(buf), "<%zu@bench> <%zu@bench>", root, p);
			ui.msgs[i].references = strdup(buf);
		}
	}
	ui.sort = UI_SORT_DATE;
	ui.threads = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ui_order_apply(&ui);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("     (thread view of %d messages sorted by date, headers loaded: %.2f ms)\n", N,
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	ui.sort = UI_SORT_SUBJECT;
	ui.threads = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ui_order_apply(&ui);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("     (sort of %d messages by subject: %.2f ms)\n", N,
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	ui_mbox_free(&ui);
}

TEST_MAIN("client_order", TEST(test_sorts), TEST(test_bad_utf8), TEST(test_cursor_kept), TEST(test_threads), TEST(test_timing_printout))
