/* Fuzz target: common/conn.c's line reader (conn_read_line, conn_skip_line, conn_pending) over a socketpair. */
#include "conn.h"
#include "pop3.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Inputs must fit the socket buffer, as nothing reads while the input is written. */
#define INPUT_MAX 65536
/* The larger buffer: four times the connection's read buffer, so lines cross refills. */
#define LARGE (POP3_CONN_RBUF * 4 + 1)

/* The logical lines of one pass: each line's octets, and where each line starts. */
struct lines {
	char data[INPUT_MAX];
	size_t len;
	size_t start[INPUT_MAX + 1];
	size_t n;
};

static struct lines by_small, by_large;

/* Stop with a message libFuzzer reports as a crash, with the input saved. */
#define FUZZ_NAME "fuzz_line_reader"
#include "fuzz_check.h"

/* A connection that will read exactly the input, then EOF. */
static struct conn *feed(const uint8_t *data, size_t size)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		abort();
	}
	for (size_t off = 0; off < size;) {
		ssize_t n = write(sv[1], data + off, size - off);

		if (n < 0 && errno == EINTR)
			continue;
		CHECK(n > 0, "write: %s", strerror(errno));
		off += (size_t)n;
	}
	close(sv[1]);
	struct conn *c = conn_new(sv[0], 1);

	CHECK(c != NULL, "conn_new");
	return c;
}

/* Buffer sizes from the first octet: the small one can hold 1..16 octets of a line. */
static size_t small_size(const uint8_t *data, size_t size)
{
	return size > 0 ? 2 + data[0] % 16 : 2;
}

/*
 * Read every line with buffers of size, joining CONN_LONG parts, into out.
 * Checks the reader's promises on the way.
 */
static void read_all(const uint8_t *data, size_t size, size_t bufsize, struct lines *out)
{
	struct conn *c = feed(data, size);
	char buf[LARGE];
	size_t consumed = 0;
	int open = 0;	/* the last line has parts but no end yet */

	out->len = out->n = 0;
	for (;;) {
		size_t len = (size_t)-1;

		memset(buf, 0xAA, bufsize);
		enum conn_status st = conn_read_line(c, buf, bufsize, &len);

		CHECK(len < bufsize, "length %zu, buffer %zu", len, bufsize);
		CHECK(buf[len] == '\0', "no NUL after %zu octets", len);
		CHECK(conn_pending(c) <= POP3_CONN_RBUF, "pending %zu", conn_pending(c));
		CHECK(st == CONN_OK || st == CONN_LONG || st == CONN_EOF, "status %d", (int)st);
		if (st == CONN_LONG)
			CHECK(len > 0, "an empty CONN_LONG part");
		if (!open)
			out->start[out->n++] = out->len;
		memcpy(out->data + out->len, buf, len);
		out->len += len;
		consumed += len;
		CHECK(consumed <= size, "consumed %zu of %zu", consumed, size);
		if (st == CONN_EOF) {
			/* A last line without LF is still a line; an empty one is no line at all. */
			if (!open && len == 0)
				out->n--;
			break;
		}
		open = st == CONN_LONG;
		if (st == CONN_OK)
			consumed++;	/* its LF at least */
	}
	CHECK(conn_bytes_in(c) == size, "read %llu of %zu octets", conn_bytes_in(c), size);
	CHECK(conn_pending(c) == 0, "%zu octets left at EOF", conn_pending(c));
	out->start[out->n] = out->len;
	conn_free(c);
}

static size_t line_len(const struct lines *l, size_t i)
{
	return l->start[i + 1] - l->start[i];
}

/* How the server reads: one buffer, and a line too long is dropped with conn_skip_line(). */
static void read_skipping(const uint8_t *data, size_t size, size_t bufsize, const struct lines *want)
{
	struct conn *c = feed(data, size);
	char buf[POP3_CMD_MAX];
	size_t i = 0;

	for (;; i++) {
		size_t len;
		enum conn_status st = conn_read_line(c, buf, bufsize, &len);

		if (st == CONN_EOF && len == 0) {
			CHECK(i == want->n, "%zu lines instead of %zu", i, want->n);
			break;
		}
		CHECK(i < want->n, "more lines than %zu", want->n);
		const char *w = want->data + want->start[i];
		size_t wl = line_len(want, i);

		if (st == CONN_LONG) {
			/* The part is a prefix; the rest goes, and the next read starts a new line. */
			CHECK(len <= wl && memcmp(buf, w, len) == 0, "line %zu: part is no prefix", i);
			enum conn_status sk = conn_skip_line(c);

			if (sk == CONN_EOF) {
				CHECK(i + 1 == want->n, "EOF while skipping line %zu of %zu", i, want->n);
				break;
			}
			CHECK(sk == CONN_OK, "skip status %d", (int)sk);
			continue;
		}
		CHECK(st == CONN_OK || st == CONN_EOF, "status %d", (int)st);
		CHECK(len == wl && memcmp(buf, w, len) == 0, "line %zu differs: %zu octets, want %zu",
		      i, len, wl);
		if (st == CONN_EOF) {
			CHECK(i + 1 == want->n, "EOF at line %zu of %zu", i, want->n);
			break;
		}
	}
	conn_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > INPUT_MAX)
		return -1;	/* libFuzzer keeps no input that returns -1 */
	read_all(data, size, small_size(data, size), &by_small);
	read_all(data, size, LARGE, &by_large);
	/* Whatever the buffer size, the same lines come out, octet for octet. */
	CHECK(by_small.n == by_large.n, "%zu lines with a %zu-octet buffer, %zu with %d",
	      by_small.n, small_size(data, size), by_large.n, LARGE);
	CHECK(by_small.len == by_large.len && memcmp(by_small.data, by_large.data, by_small.len) == 0 &&
		      memcmp(by_small.start, by_large.start, by_small.n * sizeof(size_t)) == 0,
	      "the lines differ with a %zu-octet buffer", small_size(data, size));
	read_skipping(data, size, POP3_CMD_MAX - 1, &by_large);
	return 0;
}
