/* RETR and TOP: a message streamed from its file through the connection in large blocks. */
#include "message.h"
#include "params.h"
#include "pop3.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int message_wire_size(const char *path, char *buf, size_t size, uint64_t *wire_r)
{
	struct pop3_wire w = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, size)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		pop3_wire_add(&w, buf, (size_t)n);
	}
	int e = errno;

	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
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

int message_send(struct conn *c, int fd, long body_lines)
{
	struct pop3_enc enc;
	struct top_cut cut = { .left = body_lines, .in_header = 1, .bol = 1 };
	char *in = malloc(POP3_STREAM_BLOCK), *out = malloc(2 * POP3_STREAM_BLOCK + 8);
	int ret = 0;
	ssize_t n;

	if (in == NULL || out == NULL) {
		ret = -2;
		goto out;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	pop3_encode_begin(&enc);
	while ((n = read(fd, in, POP3_STREAM_BLOCK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -2;
			goto out;
		}
		size_t take = top_limit(&cut, in, (size_t)n);
		size_t len = pop3_encode(&enc, in, take, out);

		if (conn_write(c, out, len) < 0) {
			ret = -1;
			goto out;
		}
		if (take < (size_t)n)
			break;
	}
	size_t len = pop3_encode_end(&enc, out);

	if (conn_write(c, out, len) < 0)
		ret = -1;
out:
	free(in);
	free(out);
	return ret;
}
