/* Unit tests of the protocol client against a scripted server on the other end of a socketpair. */
#include "harness.h"
#include "pop3client.h"
#include "pop3parse.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * The fake server: its whole script is written before the client runs (the replies
 * wait in the socket buffer); what the client sent is read back afterwards.
 */
struct fake {
	struct pop3c *c;
	int peer;
};

/* Start a client whose server will say script; close_after drops the connection after it. */
static int fake_start(struct fake *f, const char *script, int close_after)
{
	int sv[2];
	char err[256];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	if (write(sv[1], script, strlen(script)) != (ssize_t)strlen(script))
		return -1;
	f->peer = sv[1];
	if (close_after) {
		shutdown(sv[1], SHUT_WR);
	}
	f->c = NULL;
	if (pop3c_open_fd(sv[0], 5, &f->c, err, sizeof(err)) < 0)
		return -1;
	return 0;
}

/* What the client sent so far, NUL-terminated, in a static buffer. */
static const char *fake_sent(struct fake *f)
{
	static char buf[8192];
	ssize_t n;
	size_t len = 0;

	shutdown(f->peer, SHUT_WR);
	pop3c_close(f->c);
	f->c = NULL;
	while ((n = read(f->peer, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(f->peer);
	return buf;
}

static void fake_end(struct fake *f)
{
	pop3c_close(f->c);
	close(f->peer);
}

static void test_greeting_err(void)
{
	int sv[2];
	char err[256] = "";
	struct pop3c *c = NULL;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(write(sv[1], "-ERR [SYS/TEMP] too many connections\r\n", 38) == 38);
	CHECK(pop3c_open_fd(sv[0], 5, &c, err, sizeof(err)) == -1);
	CHECK_STR(err, "-ERR [SYS/TEMP] too many connections");
	close(sv[1]);
}

static void test_login_sends_user_pass(void)
{
	struct fake f;

	CHECK(fake_start(&f, "+OK ready\r\n+OK send PASS\r\n+OK maildrop has 2 messages\r\n", 0) == 0);
	CHECK(pop3c_login(f.c, "bob", "secret") == POP3C_OK);
	CHECK_STR(pop3c_reply(f.c), "+OK maildrop has 2 messages");
	CHECK_STR(fake_sent(&f), "USER bob\r\nPASS secret\r\n");
}

static void test_login_refused(void)
{
	struct fake f;

	CHECK(fake_start(&f, "+OK ready\r\n+OK\r\n-ERR [AUTH] Authentication failed.\r\n", 0) == 0);
	CHECK(pop3c_login(f.c, "bob", "wrong") == POP3C_ERR);
	CHECK_STR(pop3c_error(f.c), "-ERR [AUTH] Authentication failed.");
	CHECK(!pop3c_dead(f.c));
	fake_end(&f);
}

static void test_retr_unstuffs(void)
{
	struct fake f;
	struct pop3c_buf b = { 0 };
	const char want[] = ".signature\r\n.\r\n..two\r\nplain\r\n\r\n";

	CHECK(fake_start(&f, "+OK ready\r\n+OK 40 octets\r\n..signature\r\n..\r\n...two\r\nplain\r\n\r\n.\r\n",
			 0) == 0);
	CHECK(pop3c_retr(f.c, 1, &b, NULL, NULL) == POP3C_OK);
	CHECK_MEM(b.data, b.len, want, sizeof(want) - 1);
	CHECK_STR(fake_sent(&f), "RETR 1\r\n");
	pop3c_buf_free(&b);
}

static void test_retr_long_line(void)
{
	struct fake f;
	struct pop3c_buf b = { 0 };
	size_t n = 10000;
	char *script = malloc(n + 64), *want = malloc(n + 8);

	/* A 10,000-octet line that starts with a stuffed dot and has dots inside. */
	strcpy(script, "+OK ready\r\n+OK\r\n..");
	memset(script + strlen(script), '.', n);
	strcpy(script + 18 + n, "\r\n.\r\n");
	want[0] = '.';
	memset(want + 1, '.', n);
	memcpy(want + 1 + n, "\r\n", 2);
	CHECK(fake_start(&f, script, 0) == 0);
	CHECK(pop3c_retr(f.c, 2, &b, NULL, NULL) == POP3C_OK);
	CHECK_MEM(b.data, b.len, want, n + 3);
	fake_end(&f);
	pop3c_buf_free(&b);
	free(script);
	free(want);
}

static void test_err_texts(void)
{
	struct fake f;
	struct pop3c_buf b = { 0 };

	CHECK(fake_start(&f, "+OK ready\r\n-ERR no such message: 9\r\n-ERR message 2 already deleted\r\n+OK\r\n", 0) == 0);
	CHECK(pop3c_retr(f.c, 9, &b, NULL, NULL) == POP3C_ERR);
	CHECK_STR(pop3c_error(f.c), "-ERR no such message: 9");
	CHECK(pop3c_dele(f.c, 2) == POP3C_ERR);
	CHECK_STR(pop3c_error(f.c), "-ERR message 2 already deleted");
	/* The session goes on after -ERR. */
	CHECK(pop3c_noop(f.c) == POP3C_OK);
	CHECK(b.len == 0);
	fake_end(&f);
}

static void progress(unsigned long long done, void *arg)
{
	unsigned long long *last = arg;

	CHECK(done >= *last);
	*last = done;
}

static void test_dropped_mid_retr(void)
{
	struct fake f;
	struct pop3c_buf b = { 0 };
	unsigned long long last = 0;

	CHECK(fake_start(&f, "+OK ready\r\n+OK 500 octets\r\nFrom: a\r\n\r\nhalf a bo", 1) == 0);
	CHECK(pop3c_retr(f.c, 1, &b, progress, &last) == POP3C_FAIL);
	CHECK(pop3c_dead(f.c));
	CHECK(!pop3c_ended(f.c));
	CHECK(strstr(pop3c_error(f.c), "closed") != NULL);
	CHECK(last == 11);
	/* Every later command fails at once, without touching the socket. */
	CHECK(pop3c_dele(f.c, 1) == POP3C_FAIL);
	fake_end(&f);
	pop3c_buf_free(&b);
}

/* A wait that counts its calls and answers as told: 1 ready, 0 timed out, -1 cancelled. */
struct scripted_wait {
	int calls, answer;
	short events;
};

static int scripted(void *arg, int fd, short events, int timeout_ms)
{
	struct scripted_wait *w = arg;

	(void)fd;
	(void)timeout_ms;
	w->calls++;
	w->events = events;
	if (w->answer < 0)
		errno = ECANCELED;
	return w->answer;
}

static void test_wait_cancels_retr(void)
{
	struct fake f;
	struct pop3c_buf b = { 0 };
	struct scripted_wait sw = { 0, -1, 0 };
	struct pop3c_wait w = { scripted, &sw };

	/* The payload stops half-way and the server stays: the wait is asked, and cancels. */
	CHECK(fake_start(&f, "+OK ready\r\n+OK 500 octets\r\nFrom: a\r\n\r\nhalf a bo", 0) == 0);
	pop3c_set_wait(f.c, &w);
	CHECK(pop3c_retr(f.c, 1, &b, NULL, NULL) == POP3C_FAIL);
	CHECK(sw.calls == 1 && sw.events == POLLIN);
	CHECK(pop3c_cancelled(f.c));
	CHECK(pop3c_dead(f.c) && !pop3c_ended(f.c));
	CHECK_STR(pop3c_error(f.c), "cancelled");
	CHECK(pop3c_bytes_in(f.c) == strlen("+OK ready\r\n+OK 500 octets\r\nFrom: a\r\n\r\nhalf a bo"));
	fake_end(&f);
	pop3c_buf_free(&b);
}

static void test_wait_times_out(void)
{
	struct fake f;
	struct scripted_wait sw = { 0, 0, 0 };
	struct pop3c_wait w = { scripted, &sw };

	CHECK(fake_start(&f, "+OK ready\r\n", 0) == 0);
	pop3c_set_wait(f.c, &w);
	CHECK(pop3c_noop(f.c) == POP3C_FAIL);
	CHECK(sw.calls == 1);
	CHECK(!pop3c_cancelled(f.c));
	CHECK_STR(pop3c_error(f.c), "the server is not answering (silent for 5 s)");
	fake_end(&f);
}

static void test_wait_not_asked_when_data_is_there(void)
{
	struct fake f;
	struct scripted_wait sw = { 0, -1, 0 };
	struct pop3c_wait w = { scripted, &sw };
	unsigned count;
	unsigned long long size;

	CHECK(fake_start(&f, "+OK ready\r\n+OK 2 300\r\n", 0) == 0);
	pop3c_set_wait(f.c, &w);
	CHECK(pop3c_stat(f.c, &count, &size) == POP3C_OK);
	CHECK(count == 2 && size == 300);
	CHECK(sw.calls == 0);
	fake_end(&f);
}

static void test_list_and_uidl(void)
{
	struct fake f;
	struct pop3c_entry *v = NULL;
	size_t n = 0;

	CHECK(fake_start(&f, "+OK ready\r\n+OK 2 messages\r\n1 697\r\n3 864\r\n.\r\n"
			     "+OK\r\n1 6b084edc00000001\r\n3 6b084edc00000003\r\n.\r\n", 0) == 0);
	CHECK(pop3c_list(f.c, &v, &n) == POP3C_OK);
	CHECK(n == 2);
	CHECK(pop3c_uidl(f.c, v, n) == POP3C_OK);
	if (n == 2) {
		CHECK(v[0].num == 1 && v[0].size == 697);
		CHECK(v[1].num == 3 && v[1].size == 864);
		CHECK_STR(v[1].uid, "6b084edc00000003");
	}
	CHECK_STR(fake_sent(&f), "LIST\r\nUIDL\r\n");
	free(v);
}

static void test_capa_pipelined_top(void)
{
	struct fake f;
	struct pop3c_buf outs[2] = { { 0 }, { 0 } };
	unsigned nums[2] = { 1, 2 };
	int res[2];

	CHECK(fake_start(&f, "+OK ready\r\n+OK\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n"
			     "+OK\r\nSubject: one\r\n\r\n.\r\n-ERR no such message: 2\r\n", 0) == 0);
	CHECK(pop3c_capa(f.c) == POP3C_OK);
	CHECK(pop3c_has_pipelining(f.c) && pop3c_has_uidl(f.c));
	CHECK(pop3c_top_many(f.c, nums, 2, 0, outs, res) == POP3C_OK);
	CHECK(res[0] == POP3C_OK && res[1] == POP3C_ERR);
	CHECK_MEM(outs[0].data, outs[0].len, "Subject: one\r\n\r\n", 16);
	CHECK_STR(fake_sent(&f), "CAPA\r\nTOP 1 0\r\nTOP 2 0\r\n");
	pop3c_buf_free(&outs[0]);
	pop3c_buf_free(&outs[1]);
}

static void test_raw_multi_or_not(void)
{
	struct fake f;
	struct pop3c_buf b = { 0 };
	int multi;

	CHECK(fake_start(&f, "+OK ready\r\n+OK 1 5\r\n+OK\r\n1 5\r\n.\r\n+OK bye\r\n", 0) == 0);
	CHECK(pop3c_raw(f.c, "list 1", &b, &multi) == POP3C_OK && !multi);
	CHECK(pop3c_raw(f.c, "list", &b, &multi) == POP3C_OK && multi);
	CHECK_STR(b.data, "1 5\n");
	CHECK(pop3c_raw(f.c, "QUIT", &b, &multi) == POP3C_OK);
	CHECK(pop3c_ended(f.c) && pop3c_dead(f.c));
	fake_end(&f);
	pop3c_buf_free(&b);
}

static void test_check_closed(void)
{
	struct fake f;

	CHECK(fake_start(&f, "+OK ready\r\n", 0) == 0);
	CHECK(pop3c_check_closed(f.c) == 0);
	CHECK(write(f.peer, "-ERR autologout: idle for too long\r\n", 36) == 36);
	close(f.peer);
	f.peer = -1;
	CHECK(pop3c_check_closed(f.c) == 1);
	CHECK(strstr(pop3c_error(f.c), "autologout") != NULL);
	pop3c_close(f.c);
}

static void test_not_pop3(void)
{
	struct fake f;
	unsigned n;
	unsigned long long size;

	CHECK(fake_start(&f, "+OK ready\r\nHTTP/1.1 400 Bad Request\r\n", 0) == 0);
	CHECK(pop3c_stat(f.c, &n, &size) == POP3C_FAIL);
	CHECK(pop3c_dead(f.c));
	fake_end(&f);
}

static void test_parse_list_and_uidl(void)
{
	char list[] = "1 697\n2 657\njunk\n0 5\n4 864 extra\n";
	char uidl[] = "4 abc\001def\n1 uid-one\n9 nobody\n";
	struct pop3c_entry *v = NULL;
	size_t n = 0;

	CHECK(pop3parse_list(list, &v, &n) == 0);
	CHECK(n == 3);
	if (n == 3) {
		CHECK(v[2].num == 4 && v[2].size == 864);
		pop3parse_uidl(uidl, v, n);
		CHECK_STR(v[0].uid, "uid-one");
		CHECK_STR(v[1].uid, "");
		/* A unique-id stops at the first octet outside 0x21..0x7e. */
		CHECK_STR(v[2].uid, "abc");
	}
	free(v);
}

TEST_MAIN("client_pop3", TEST(test_parse_list_and_uidl), TEST(test_greeting_err), TEST(test_login_sends_user_pass), TEST(test_login_refused),
	  TEST(test_retr_unstuffs), TEST(test_retr_long_line), TEST(test_err_texts), TEST(test_dropped_mid_retr),
	  TEST(test_list_and_uidl), TEST(test_capa_pipelined_top), TEST(test_raw_multi_or_not),
	  TEST(test_check_closed), TEST(test_not_pop3), TEST(test_wait_cancels_retr), TEST(test_wait_times_out),
	  TEST(test_wait_not_asked_when_data_is_there))
