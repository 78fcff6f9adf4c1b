/* Unit tests for server/log.c: the escaper, and that a logged line can never be split. */
#include "harness.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* log_escape of a C string into a buffer of size octets. */
static const char *esc(const char *in, size_t size)
{
	static char out[512];

	log_escape(in, strlen(in), out, size);
	return out;
}

static void test_plain_text_passes(void)
{
	CHECK_STR(esc("alice logged in: 3 messages", 512), "alice logged in: 3 messages");
	CHECK_STR(esc("", 512), "");
	CHECK_STR(esc("~ !\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}", 512),
		  "~ !\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}");
}

static void test_controls_del_backslash(void)
{
	CHECK_STR(esc("a\nserver: [1] forged", 512), "a\\x0aserver: [1] forged");
	CHECK_STR(esc("\r\t\x1b[2J\x01", 512), "\\x0d\\x09\\x1b[2J\\x01");
	CHECK_STR(esc("del\x7f", 512), "del\\x7f");
	/* The escape character itself is escaped, so "\x0a" in a log was never a raw "\x0a". */
	CHECK_STR(esc("a\\x0ab", 512), "a\\x5cx0ab");
}

static void test_nul_inside(void)
{
	char out[64];
	size_t n = log_escape("a\0b", 3, out, sizeof(out));

	CHECK(n == 6);
	CHECK_STR(out, "a\\x00b");
}

static void test_utf8_well_formed_passes(void)
{
	CHECK_STR(esc("J\xc3\xbcrgen", 512), "J\xc3\xbcrgen");		/* U+00FC */
	CHECK_STR(esc("\xe2\x82\xac", 512), "\xe2\x82\xac");			/* U+20AC */
	CHECK_STR(esc("\xf0\x9f\x93\xac", 512), "\xf0\x9f\x93\xac");		/* U+1F4EC */
	CHECK_STR(esc("\xf4\x8f\xbf\xbf", 512), "\xf4\x8f\xbf\xbf");		/* U+10FFFF */
}

static void test_utf8_invalid_escaped(void)
{
	CHECK_STR(esc("\xff", 512), "\\xff");
	CHECK_STR(esc("\xc3", 512), "\\xc3");				/* cut short */
	CHECK_STR(esc("\xc3(", 512), "\\xc3(");				/* bad continuation */
	CHECK_STR(esc("\x80", 512), "\\x80");				/* lone continuation */
	CHECK_STR(esc("\xc0\xaf", 512), "\\xc0\\xaf");			/* overlong '/' */
	CHECK_STR(esc("\xe0\x80\xaf", 512), "\\xe0\\x80\\xaf");		/* overlong */
	CHECK_STR(esc("\xed\xa0\x80", 512), "\\xed\\xa0\\x80");		/* surrogate */
	CHECK_STR(esc("\xf4\x90\x80\x80", 512), "\\xf4\\x90\\x80\\x80");	/* past U+10FFFF */
	CHECK_STR(esc("\xe2\x82", 512), "\\xe2\\x82");			/* cut short */
}

static void test_c1_controls_escaped(void)
{
	CHECK_STR(esc("a\xc2\x85" "b", 512), "a\\xc2\\x85b");		/* NEL */
	CHECK_STR(esc("\xc2\x9b", 512), "\\xc2\\x9b");			/* CSI */
	CHECK_STR(esc("\xc2\xa0", 512), "\xc2\xa0");			/* NBSP is text */
}

static void test_truncation_keeps_items_whole(void)
{
	char out[8];

	CHECK(log_escape("abcdefghij", 10, out, sizeof(out)) == 7);
	CHECK_STR(out, "abcdefg");
	/* "ab" then \x0a needs 4 more octets and a NUL: it is left out, not cut. */
	CHECK(log_escape("ab\ncd", 5, out, 6) == 2);
	CHECK_STR(out, "ab");
	/* A UTF-8 sequence is never split. */
	CHECK(log_escape("a\xe2\x82\xac", 4, out, 4) == 1);
	CHECK_STR(out, "a");
	CHECK(log_escape("x", 1, out, 0) == 0);
}

/* Undo the escaping: \xNN back to the octet; returns the length. */
static size_t unescape(const char *in, unsigned char *out)
{
	size_t o = 0;

	for (const char *p = in; *p; p++) {
		unsigned v;

		if (p[0] == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x", &v) == 1) {
			out[o++] = (unsigned char)v;
			p += 3;
		} else {
			out[o++] = (unsigned char)*p;
		}
	}
	return o;
}

/* Random octets: the output holds no control octet, no raw backslash, and gives the input back. */
static void test_random_round_trip(void)
{
	unsigned seed = 12345;
	unsigned char in[64], back[64];
	char out[4 * sizeof(in) + 1];

	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 64);

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly ASCII and UTF-8 lead and continuation octets, some controls. */
			in[i] = (unsigned char)(seed >> 16);
		}
		log_escape((const char *)in, n, out, sizeof(out));
		for (const unsigned char *q = (const unsigned char *)out; *q; q++)
			if (*q < 0x20 || *q == 0x7f || (*q == '\\' && q[1] != 'x')) {
				CHECK(0);
				return;
			}
		if (unescape(out, back) != n || memcmp(back, in, n) != 0) {
			CHECK(0);
			return;
		}
	}
}

/* Run fn with stderr sent to a file; returns what it wrote (static buffer). */
static const char *captured(void (*fn)(void))
{
	/* Lines start with the name the program was started as: this binary is the server. */
	static char name[] = "pop3d";
	static char buf[8192];
	char path[] = "/tmp/test_server_log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	program_invocation_short_name = name;
	if (fd < 0 || saved < 0)
		return "";
	unlink(path);
	dup2(fd, 2);
	fn();
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void log_forgery(void)
{
	log_conn(7, "127.0.0.1:4000", "login failed for %s", "x\npop3d: [8] 10.0.0.1:1 login as root");
	log_msg("user %s", "bob\r\n\xff");
	log_conn(9, "10.0.0.9:5\n", "connect");
}

static void test_lines_cannot_be_forged(void)
{
	CHECK_STR(captured(log_forgery),
		  "pop3d: [7] 127.0.0.1:4000 login failed for x\\x0apop3d: [8] 10.0.0.1:1 login as root\n"
		  "pop3d: user bob\\x0d\\x0a\\xff\n"
		  "pop3d: [9] 10.0.0.9:5\\x0a connect\n");
}

static void log_long(void)
{
	char big[3000];

	memset(big, '\n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_msg("%s", big);
}

static void test_long_line_is_one_line(void)
{
	const char *out = captured(log_long);
	size_t n = strlen(out);

	CHECK(n > 1000);
	CHECK(strchr(out, '\n') == out + n - 1);
	CHECK(strncmp(out, "pop3d: \\x0a\\x0a", 15) == 0);
}

TEST_MAIN("server_log",
	  TEST(test_plain_text_passes),
	  TEST(test_controls_del_backslash),
	  TEST(test_nul_inside),
	  TEST(test_utf8_well_formed_passes),
	  TEST(test_utf8_invalid_escaped),
	  TEST(test_c1_controls_escaped),
	  TEST(test_truncation_keeps_items_whole),
	  TEST(test_random_round_trip),
	  TEST(test_lines_cannot_be_forged),
	  TEST(test_long_line_is_one_line))
