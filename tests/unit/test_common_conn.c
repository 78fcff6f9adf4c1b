/* Unit tests of common/conn.c over a socketpair: line ends, long lines, split reads, EOF, timeouts, writes, raw reads before a PROXY header. */
#include "harness.h"
#include "conn.h"
#include "pop3.h"

#include <errno.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A connection on one end of a socketpair; the test writes to *peer_r. */
static struct conn *pair(int timeout_s, int *peer_r)
{
	int sv[2];

	*peer_r = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		return NULL;
	}
	*peer_r = sv[1];
	return conn_new(sv[0], timeout_s);
}

static void put(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror("write");
			harness_failed_checks++;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

#define PUT(fd, lit) put((fd), (lit), sizeof(lit) - 1)

/* Read a line and compare status and content. */
static void expect_line(struct conn *c, size_t size, enum conn_status want_st, const char *want,
			size_t want_len, int line)
{
	char buf[8192];
	size_t len = 12345;
	enum conn_status st = conn_read_line(c, buf, size, &len);

	if (st != want_st || len != want_len || memcmp(buf, want, want_len) != 0 || buf[len] != '\0') {
		fprintf(stderr, "  line %d: got status %d, %zu octets \"%.*s\"; want %d, %zu \"%.*s\"\n",
			line, st, len, (int)(len < 80 ? len : 80), buf, want_st, want_len,
			(int)(want_len < 80 ? want_len : 80), want);
		harness_failed_checks++;
	}
}

#define EXPECT(c, size, st, lit) expect_line((c), (size), (st), (lit), sizeof(lit) - 1, __LINE__)

static void test_crlf_and_bare_lf(void)
{
	int peer;
	struct conn *c = pair(5, &peer);

	PUT(peer, "USER bob\r\nPASS x\nSTAT\r\n\r\n\n");
	EXPECT(c, 256, CONN_OK, "USER bob");
	EXPECT(c, 256, CONN_OK, "PASS x");
	EXPECT(c, 256, CONN_OK, "STAT");
	EXPECT(c, 256, CONN_OK, "");
	EXPECT(c, 256, CONN_OK, "");
	conn_free(c);
	close(peer);
}

/* Several lines in one write come out one by one; the rest waits in conn_pending(). */
static void test_pipelined_lines(void)
{
	int peer;
	struct conn *c = pair(5, &peer);

	PUT(peer, "A\r\nB\nC\r\n");
	EXPECT(c, 256, CONN_OK, "A");
	CHECK(conn_pending(c) == 5);
	EXPECT(c, 256, CONN_OK, "B");
	CHECK(conn_pending(c) == 3);
	EXPECT(c, 256, CONN_OK, "C");
	CHECK(conn_pending(c) == 0);
	CHECK(conn_bytes_in(c) == 8);
	conn_free(c);
	close(peer);
}

/* A line longer than the buffer: CONN_LONG with what fits, then the rest on the next calls. */
static void test_long_line_in_parts(void)
{
	int peer;
	struct conn *c = pair(5, &peer);

	PUT(peer, "0123456789abcdef\r\nNEXT\r\n");
	EXPECT(c, 8, CONN_LONG, "0123456");
	EXPECT(c, 8, CONN_LONG, "789abcd");
	EXPECT(c, 8, CONN_OK, "ef");
	EXPECT(c, 8, CONN_OK, "NEXT");
	conn_free(c);
	close(peer);
}

/* Exactly as long as the buffer holds: OK, not LONG; one more octet is LONG. */
static void test_line_at_buffer_size(void)
{
	int peer;
	struct conn *c = pair(5, &peer);

	PUT(peer, "1234567\r\n1234567\n12345678\r\n");
	EXPECT(c, 8, CONN_OK, "1234567");
	EXPECT(c, 8, CONN_OK, "1234567");
	EXPECT(c, 8, CONN_LONG, "1234567");
	EXPECT(c, 8, CONN_OK, "8");
	conn_free(c);
	close(peer);
}

/* A CRLF at the buffer's end is never returned as data; a CR before other data is data. */
static void test_long_line_cr_at_boundary(void)
{
	int peer;
	struct conn *c = pair(5, &peer);

	PUT(peer, "abcdefg\r\n");
	EXPECT(c, 8, CONN_OK, "abcdefg");
	PUT(peer, "abcdefgh\r\n");
	EXPECT(c, 8, CONN_LONG, "abcdefg");
	EXPECT(c, 8, CONN_OK, "h");
	PUT(peer, "abcdef\rX\n");
	EXPECT(c, 8, CONN_LONG, "abcdef\r");
	EXPECT(c, 8, CONN_OK, "X");
	conn_free(c);
	close(peer);
}

/* conn_skip_line drops the rest of a long line, even one longer than the read buffer. */
static void test_skip_line(void)
{
	int peer;
	struct conn *c = pair(5, &peer);
	static char big[3 * POP3_CONN_RBUF + 100];

	memset(big, 'x', sizeof(big));
	PUT(peer, "this line is far too long\r\nNOOP\r\n");
	EXPECT(c, 8, CONN_LONG, "this li");
	CHECK(conn_skip_line(c) == CONN_OK);
	EXPECT(c, 256, CONN_OK, "NOOP");

	put(peer, big, sizeof(big));
	PUT(peer, "\r\nQUIT\r\n");
	char buf[256];
	size_t len = 0;

	CHECK(conn_read_line(c, buf, sizeof(buf), &len) == CONN_LONG);
	CHECK(len == 255 && buf[0] == 'x' && buf[254] == 'x');
	CHECK(conn_skip_line(c) == CONN_OK);
	EXPECT(c, 256, CONN_OK, "QUIT");
	conn_free(c);
	close(peer);
}

/* A line longer than the read buffer fits a larger caller buffer whole. */
static void test_line_longer_than_read_buffer(void)
{
	int peer;
	struct conn *c = pair(5, &peer);
	static char big[2 * POP3_CONN_RBUF + 7];
	char buf[4 * POP3_CONN_RBUF];
	size_t len = 0;

	memset(big, 'y', sizeof(big));
	put(peer, big, sizeof(big));
	PUT(peer, "\r\n");
	CHECK(conn_read_line(c, buf, sizeof(buf), &len) == CONN_OK);
	CHECK(len == sizeof(big));
	CHECK(memcmp(buf, big, sizeof(big)) == 0);
	conn_free(c);
	close(peer);
}

struct writer {
	int peer;	/* where to write */
	int watch;	/* wait until this socket has nothing left unread */
	const char *parts[4];
};

/* Write each part once the reader has taken in everything written before it. */
static void *writer_main(void *arg)
{
	struct writer *w = arg;

	for (int i = 0; i < 4 && w->parts[i] != NULL; i++) {
		for (int tries = 0; tries < 100000; tries++) {
			int unread = -1;

			if (ioctl(w->watch, FIONREAD, &unread) < 0 || unread == 0)
				break;
			sched_yield();
		}
		put(w->peer, w->parts[i], strlen(w->parts[i]));
	}
	return NULL;
}

/* CR and LF in two separate reads are still one line end; so is a line in three pieces. */
static void test_crlf_split_across_reads(void)
{
	int peer;
	struct conn *c = pair(5, &peer);
	struct writer w = { peer, conn_fd(c), { "USER b", "ob\r", "\nSTAT\r\n", NULL } };
	pthread_t t;

	pthread_create(&t, NULL, writer_main, &w);
	EXPECT(c, 256, CONN_OK, "USER bob");
	EXPECT(c, 256, CONN_OK, "STAT");
	pthread_join(t, NULL);
	conn_free(c);
	close(peer);
}

/* The same with a small buffer: a line that fits is whole even when its CR and LF come apart. */
static void test_crlf_split_with_long_line(void)
{
	int peer;
	struct conn *c = pair(5, &peer);
	struct writer w = { peer, conn_fd(c), { "abcdefg\r", "\nok\r\n", NULL } };
	pthread_t t;

	pthread_create(&t, NULL, writer_main, &w);
	EXPECT(c, 8, CONN_OK, "abcdefg");
	EXPECT(c, 8, CONN_OK, "ok");
	pthread_join(t, NULL);
	conn_free(c);
	close(peer);
}

/*
 * A line that fits the buffer is CONN_OK however the network cuts it: here its last data
 * octets (or data and CR) fill the buffer's room in one read and the line end comes in the
 * next.  Sent in one piece, the same lines are CONN_OK (test_line_at_buffer_size).
 */
static void test_fitting_line_end_in_next_read(void)
{
	int peer;
	struct conn *c = pair(5, &peer);
	struct writer w = { peer, conn_fd(c), { "abcdef\r", "\nabcdefg", "\r\nok\r\n", NULL } };
	pthread_t t;

	pthread_create(&t, NULL, writer_main, &w);
	EXPECT(c, 8, CONN_OK, "abcdef");
	EXPECT(c, 8, CONN_OK, "abcdefg");
	EXPECT(c, 8, CONN_OK, "ok");
	pthread_join(t, NULL);
	conn_free(c);
	close(peer);
}

/* The peer closes in the middle of a line: CONN_EOF, with the part that came. */
static void test_eof_mid_line(void)
{
	int peer;
	struct conn *c = pair(5, &peer);

	PUT(peer, "LINE\r\npartial");
	close(peer);
	EXPECT(c, 256, CONN_OK, "LINE");
	EXPECT(c, 256, CONN_EOF, "partial");
	EXPECT(c, 256, CONN_EOF, "");
	conn_free(c);
}

static void test_eof_in_skip_line(void)
{
	int peer;
	struct conn *c = pair(5, &peer);

	PUT(peer, "no end");
	close(peer);
	CHECK(conn_skip_line(c) == CONN_EOF);
	conn_free(c);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Nothing arrives within a 1 s timeout: CONN_TIMEOUT after about a second. */
static void test_timeout(void)
{
	int peer;
	struct conn *c = pair(1, &peer);
	double t0 = now();

	PUT(peer, "half");
	EXPECT(c, 256, CONN_TIMEOUT, "half");
	double t = now() - t0;

	CHECK(t >= 0.9 && t < 5.0);
	/* the connection still works after a timeout */
	PUT(peer, "\r\n");
	EXPECT(c, 256, CONN_OK, "");
	conn_set_timeout(c, 1);
	t0 = now();
	CHECK(conn_skip_line(c) == CONN_TIMEOUT);
	CHECK(now() - t0 >= 0.9);
	conn_free(c);
	close(peer);
}

/* NUL bytes are data: the length tells where the line ends. */
static void test_nul_bytes(void)
{
	int peer;
	struct conn *c = pair(5, &peer);

	put(peer, "a\0b\r\n\0\n", 7);
	expect_line(c, 256, CONN_OK, "a\0b", 3, __LINE__);
	expect_line(c, 256, CONN_OK, "\0", 1, __LINE__);
	conn_free(c);
	close(peer);
}

static void test_discard_input(void)
{
	int peer;
	struct conn *c = pair(5, &peer);

	PUT(peer, "ONE\r\nTWO\r\n");
	EXPECT(c, 256, CONN_OK, "ONE");
	conn_discard_input(c);
	CHECK(conn_pending(c) == 0);
	PUT(peer, "THREE\r\n");
	EXPECT(c, 256, CONN_OK, "THREE");
	conn_free(c);
	close(peer);
}

/* Read exactly n octets from fd. */
static int get(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static void test_buffered_writes(void)
{
	int peer, avail = -1;
	struct conn *c = pair(5, &peer);
	char buf[64];

	CHECK(conn_puts(c, "+OK ") == 0);
	CHECK(conn_printf(c, "%d %s\r\n", 3, "messages") == 0);
	/* nothing is sent before the flush */
	CHECK(ioctl(peer, FIONREAD, &avail) == 0 && avail == 0);
	CHECK(conn_flush(c) == 0);
	CHECK(get(peer, buf, 16) == 0);
	CHECK_MEM(buf, 16, "+OK 3 messages\r\n", 16);
	CHECK(conn_bytes_out(c) == 16);
	CHECK(conn_flush(c) == 0);
	conn_free(c);
	close(peer);
}

struct drain {
	int fd;
	size_t want;
	char *buf;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;

	if (get(d->fd, d->buf, d->want) < 0)
		d->want = 0;
	return NULL;
}

/* Writes larger than the write buffer, in odd sizes, arrive whole and in order. */
static void test_large_writes(void)
{
	enum { TOTAL = 300000 };
	static char src[TOTAL], dst[TOTAL];
	int peer;
	struct conn *c = pair(5, &peer);
	struct drain d = { peer, TOTAL, dst };
	pthread_t t;
	size_t off = 0, step = 1;

	for (size_t i = 0; i < TOTAL; i++)
		src[i] = (char)('a' + i % 23);
	pthread_create(&t, NULL, drain_main, &d);
	while (off < TOTAL) {
		size_t n = step < TOTAL - off ? step : TOTAL - off;

		CHECK(conn_write(c, src + off, n) == 0);
		off += n;
		step = step * 3 + 1;
		if (step > 3 * POP3_CONN_WBUF)
			step = 7;
	}
	CHECK(conn_flush(c) == 0);
	pthread_join(t, NULL);
	CHECK(d.want == TOTAL);
	CHECK(memcmp(src, dst, TOTAL) == 0);
	CHECK(conn_bytes_out(c) == TOTAL);
	conn_free(c);
	close(peer);
}

/* A write to a closed peer fails, and the connection stays failed. */
static void test_write_to_closed_peer(void)
{
	int peer;
	struct conn *c = pair(5, &peer);
	static char big[2 * POP3_CONN_WBUF];

	close(peer);
	memset(big, 'z', sizeof(big));
	int r = conn_write(c, big, sizeof(big));

	if (r == 0)
		r = conn_flush(c);
	CHECK(r == -1);
	CHECK(conn_puts(c, "x") == -1);
	CHECK(conn_flush(c) == -1);
	conn_free(c);
}

/* conn_read_raw takes exactly what it may: up to an LF, or max octets; the rest stays for later. */
static void test_read_raw_exact(void)
{
	int peer;
	struct conn *c = pair(1, &peer);
	char buf[64], line[64];
	size_t len;

	if (c == NULL)
		return;
	put(peer, "PROXY UNKNOWN\r\nCAPA\r\n\x01\x02\x03\x04", 25);
	CHECK(conn_read_raw(c, buf, sizeof(buf), 1, 1000, &len) == CONN_OK);
	CHECK_MEM(buf, len, "PROXY UNKNOWN\r\n", 15);
	CHECK(conn_read_raw(c, buf, 3, 1, 1000, &len) == CONN_OK);
	CHECK_MEM(buf, len, "CAP", 3);
	CHECK(conn_read_raw(c, buf, 2, 0, 1000, &len) == CONN_OK);
	CHECK_MEM(buf, len, "A\r", 2);
	/* What follows is read as lines, as after a PROXY header. */
	CHECK(conn_read_line(c, line, sizeof(line), &len) == CONN_OK && len == 0);
	/* The line read buffered the rest; raw reads see the socket alone, now empty. */
	CHECK(conn_pending(c) == 4);
	CHECK(conn_read_raw(c, buf, 2, 0, 100, &len) == CONN_TIMEOUT);
	close(peer);
	CHECK(conn_read_raw(c, buf, 2, 0, 1000, &len) == CONN_EOF);
	conn_free(c);
}

/* Nothing arrives: CONN_TIMEOUT after about timeout_ms, with nothing taken. */
static void test_read_raw_timeout(void)
{
	int peer;
	struct conn *c = pair(0, &peer);
	char buf[8];
	size_t len = 99;
	struct timespec t0, t1;

	if (c == NULL)
		return;
	put(peer, "PRO", 3);
	CHECK(conn_read_raw(c, buf, 8, 1, 1000, &len) == CONN_OK && len == 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(conn_read_raw(c, buf, 8, 1, 200, &len) == CONN_TIMEOUT && len == 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;

	CHECK(ms >= 150 && ms < 5000);
	conn_free(c);
	close(peer);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A login delay waits its whole time; pipelined input neither ends it nor is lost. */
static void test_sleep_full_time(void)
{
	int peer;
	struct conn *c = pair(5, &peer);
	struct timespec t0;
	char buf[64];
	size_t len;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	put(peer, "QUIT\r\n", 6);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(conn_sleep(c, 150) == 0);
	CHECK(seconds_since(&t0) >= 0.145);
	CHECK(conn_read_line(c, buf, sizeof(buf), &len) == CONN_OK);
	CHECK_STR(buf, "QUIT");
	CHECK(conn_sleep(c, 0) == 0);
	conn_free(c);
	close(peer);
}

static void *shut_later(void *arg)
{
	nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	shutdown(*(int *)arg, SHUT_RDWR);
	return NULL;
}

/* The accept loop evicts a delayed session by shutting its socket: the wait ends at once. */
static void test_sleep_ends_on_shutdown(void)
{
	int peer, fd;
	struct conn *c = pair(5, &peer);
	struct timespec t0;
	pthread_t t;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	fd = conn_fd(c);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&t, NULL, shut_later, &fd);
	CHECK(conn_sleep(c, 10000) < 0);
	CHECK(seconds_since(&t0) < 5);
	pthread_join(t, NULL);
	conn_free(c);
	close(peer);
}

/* A client that hangs up during its delay ends it (and gets no answer). */
static void test_sleep_ends_on_peer_close(void)
{
	int peer;
	struct conn *c = pair(5, &peer);
	struct timespec t0;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	put(peer, "PASS x\r\n", 8);
	close(peer);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(conn_sleep(c, 10000) < 0);
	CHECK(seconds_since(&t0) < 5);
	conn_free(c);
}

TEST_MAIN("common_conn",
	  TEST(test_crlf_and_bare_lf),
	  TEST(test_pipelined_lines),
	  TEST(test_long_line_in_parts),
	  TEST(test_line_at_buffer_size),
	  TEST(test_long_line_cr_at_boundary),
	  TEST(test_skip_line),
	  TEST(test_line_longer_than_read_buffer),
	  TEST(test_crlf_split_across_reads),
	  TEST(test_crlf_split_with_long_line),
	  TEST(test_fitting_line_end_in_next_read),
	  TEST(test_eof_mid_line),
	  TEST(test_eof_in_skip_line),
	  TEST(test_timeout),
	  TEST(test_nul_bytes),
	  TEST(test_discard_input),
	  TEST(test_buffered_writes),
	  TEST(test_large_writes),
	  TEST(test_write_to_closed_peer),
	  TEST(test_read_raw_exact),
	  TEST(test_read_raw_timeout),
	  TEST(test_sleep_full_time),
	  TEST(test_sleep_ends_on_shutdown),
	  TEST(test_sleep_ends_on_peer_close))
