/* Unit tests for the client's view of a message's structure: parts, forwarded messages, flowed text, HTML, dates. */
#include <stdlib.h>

#include "harness.h"
#include "mime.h"

#define S(lit) lit, sizeof(lit) - 1

static struct mime_msg *parse_opts(const char *buf, size_t len, int partial)
{
	struct mime_opts o = { .partial = partial };
	struct mime_msg *m = NULL;

	CHECK(mime_parse_opts(buf, len, &o, &m) == 0);
	CHECK(m != NULL);
	return m;
}

static char *html(const char *s)
{
	size_t n;
	char *t = mime_html_to_text(s, strlen(s), &n);

	CHECK(t != NULL && strlen(t) == n);
	return t;
}

static char *flowed(const char *s, int delsp)
{
	size_t n;
	char *t = mime_flowed_join(s, strlen(s), delsp, &n);

	CHECK(t != NULL && strlen(t) == n);
	return t;
}

static void check_date(const char *in, const char *want)
{
	char buf[16];

	mime_date_short(in, buf, sizeof buf);
	CHECK_STR(buf, want);
}

static const char big_attachment[] =
	"Subject: holiday\n"
	"Content-Type: multipart/mixed; boundary=b\n\n"
	"--b\nContent-Type: text/plain\n\nPhotos attached.\n"
	"--b\nContent-Type: image/png; name=logo.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
	"--b\nContent-Type: application/zip\nContent-Disposition: attachment; filename=\"holiday.zip\"\n"
	"Content-Transfer-Encoding: base64\n\nUEsDBBQAAAAIAA";	/* TOP cut it here */

static void partial_sizes_are_unknown(void)
{
	struct mime_msg *m = parse_opts(S(big_attachment), 1);

	CHECK(m->nparts == 3 && m->truncated);
	if (m->nparts == 3) {
		CHECK(m->parts[0].size_known && m->parts[1].size_known && m->parts[1].size == 8);
		CHECK_STR(m->parts[2].filename, "holiday.zip");
		CHECK(!m->parts[2].size_known);
	}
	mime_free(m);
	/* A one-part message from TOP: its end was not seen either. */
	m = parse_opts(S("Content-Type: application/pdf; name=a.pdf\n\n%PDF-1.4\n"), 1);
	CHECK(m->nparts == 1 && !m->parts[0].size_known);
	mime_free(m);
	/* The same input read as a whole message: every size known. */
	m = parse_opts(S(big_attachment), 0);
	CHECK(m->nparts == 3 && m->parts[2].size_known && m->parts[2].size == 10);
	mime_free(m);
}

static void part_data_is_decoded(void)
{
	struct mime_msg *m = parse_opts(S(big_attachment), 0);
	char *data = NULL;
	size_t n = 0;

	CHECK(m->nparts == 3);
	if (m->nparts == 3 && mime_part_data(&m->parts[1], big_attachment, &data, &n) == 0) {
		CHECK(n == 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0);
		free(data);
	}
	mime_free(m);
}

static const char forwarded[] =
	"From: bob@example.org\nSubject: Fwd: plans\n"
	"Content-Type: multipart/mixed; boundary=out\n\n"
	"--out\nContent-Type: text/plain\n\nSee below.\n"
	"--out\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n"
	"From: =?utf-8?q?Carol_M=C3=BCller?= <carol@example.net>\nDate: Tue, 24 Nov 2026 10:00:00 +0000\n"
	"Subject: plans\nContent-Type: multipart/mixed; boundary=in\n\n"
	"--in\nContent-Type: text/plain\n\nInner text.\n"
	"--in\nContent-Type: message/rfc822\n\nSubject: deepest\n\nInnermost.\n"
	"--in--\n"
	"--out--\n";

static void forwarded_inline(void)
{
	struct mime_msg *m = parse_opts(S(forwarded), 0);

	CHECK(strstr(m->body, "See below.\n\n----- Forwarded message -----\n"
			      "From: Carol M\xc3\xbcller <carol@example.net>\n"
			      "Date: Tue, 24 Nov 2026 10:00:00 +0000\nSubject: plans\n\nInner text.\n") != NULL);
	CHECK(strstr(m->body, "----- Forwarded message -----\nSubject: deepest\n\nInnermost.") != NULL);
	CHECK(m->nparts == 5);
	if (m->nparts == 5) {
		CHECK_STR(m->parts[1].type, "message/rfc822");
		CHECK(m->parts[1].depth == 0 && m->parts[2].depth == 1 && m->parts[3].depth == 1 && m->parts[4].depth == 2);
	}
	mime_free(m);
}

static void hostile_forward_nesting_is_bounded(void)
{
	size_t n = 5000;
	char *buf = malloc(n * 40 + 64), *p = buf;

	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "Content-Type: message/rfc822\n\n");
	p += sprintf(p, "Subject: bottom\n\nbottom text\n");
	struct mime_msg *m = parse_opts(buf, (size_t)(p - buf), 0);

	CHECK(strstr(m->body, "bottom text") == NULL);
	CHECK(m->nparts <= 40);
	mime_free(m);
	free(buf);
}

static void flowed_text(void)
{
	char *t = flowed("This is a \r\nflowed para\r\ngraph.\r\n> quoted \r\n> text\r\n>> deeper\r\n \r\n"
			 " From stuffed\r\n-- \r\nsig line\r\n", 0);

	CHECK_STR(t, "This is a flowed para\ngraph.\n> quoted text\n> > deeper\n\nFrom stuffed\n-- \nsig line\n");
	free(t);
	t = flowed("Del \r\nSp yes\r\n", 1);
	CHECK_STR(t, "DelSp yes\n");
	free(t);
	/* A depth change ends a paragraph even after a soft break; the last line may lack its end. */
	t = flowed("> a \nb ", 0);
	CHECK_STR(t, "> a \nb \n");
	free(t);
	struct mime_msg *m = parse_opts(S("Content-Type: text/plain; format=Flowed; DelSp=Yes\n\n"
					  "one two thr \nee four\n"), 0);
	CHECK_STR(m->body, "one two three four\n");
	mime_free(m);
}

static void html_structure(void)
{
	char *t = html("<h1>Title</h1><p>See <a href=\"https://a.example/x?a=1&amp;b=2\">the site</a> and "
		       "<a href='#top'>top</a>.</p><ul><li>one<li>two<ol><li>first</li><li>second</li></ol></ul>"
		       "<table><tr><th>Name</th><th>Qty</th></tr><tr><td>apple</td><td>3</td></tr></table>"
		       "<img src=x.png alt=\"a logo\"><pre>  keep\n    this</pre><h2>End</h2>");

	CHECK_STR(t, "Title\n=====\n\nSee the site[1] and top.\n\n* one\n* two\n  1. first\n  2. second\n"
		     "Name | Qty\napple | 3\n[image: a logo]\n  keep\n    this\n\nEnd\n---\n\n"
		     "[1] https://a.example/x?a=1&b=2");
	free(t);
	t = html("<a href=\"javascript:evil()\">x</a><a href=>y</a><img src=z>");
	CHECK_STR(t, "xy");
	free(t);
}

/* Ordered lists nested deeper than the renderer tracks: numbers up to there, bullets beyond. */
static void html_deep_lists(void)
{
	char src[512] = "", want[512] = "";

	for (int i = 0; i < 10; i++)
		strcat(src, "<ol><li>x");
	for (int i = 1; i <= 10; i++) {
		for (int k = 1; k < i; k++)
			strcat(want, "  ");
		strcat(want, i <= 8 ? "1. x\n" : "* x\n");
	}
	want[strlen(want) - 1] = '\0';	/* the text ends without a line break */
	char *t = html(src);
	CHECK_STR(t, want);
	free(t);
}

/* The date as seconds since the epoch, or -1 when it cannot be read. */
static long long when(const char *in)
{
	long long t;

	return mime_date_parse(in, &t) == 0 ? t : -1;
}

static void dates_as_times(void)
{
	CHECK(when("Thu, 01 Jan 1970 00:00:00 +0000") == 0);
	CHECK(when("Mon, 23 Nov 2026 09:12:00 +0000") == 1795425120LL);
	/* The zone moves the instant: 10:12 at +0100 is 09:12 UTC. */
	CHECK(when("Mon, 23 Nov 2026 10:12:00 +0100") == 1795425120LL);
	CHECK(when("23 Nov 2026 04:12:00 EST") == 1795425120LL);
	CHECK(when("Mon (comment), 23 Nov 2026 01 : 12 PST") == 1795425120LL);
	CHECK(when("23 Nov 2026 09:12 GMT") == 1795425120LL);
	/* Two-digit years as the list shows them: 49 is 2049, 50 is 1950. */
	CHECK(when("1 Jan 49 00:00:00 +0000") == 2493072000LL);
	CHECK(when("1 Jan 50 00:00:00 +0000") == -631152000LL);
	CHECK(when("29 Feb 2024 12:00:00 -0000") == 1709208000LL);
	CHECK(when("") == -1);
	CHECK(when(NULL) == -1);
	CHECK(when("23 Nov 2026") == -1);
	CHECK(when("23 Nov 2026 25:00:00 +0000") == -1);
	CHECK(when("23 Nov 2026 09:61 +0000") == -1);
	CHECK(when("30 Feb 2026 09:00 +0000") == -1);
}

static void dates(void)
{
	check_date("Mon, 23 Nov 2026 09:12:00 +0000", "2026-11-23");
	check_date("23 Nov 2026 09:12 GMT", "2026-11-23");
	check_date("Thu, 1 Jan 25 10:00:00 +0100", "2025-01-01");
	check_date("Sat, 31 Dec 99 23:59:59 -0500", "1999-12-31");
	check_date("Fri, 13 Jun 103 00:00:00 +0000", "2003-06-13");
	check_date(" Wed ( comment ) , 2 (x) September 2026 08:00", "2026-09-02");
	check_date("", "");
	check_date("yesterday", "");
	check_date("Mon, 25 Nov 0025 09:00", "");
	check_date("31 Feb 2026", "");
	check_date("1 Jan 123456", "");
	check_date(NULL, "");
}

static void joiners_kept(void)
{
	/* man ZWJ woman, thumbs up + VS16, e + combining acute: all kept as they are. */
	static const char t[] = "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9 \xf0\x9f\x91\x8d\xef\xb8\x8f e\xcc\x81";
	size_t n;
	char *s = mime_sanitize(t, sizeof t - 1, &n);

	CHECK(s != NULL && n == sizeof t - 1 && memcmp(s, t, n) == 0);
	free(s);
	s = mime_decode_header(t, sizeof t - 1);
	CHECK_STR(s, t);
	free(s);
}

TEST_MAIN("mime parts",
	  TEST(partial_sizes_are_unknown),
	  TEST(part_data_is_decoded),
	  TEST(forwarded_inline),
	  TEST(hostile_forward_nesting_is_bounded),
	  TEST(flowed_text),
	  TEST(html_structure),
	  TEST(html_deep_lists),
	  TEST(dates),
	  TEST(dates_as_times),
	  TEST(joiners_kept))
