/* RETR and TOP: a message streamed from its file through the connection in large blocks. */
#include "message.h"
#include "params.h"
#include "pop3.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read up to want octets (fewer only at end of file or on error), retrying on EINTR. */
static ssize_t read_some(int fd, char *buf, size_t want)
{
	ssize_t n;

	while ((n = read(fd, buf, want)) < 0 && errno == EINTR)
		;
	return n;
}

/* At most the octets left of size, and at most a buffer's worth. */
static size_t chunk(off_t size, off_t done, size_t bufsize)
{
	uint64_t left = (uint64_t)(size - done);

	return left < bufsize ? (size_t)left : bufsize;
}

int message_wire_size(int fd, off_t size, char *buf, size_t bufsize, uint64_t *wire_r)
{
	struct pop3_wire w = { 0 };
	off_t done = 0;

	while (done < size) {
		ssize_t n = read_some(fd, buf, chunk(size, done, bufsize));

		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENODATA;
			return -1;
		}
		pop3_wire_add(&w, buf, (size_t)n);
		done += n;
	}
	*wire_r = pop3_wire_end(&w);
	return 0;
}

/*
 * Where TOP stops: tracks the header/body boundary and counts body lines, so a
 * block can be cut at the first octet that must not be sent.
 */
struct top_cut {
	long left;		/* body lines still to send; < 0 sends everything */
	int in_header;
	int bol;		/* at the beginning of a line */
	int bol_cr;		/* a line began with CR: a following LF makes it empty */
};

/* How many octets of in[0..n) may be sent; the rest is cut off. */
static size_t top_limit(struct top_cut *t, const char *in, size_t n)
{
	size_t i = 0;

	if (t->left < 0)
		return n;
	while (i < n) {
		if (!t->in_header && t->left == 0)
			return i;
		if (t->in_header && t->bol && in[i] == '\n') {
			/* The empty line that ends the header: it is sent, body lines follow. */
			t->in_header = 0;
			t->bol_cr = 0;
			i++;
			continue;
		}
		if (t->in_header && t->bol && in[i] == '\r' && !t->bol_cr) {
			t->bol_cr = 1;
			i++;
			continue;
		}
		const char *lf = memchr(in + i, '\n', n - i);

		t->bol_cr = 0;
		if (lf == NULL) {
			t->bol = 0;
			return n;
		}
		i = (size_t)(lf - in) + 1;
		if (!t->in_header)
			t->left--;
		t->bol = 1;
	}
	return n;
}

/* A streaming answer in progress: what has gone out, and where TOP stops. */
struct sender {
	struct conn *c;
	struct pop3_enc enc;
	struct top_cut cut;
	uint64_t out;		/* octets written, dot-stuffing included */
	char *in, *buf;
};

/* Encode and send one block; 1 when TOP has sent all it should, 0 to go on, -1 on failure. */
static int send_block(struct sender *sn, size_t n)
{
	size_t take = top_limit(&sn->cut, sn->in, n);
	size_t len = pop3_encode(&sn->enc, sn->in, take, sn->buf);

	sn->out += len;
	if (conn_write(sn->c, sn->buf, len) < 0)
		return -1;
	return take < n;
}

/*
 * After a whole RETR: NULL when the file is still what was listed and sent, else why
 * not.  The file must end where the listing said (one more read finds its end, as
 * the read loop of a whole file would), and the octets sent must be the wire size.
 */
static const char *retr_check(int fd, const struct sender *sn, uint64_t wire, size_t end)
{
	char more;
	ssize_t n = read_some(fd, &more, 1);

	if (n < 0)
		return "cannot check the end of the file";
	if (n > 0)
		return "the file grew while it was sent";
	/* The octets sent less the stuffed dots and the terminator are the wire size. */
	if (sn->out + end - 3 - sn->enc.dots != wire)
		return "the file changed while it was sent (wire size differs from the listing)";
	return NULL;
}

int message_send(struct conn *c, int fd, off_t size, uint64_t wire, long body_lines,
		 const char **why_r)
{
	struct sender sn = { .c = c, .cut = { .left = body_lines, .in_header = 1, .bol = 1 } };
	off_t done = 0;
	int ret = -2, r = 0, bulk = 0;

	/* Buffers the size of the message up to a block: a small RETR or TOP asks malloc for a
	 * few KB from the thread's arena, not 768 KB that the arena maps and trims each time. */
	size_t blk = chunk(size, 0, POP3_STREAM_BLOCK);

	if (blk == 0)
		blk = 1;
	*why_r = "out of memory";
	sn.in = malloc(blk);
	sn.buf = malloc(2 * blk + 8);
	if (sn.in == NULL || sn.buf == NULL)
		goto out;
	/* Records are gathered only for a message of several blocks: a small one stays in the
	 * connection's write buffer with the replies around it, and costs no 256 KiB buffer. */
	bulk = size > POP3_STREAM_BLOCK;
	if (bulk)
		conn_bulk_begin(c);
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	pop3_encode_begin(&sn.enc);
	while (r == 0 && done < size) {
		ssize_t n = read_some(fd, sn.in, chunk(size, done, blk));

		*why_r = n < 0 ? "read failed" : "the file shrank while it was sent";
		if (n <= 0)
			goto out;
		done += n;
		r = send_block(&sn, (size_t)n);
	}
	ret = -1;
	if (r < 0)
		goto out;
	size_t len = pop3_encode_end(&sn.enc, sn.buf);

	ret = -2;
	if (body_lines < 0 && (*why_r = retr_check(fd, &sn, wire, len)) != NULL)
		goto out;
	ret = conn_write(c, sn.buf, len) < 0 ? -1 : 0;
out:
	/* Whatever was gathered goes out, also before a connection closed mid-message. */
	if (bulk && conn_bulk_end(c) < 0 && ret == 0)
		ret = -1;
	free(sn.in);
	free(sn.buf);
	return ret;
}
